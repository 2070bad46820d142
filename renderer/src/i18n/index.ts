/**
 * react-i18next set up with English and Simplified Chinese. The language follows the OS
 * (navigator.language) unless the user picked one in Settings.
 */
import { createInstance, type i18n as I18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { MessageCode } from '../../../app/contract/messages.js';
import en from './locales/en.json' with { type: 'json' };
import zhCN from './locales/zh-CN.json' with { type: 'json' };

export const LOCALES = { en, 'zh-CN': zhCN } as const;
export type Locale = keyof typeof LOCALES;

/**
 * The texts of the message catalog (app/contract/messages.ts) in each language. A catalog code
 * without a text here fails tsc; test/renderer/messages.test.ts checks the placeholders match.
 */
export const MESSAGE_TEXTS: Record<Locale, Record<MessageCode, string>> = {
  en: en.msg,
  'zh-CN': zhCN.msg,
};

/** The UI language for a setting: the saved choice, or the OS language when it is 'system'. */
export function resolveLanguage(
  setting: 'system' | Locale | undefined,
  osLanguage: string | undefined,
): Locale {
  if (setting && setting !== 'system') return setting;
  return osLanguage?.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

export function createI18n(language: Locale): I18n {
  const instance = createInstance();
  void instance.use(initReactI18next).init({
    resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
    lng: language,
    fallbackLng: 'en',
    interpolation: { escapeValue: false },
    returnNull: false,
    initAsync: false,
  });
  return instance;
}
