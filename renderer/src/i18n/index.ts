/**
 * react-i18next set up with English and Simplified Chinese. The language follows the OS
 * (navigator.language) unless the user picked one in Settings.
 *
 * Only the language shown is downloaded: each locale is its own chunk, loaded (loadTranslation)
 * before the window first renders and when the user switches language in Settings. The texts of
 * screens a first run never shows (each a Section: Share, spend limits) are left out of that chunk; they
 * load with the components that show them (useSectionTranslation), in the language shown.
 */
import { createInstance, type i18n as I18n } from 'i18next';
import { type ReactPromise, use } from 'react';
import { initReactI18next, useTranslation } from 'react-i18next';
import type { MessageCode } from '../../../app/contract/messages.js';

/** The texts of one language (the shape of locales/en.json). */
export type Translation = typeof import('./locales/en.json');

/** Sections of the texts that load with the screens showing them, not with the first screen. */
export type Section = 'limits' | 'share';
/** The texts the window starts with: all but the sections. */
export type CoreTranslation = Omit<Translation, Section>;

// The `?except` / `?only` parts are cut by the localeParts plugin (renderer/vite.config.ts).
const LOADERS = {
  en: () => import('./locales/en.json?except=limits,share').then((m) => m.default as CoreTranslation),
  'zh-CN': () => import('./locales/zh-CN.json?except=limits,share').then((m) => m.default as CoreTranslation),
} satisfies Record<string, () => Promise<CoreTranslation>>;

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
export function loadTranslation(language: Locale): Promise<CoreTranslation> {
  return LOADERS[language]();
}

/** An i18n instance showing `language`, whose texts are given (see loadTranslation). */
export function createI18n(language: Locale, translation: CoreTranslation): I18n {
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

const SECTION_LOADERS = {
  en: {
    limits: () => import('./locales/en.json?only=limits').then((m) => m.default),
    share: () => import('./locales/en.json?only=share').then((m) => m.default),
  },
  'zh-CN': {
    limits: () => import('./locales/zh-CN.json?only=limits').then((m) => m.default),
    share: () => import('./locales/zh-CN.json?only=share').then((m) => m.default),
  },
} satisfies Record<Locale, Record<Section, () => Promise<Record<string, unknown>>>>;

/**
 * A section's load. Once done it is marked the way React marks a promise it has seen settle, so
 * `use` answers at once even for a load no component waited on (one made by switchLanguage).
 */
type SectionLoad = ReactPromise<void>;
/** Per i18n instance, the sections asked for, by "language/section". */
const sectionLoads = new WeakMap<I18n, Map<string, SectionLoad>>();

/** Loads a section's texts into `i18n` for `language` (once; again after a failure). */
function loadSection(i18n: I18n, language: Locale, section: Section): SectionLoad {
  let loads = sectionLoads.get(i18n);
  if (!loads) {
    loads = new Map();
    sectionLoads.set(i18n, loads);
  }
  const key = `${language}/${section}`;
  const known = loads.get(key);
  if (known) return known;
  const load: SectionLoad = SECTION_LOADERS[language][section]().then(
    (texts) => {
      i18n.addResourceBundle(language, 'translation', texts, true, true);
      Object.assign(load, { status: 'fulfilled', value: undefined });
    },
    (e: unknown) => {
      loads.delete(key);
      throw e;
    },
  );
  loads.set(key, load);
  return load;
}

/** The sections loaded so far, in any language. */
function sectionsInUse(i18n: I18n): Section[] {
  return [...new Set([...(sectionLoads.get(i18n)?.keys() ?? [])].map((k) => k.split('/')[1] as Section))];
}

/**
 * `useTranslation` for a component showing texts of `sections`: it suspends (the screen's loader)
 * until they are there in the window's language, so no key shows untranslated.
 */
export function useSectionTranslation(...sections: Section[]) {
  const translation = useTranslation();
  const { i18n } = translation;
  const language = i18n.language as Locale;
  // Start every load before waiting on the first: the sections come in parallel.
  const loads = sections.map((s) => loadSection(i18n, language, s));
  for (const load of loads) use(load);
  return translation;
}

/**
 * Loads the texts of `language` (and of the sections already shown) and then switches to it, so
 * no key shows untranslated.
 */
export async function switchLanguage(i18n: I18n, language: Locale): Promise<void> {
  if (!i18n.hasResourceBundle(language, 'translation')) {
    i18n.addResourceBundle(language, 'translation', await loadTranslation(language));
  }
  await Promise.all(sectionsInUse(i18n).map((s) => loadSection(i18n, language, s)));
  await i18n.changeLanguage(language);
}
