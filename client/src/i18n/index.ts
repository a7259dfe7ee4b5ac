// All visible text goes through i18next. The language comes from the browser unless the user picked one.
// Each language's table is a chunk of its own, fetched when the language is used: a first load carries one table,
// not three (issue 12). The tables are complete (test/client/i18n.test.ts), so no fallback table is fetched.
import i18next, { type BackendModule, type ResourceKey } from "i18next";
import { initReactI18next } from "react-i18next";
import { STORAGE_KEYS } from "../lib/storage";

export const LANGUAGES = [
  { code: "zh-CN", label: "简体中文" },
  { code: "zh-TW", label: "繁體中文" },
  { code: "en", label: "English" },
] as const;
export type LanguageCode = (typeof LANGUAGES)[number]["code"];

const TABLES: Record<LanguageCode, () => Promise<ResourceKey>> = {
  en: () => import("./locales/en").then((module) => module.en),
  "zh-CN": () => import("./locales/zh-CN").then((module) => module.zhCN),
  "zh-TW": () => import("./locales/zh-TW").then((module) => module.zhTW),
};

/** Maps whatever the browser reports onto the three languages we ship. */
export function toSupportedLanguage(detected: string): LanguageCode {
  const lower = detected.toLowerCase();
  if (lower.startsWith("zh")) {
    return /hant|tw|hk|mo/.test(lower) ? "zh-TW" : "zh-CN";
  }
  return "en";
}

function storedLanguage(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEYS.language);
  } catch {
    return null; // storage blocked: the browser's language it is
  }
}

/** The language the user picked on this device, else the browser's first. */
export function detectLanguage(): LanguageCode {
  const browser = typeof navigator === "undefined" ? undefined : (navigator.languages?.[0] ?? navigator.language);
  return toSupportedLanguage(storedLanguage() ?? browser ?? "en");
}

const lazyTables: BackendModule = {
  type: "backend",
  init: () => undefined,
  read(language, _namespace, callback) {
    const load = TABLES[toSupportedLanguage(language)];
    load().then(
      (table) => callback(null, table),
      // `true` asks i18next to try again (up to 5 times, backing off): a flaky network should not leave raw keys.
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), true),
    );
  },
};

/** Resolves once the current language's table is loaded: render after it, so no screen flashes raw keys. */
export function initI18n(): Promise<unknown> {
  const syncHtmlLang = (lng: string) => {
    if (typeof document !== "undefined") document.documentElement.lang = lng;
    try {
      localStorage.setItem(STORAGE_KEYS.language, lng);
    } catch {
      // storage blocked: the choice lasts until the page is closed
    }
  };
  i18next.on("languageChanged", syncHtmlLang);
  return i18next
    .use(lazyTables)
    .use(initReactI18next)
    .init({
      lng: detectLanguage(),
      supportedLngs: LANGUAGES.map((language) => language.code),
      fallbackLng: false,
      load: "currentOnly",
      interpolation: { escapeValue: false },
      returnNull: false,
    });
}

/**
 * Fetches the other languages' tables too: called where a service worker keeps the app for offline use, so a crew
 * can still switch language after an offline reload.
 */
export function loadAllLanguages(): Promise<void> {
  return i18next.loadLanguages(LANGUAGES.map((language) => language.code));
}
