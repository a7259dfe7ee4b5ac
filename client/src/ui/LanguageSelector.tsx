import { useTranslation } from "react-i18next";
import { LANGUAGES } from "../i18n";

export function LanguageSelector() {
  const { t, i18n } = useTranslation();
  return (
    <label className="inline-field">
      <span className="visually-hidden">{t("common.language")}</span>
      <select
        data-testid="language-select"
        aria-label={t("common.language")}
        value={i18n.resolvedLanguage ?? i18n.language}
        onChange={(event) => void i18n.changeLanguage(event.target.value)}
      >
        {LANGUAGES.map((language) => (
          <option key={language.code} value={language.code} lang={language.code}>
            {language.label}
          </option>
        ))}
      </select>
    </label>
  );
}
