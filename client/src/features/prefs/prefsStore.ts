// Per-device preferences: theme per layout and the alert mute, remembered across reloads.
import { createStore } from "zustand/vanilla";
import { readJson, STORAGE_KEYS, writeJson, type StorageLike } from "../../lib/storage";

export type Theme = "dark" | "light";
export type Layout = "console" | "tablet";

/** Consoles run dark at night; tablets are read in sunlight. */
export const DEFAULT_THEMES: Record<Layout, Theme> = { console: "dark", tablet: "light" };

const isTheme = (value: unknown): value is Theme => value === "dark" || value === "light";
const isBoolean = (value: unknown): value is boolean => typeof value === "boolean";

export interface PrefsState {
  themes: Record<Layout, Theme>;
  muted: boolean;
  toggleTheme(layout: Layout): void;
  setMuted(muted: boolean): void;
}

export function createPrefsStore(storage: StorageLike) {
  const themeKey = (layout: Layout) => `${STORAGE_KEYS.theme}.${layout}`;
  return createStore<PrefsState>()((set, get) => ({
    themes: {
      console: readJson(storage, themeKey("console"), isTheme) ?? DEFAULT_THEMES.console,
      tablet: readJson(storage, themeKey("tablet"), isTheme) ?? DEFAULT_THEMES.tablet,
    },
    muted: readJson(storage, STORAGE_KEYS.muted, isBoolean) ?? false,
    toggleTheme(layout) {
      const next: Theme = get().themes[layout] === "dark" ? "light" : "dark";
      writeJson(storage, themeKey(layout), next);
      set({ themes: { ...get().themes, [layout]: next } });
    },
    setMuted(muted) {
      writeJson(storage, STORAGE_KEYS.muted, muted);
      set({ muted });
    },
  }));
}
