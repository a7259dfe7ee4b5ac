import { useTranslation } from "react-i18next";
import { useStore } from "zustand";
import { prefsStore } from "../app/stores";
import type { Layout } from "../features/prefs/prefsStore";

export function ThemeToggle({ layout }: { layout: Layout }) {
  const { t } = useTranslation();
  const theme = useStore(prefsStore, (state) => state.themes[layout]);
  return (
    <button
      type="button"
      className="button"
      data-testid="theme-toggle"
      aria-pressed={theme === "light"}
      onClick={() => prefsStore.getState().toggleTheme(layout)}
    >
      {theme === "dark" ? t("common.themeLight") : t("common.themeDark")}
    </button>
  );
}
