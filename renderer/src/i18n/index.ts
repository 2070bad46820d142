/**
 * react-i18next set up with English and Simplified Chinese. The language follows the OS
 * (navigator.language) unless the user picked one in Settings.
 *
 * Only the language shown is downloaded: each locale is its own chunk, loaded (loadTranslation)
 * before the window first renders and when the user switches language in Settings.
 */
import { createInstance, type i18n as I18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { MessageCode } from '../../../app/contract/messages.js';

/** The texts of one language (the shape of locales/en.json). */
export type Translation = typeof import('./locales/en.json');

const LOADERS = {
  en: () => import('./locales/en.json').then((m) => m.default),
  'zh-CN': () => import('./locales/zh-CN.json').then((m) => m.default),
} satisfies Record<string, () => Promise<Translation>>;

export type Locale = keyof typeof LOADERS;
export const LANGUAGES = Object.keys(LOADERS) as Locale[];

/**
 * The texts of the message catalog (app/contract/messages.ts) in each language: a catalog code
 * without a text fails tsc; test/renderer/messages.test.ts checks the placeholders match.
 */
export type MessageTexts = Record<MessageCode, string>;
type HasEveryCode<T extends MessageTexts> = T;
export type CatalogChecked = [
  HasEveryCode<Translation['msg']>,
  HasEveryCode<typeof import('./locales/zh-CN.json')['msg']>,
];

/** The UI language for a setting: the saved choice, or the OS language when it is 'system'. */
export function resolveLanguage(
  setting: 'system' | Locale | undefined,
  osLanguage: string | undefined,
): Locale {
  if (setting && setting !== 'system') return setting;
  return osLanguage?.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

/** Downloads the texts of one language (its own chunk; the browser keeps it once loaded). */
export function loadTranslation(language: Locale): Promise<Translation> {
  return LOADERS[language]();
}

/** An i18n instance showing `language`, whose texts are given (see loadTranslation). */
export function createI18n(language: Locale, translation: Translation): I18n {
  const instance = createInstance();
  void instance.use(initReactI18next).init({
    resources: { [language]: { translation } },
    lng: language,
    // Every language has every key (test/renderer/locales.test.ts); nothing to fall back to.
    fallbackLng: false,
    interpolation: { escapeValue: false },
    returnNull: false,
    initAsync: false,
  });
  return instance;
}

/** Loads the texts of `language` and then switches to it, so no key shows untranslated. */
export async function switchLanguage(i18n: I18n, language: Locale): Promise<void> {
  if (!i18n.hasResourceBundle(language, 'translation')) {
    i18n.addResourceBundle(language, 'translation', await loadTranslation(language));
  }
  await i18n.changeLanguage(language);
}
