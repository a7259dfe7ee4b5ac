// All visible text goes through i18next. The language comes from the browser unless the user picked one.
import i18next from "i18next";
import LanguageDetector from "i18next-browser-languagedetector";
import { initReactI18next } from "react-i18next";
import { STORAGE_KEYS } from "../lib/storage";
import { en } from "./locales/en";
import { zhCN } from "./locales/zh-CN";
import { zhTW } from "./locales/zh-TW";

export const LANGUAGES = [
  { code: "zh-CN", label: "简体中文" },
  { code: "zh-TW", label: "繁體中文" },
  { code: "en", label: "English" },
] as const;
export type LanguageCode = (typeof LANGUAGES)[number]["code"];

/** Maps whatever the browser reports onto the three languages we ship. */
export function toSupportedLanguage(detected: string): LanguageCode {
  const lower = detected.toLowerCase();
  if (lower.startsWith("zh")) {
    return /hant|tw|hk|mo/.test(lower) ? "zh-TW" : "zh-CN";
  }
  return "en";
}

export function initI18n() {
  void i18next
    .use(LanguageDetector)
    .use(initReactI18next)
    .init({
      resources: {
        en: { translation: en },
        "zh-CN": { translation: zhCN },
        "zh-TW": { translation: zhTW },
      },
      supportedLngs: LANGUAGES.map((language) => language.code),
      fallbackLng: "en",
      load: "currentOnly",
      interpolation: { escapeValue: false },
      detection: {
        order: ["localStorage", "navigator"],
        lookupLocalStorage: STORAGE_KEYS.language,
        caches: ["localStorage"],
        convertDetectedLanguage: toSupportedLanguage,
      },
      returnNull: false,
    });
  const syncHtmlLang = (lng: string) => {
    if (typeof document !== "undefined") document.documentElement.lang = lng;
  };
  syncHtmlLang(i18next.language);
  i18next.on("languageChanged", syncHtmlLang);
  return i18next;
}
