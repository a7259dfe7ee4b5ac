// Times in the center's time zone on a 24-hour clock, whatever the device's zone or locale says.
import { isPlaced } from "../../../shared/limits";
import type { IncidentLocation } from "../../../shared/schemas";
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(locale: string, timeZone: string, withDate: boolean): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}|${withDate}`;
  let cached = formatters.get(key);
  if (!cached) {
    cached = new Intl.DateTimeFormat(locale, {
      timeZone,
      hourCycle: "h23",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      ...(withDate ? { year: "numeric", month: "2-digit", day: "2-digit" } : {}),
    });
    formatters.set(key, cached);
  }
  return cached;
}

/** "14:03:27" in the center's zone. */
export function formatClock(iso: string | number, timeZone: string, locale = "en-GB"): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "--:--:--";
  return formatter(locale, timeZone, false).format(date);
}

/**
 * The zone's short name at that moment ("PST", "PDT", "GMT+8"), shown beside times so a dispatcher never wonders
 * whose clock they are. Falls back to the IANA name.
 */
export function formatZone(timeZone: string, at: string | number = Date.now(), locale = "en-US"): string {
  const date = new Date(at);
  try {
    const name = new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: "short" })
      .formatToParts(Number.isNaN(date.getTime()) ? new Date() : date)
      .find((part) => part.type === "timeZoneName")?.value;
    return name ?? timeZone;
  } catch {
    return timeZone;
  }
}

/** "2026-11-22 14:03:27" in the center's zone (sortable, the same in every language). */
export function formatDateTime(iso: string | number, timeZone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "----";
  const parts = formatter("en-CA", timeZone, true).formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("year")}-${part("month")}-${part("day")} ${part("hour")}:${part("minute")}:${part("second")}`;
}

type DurationUnits = { s: string; min: string; minShort: string; h: string; d: string; gap: string };
const DURATION_UNITS: Record<"en" | "zh-CN" | "zh-TW", DurationUnits> = {
  en: { s: "s", min: "min", minShort: "min", h: "h", d: "d", gap: " " },
  "zh-CN": { s: "秒", min: "分钟", minShort: "分", h: "小时", d: "天", gap: "" },
  "zh-TW": { s: "秒", min: "分鐘", minShort: "分", h: "小時", d: "天", gap: "" },
};

function durationUnits(language: string): DurationUnits {
  if (language.startsWith("zh")) return /tw|hk|mo|hant/i.test(language) ? DURATION_UNITS["zh-TW"] : DURATION_UNITS["zh-CN"];
  return DURATION_UNITS.en;
}

/**
 * The one way an age or an interval is written: "45 s", "4 min 05 s", "21 min", "1 h 05", "2 d 03 h" (and
 * "21 分钟", "1 小时 05 分" in Chinese). Never "21:52", which reads like a clock time beside clock times.
 */
export function formatDuration(totalSeconds: number | null | undefined, language = "en"): string {
  if (totalSeconds === null || totalSeconds === undefined || !Number.isFinite(totalSeconds)) return "–";
  const u = durationUnits(language);
  const sign = totalSeconds < 0 ? "-" : "";
  const value = Math.abs(Math.round(totalSeconds));
  const pad = (n: number) => String(n).padStart(2, "0");
  const part = (n: number | string, unit: string) => `${n}${u.gap}${unit}`;
  const join = (...parts: string[]) => parts.join(" ");
  if (value < 60) return sign + part(value, u.s);
  // Under ten minutes the seconds still matter (turnout, travel, an unacknowledged alert).
  if (value < 600) return sign + join(part(Math.floor(value / 60), u.min), part(pad(value % 60), u.s));
  if (value < 3600) return sign + part(Math.floor(value / 60), u.min);
  if (value < 86_400) {
    const minutes = pad(Math.floor((value % 3600) / 60));
    return sign + join(part(Math.floor(value / 3600), u.h), u.gap === "" ? part(minutes, u.minShort) : minutes);
  }
  return sign + join(part(Math.floor(value / 86_400), u.d), part(pad(Math.floor((value % 86_400) / 3600)), u.h));
}

/** "60 m", "1.2 km". */
export function formatDistance(metres: number | null): string {
  if (metres === null || !Number.isFinite(metres)) return "–";
  return metres < 1000 ? `${Math.round(metres)} m` : `${(metres / 1000).toFixed(1)} km`;
}

export function formatLatLng(lat: number, lng: number): string {
  return `${lat.toFixed(5)}, ${lng.toFixed(5)}`;
}

/** Parses "31.23, 121.47" or "31.23 121.47" into a position, or null. */
export function parseLatLng(text: string): { lat: number; lng: number } | null {
  const match = /^\s*(-?\d{1,2}(?:\.\d+)?)\s*[,\s]\s*(-?\d{1,3}(?:\.\d+)?)\s*$/.exec(text);
  if (!match) return null;
  const lat = Number(match[1]);
  const lng = Number(match[2]);
  if (!(lat >= -90 && lat <= 90 && lng >= -180 && lng <= 180)) return null;
  return { lat, lng };
}

/** Whole seconds since `from` (never negative: a device clock slightly ahead must not show "-0:01"). */
export function elapsedSeconds(from: string | number, now: number): number {
  const start = typeof from === "number" ? from : Date.parse(from);
  return Number.isFinite(start) ? Math.max(0, Math.floor((now - start) / 1000)) : 0;
}

const RELATIVE_UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 86_400],
  ["month", 30 * 86_400],
  ["week", 7 * 86_400],
  ["day", 86_400],
  ["hour", 3_600],
];

/**
 * "3 days ago", "3天前": how long before `now` a past time was, in the largest whole unit, in the given language.
 * Never less than a minute and never in the future (a server clock slightly ahead must not say "in 1 minute").
 */
export function formatTimeAgo(iso: string, now: number, locale: string): string {
  const seconds = Math.max(0, (now - Date.parse(iso)) / 1000);
  if (!Number.isFinite(seconds)) return "–";
  const format = new Intl.RelativeTimeFormat(locale, { numeric: "always" });
  for (const [unit, size] of RELATIVE_UNITS) {
    if (seconds >= size) return format.format(-Math.floor(seconds / size), unit);
  }
  return format.format(-Math.max(1, Math.floor(seconds / 60)), "minute");
}

/** The address, else the coordinates; "—" for an address-only location that came without an address. */
export function formatLocation(location: IncidentLocation, digits = 5): string {
  if (location.address) return location.address;
  return isPlaced(location) ? `${location.lat.toFixed(digits)}, ${location.lng.toFixed(digits)}` : "—";
}
