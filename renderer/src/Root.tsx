/**
 * Puts the app together around an API: language (OS or the saved choice), theme (OS or the saved
 * choice), Mantine, i18n. Used by main.tsx and by the component tests with a fake API.
 */
import '@mantine/core/styles.css';
import { createTheme, MantineProvider } from '@mantine/core';
import type { i18n as I18n } from 'i18next';
import { useEffect, useState } from 'react';
import { I18nextProvider } from 'react-i18next';
import type { KeybridgeApi, SettingsView } from '../../app/contract/index.js';
import { App } from './App.js';
import { ApiProvider } from './api/context.js';
import { createI18n, loadTranslation, resolveLanguage, switchLanguage } from './i18n/index.js';

const theme = createTheme({
  primaryColor: 'indigo',
  defaultRadius: 'md',
  fontFamily:
    'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif',
});

export function Root({
  api,
  osLanguage = typeof navigator === 'undefined' ? 'en' : navigator.language,
  connected = true,
}: {
  api: KeybridgeApi;
  osLanguage?: string;
  connected?: boolean;
}) {
  const [settings, setSettings] = useState<Pick<SettingsView, 'language' | 'theme'> | null>(null);
  // The window's texts, in the OS language to start with: only that language is downloaded, and
  // the window renders once it is there (no key shows untranslated).
  const [i18n, setI18n] = useState<I18n | null>(null);
  const [textsFailed, setTextsFailed] = useState(false);
  useEffect(() => {
    let current = true;
    const initial = resolveLanguage(undefined, osLanguage);
    loadTranslation(initial).then(
      (texts) => {
        if (current) setI18n(createI18n(initial, texts));
      },
      () => {
        if (current) setTextsFailed(true);
      },
    );
    return () => {
      current = false;
    };
  }, [osLanguage]);

  useEffect(() => {
    let current = true;
    void api.settings.get().then((r) => {
      if (current && r.ok) setSettings(r.value);
    });
    return () => {
      current = false;
    };
  }, [api]);

  const language = resolveLanguage(settings?.language, osLanguage);
  useEffect(() => {
    if (!i18n) return;
    if (i18n.language === language) {
      document.documentElement.lang = language;
      return;
    }
    // Another language saved in Settings: its texts are fetched, then the window switches.
    // If they cannot be fetched, the window stays in the language it shows.
    switchLanguage(i18n, language).then(
      () => {
        document.documentElement.lang = language;
      },
      () => {},
    );
  }, [i18n, language]);

  // The texts' chunk could not be fetched (a damaged install): say so in both languages.
  if (textsFailed)
    return (
      <p role="alert" style={{ fontFamily: 'system-ui, sans-serif', padding: 16 }}>
        Keybridge could not load the window’s texts. Reload the window or reinstall Keybridge.
        <br />
        Keybridge 无法加载窗口文字。请重新加载窗口或重新安装 Keybridge。
      </p>
    );
  if (!i18n) return null;

  const forced = settings?.theme && settings.theme !== 'system' ? settings.theme : undefined;
  return (
    <I18nextProvider i18n={i18n}>
      <MantineProvider
        theme={theme}
        defaultColorScheme="auto"
        {...(forced ? { forceColorScheme: forced } : {})}
      >
        <ApiProvider api={api}>
          <App onSettings={setSettings} connected={connected} />
        </ApiProvider>
      </MantineProvider>
    </I18nextProvider>
  );
}
