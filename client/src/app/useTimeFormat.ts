import { useCallback } from "react";
import { useTranslation } from "react-i18next";
import { useStore } from "zustand";
import { formatClock, formatDateTime } from "../format/time";
import { configStore } from "./stores";

/** Clock and date-time formatters bound to the center's time zone and the current language. */
export function useTimeFormat() {
  const timeZone = useStore(configStore, (state) => state.config.timeZone);
  const { i18n } = useTranslation();
  const clock = useCallback((iso: string | number) => formatClock(iso, timeZone, i18n.language), [timeZone, i18n.language]);
  const dateTime = useCallback((iso: string | number) => formatDateTime(iso, timeZone), [timeZone]);
  return { clock, dateTime, timeZone };
}
