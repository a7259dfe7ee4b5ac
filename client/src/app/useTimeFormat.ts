import { useCallback } from "react";
import { useTranslation } from "react-i18next";
import { useStore } from "zustand";
import { formatClock, formatDateTime, formatDuration, formatZone } from "../format/time";
import { configStore } from "./stores";

/** Clock, date-time and duration formatters bound to the center's time zone and the current language. */
export function useTimeFormat() {
  const timeZone = useStore(configStore, (state) => state.config.timeZone);
  const { i18n } = useTranslation();
  const clock = useCallback((iso: string | number) => formatClock(iso, timeZone, i18n.language), [timeZone, i18n.language]);
  const dateTime = useCallback((iso: string | number) => formatDateTime(iso, timeZone), [timeZone]);
  const duration = useCallback((seconds: number | null | undefined) => formatDuration(seconds, i18n.language), [i18n.language]);
  /** The zone's short name ("PST"); English abbreviations read the same in every language here. */
  const zone = useCallback((at?: string | number) => formatZone(timeZone, at ?? Date.now()), [timeZone]);
  return { clock, dateTime, duration, zone, timeZone };
}
