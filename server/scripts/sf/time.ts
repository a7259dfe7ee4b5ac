// DataSF writes wall-clock times in San Francisco without a zone ("12/31/2016 11:57:56 PM"). The offset changes
// twice a year, so the conversion asks Intl for the zone's rules instead of assuming -08:00.

export const SF_TIME_ZONE = "America/Los_Angeles";

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const SF_TIME = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2}):(\d{2}) ([AP]M)$/i;

/** Parses "MM/DD/YYYY hh:mm:ss AM|PM" (12 AM is midnight, 12 PM is noon); null when it does not fit. */
export function parseSfWallTime(text: string): WallTime | null {
  const match = SF_TIME.exec(text.trim());
  if (!match) return null;
  const [, mm, dd, yyyy, hh, mi, ss, ampm] = match;
  const month = Number(mm);
  const day = Number(dd);
  const year = Number(yyyy);
  const hour12 = Number(hh);
  const minute = Number(mi);
  const second = Number(ss);
  if (month < 1 || month > 12 || hour12 < 1 || hour12 > 12 || minute > 59 || second > 59) return null;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > daysInMonth) return null;
  const pm = ampm?.toUpperCase() === "PM";
  const hour = (hour12 % 12) + (pm ? 12 : 0);
  return { year, month, day, hour, minute, second };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

const QUARTER_HOUR_MS = 15 * 60 * 1000;
const offsetCache = new Map<string, number>();

/**
 * The zone's offset from UTC at an instant, in milliseconds (Los Angeles: -8 h in winter, -7 h in summer).
 * Cached per UTC quarter hour: zones change offset only at local times on a quarter hour by offsets in whole
 * quarter hours, so the offset is constant within one. It keeps a 7,700-row file from costing seconds of Intl.
 */
export function zoneOffsetMs(instantMs: number, timeZone: string): number {
  const key = `${timeZone}|${Math.floor(instantMs / QUARTER_HOUR_MS)}`;
  let offset = offsetCache.get(key);
  if (offset === undefined) {
    offset = computeZoneOffsetMs(instantMs, timeZone);
    offsetCache.set(key, offset);
  }
  return offset;
}

function computeZoneOffsetMs(instantMs: number, timeZone: string): number {
  const parts: Partial<Record<Intl.DateTimeFormatPartTypes, number>> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(instantMs))) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  const asUtc = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  return asUtc - Math.floor(instantMs / 1000) * 1000;
}

/**
 * The instant a wall-clock time names in a zone. Around a change of offset it resolves like Temporal's
 * "compatible": a time that occurs twice (the autumn hour) is the earlier instant; a time that never
 * occurs (the spring gap) is moved forward by the gap, as a clock that was not yet changed would read it.
 */
export function wallTimeToUtcMs(wall: WallTime, timeZone: string): number {
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  const day = 24 * 60 * 60 * 1000;
  // Offsets a day either side bracket any single change of offset near this time.
  const before = zoneOffsetMs(asUtc - day, timeZone);
  const after = zoneOffsetMs(asUtc + day, timeZone);
  const candidates = [...new Set([before, after])]
    .map((offset) => asUtc - offset)
    .filter((instant) => asUtc - zoneOffsetMs(instant, timeZone) === instant)
    .sort((a, b) => a - b);
  const earliest = candidates[0];
  if (earliest !== undefined) return earliest;
  return asUtc - before;
}

/** "12/31/2016 11:57:56 PM" in San Francisco as epoch milliseconds; null for an empty or unreadable field. */
export function parseSfTime(text: string): number | null {
  const wall = parseSfWallTime(text);
  return wall ? wallTimeToUtcMs(wall, SF_TIME_ZONE) : null;
}

/** Formats an instant back as the file writes it, for messages a reader can find in the CSV. */
export function formatSfTime(instantMs: number): string {
  const parts: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const part of formatterFor(SF_TIME_ZONE).formatToParts(new Date(instantMs))) parts[part.type] = part.value;
  const hour = Number(parts.hour ?? 0);
  const pad = (value: string | number | undefined) => String(value ?? 0).padStart(2, "0");
  const hour12 = hour % 12 === 0 ? 12 : hour % 12;
  const date = `${pad(parts.month)}/${pad(parts.day)}/${parts.year}`;
  return `${date} ${pad(hour12)}:${pad(parts.minute)}:${pad(parts.second)} ${hour < 12 ? "AM" : "PM"}`;
}
