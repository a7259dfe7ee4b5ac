// Dates of residents' cases: due dates are calendar days of the center (computed by shared/cases.ts); they are shown
// in the reader's language, and times of steps as the date they fall on in the center's time zone.
import { localDate, type LocalDate } from "../../../../shared/cases";

export function formatLocalDate(date: LocalDate, language: string): string {
  const [year, month, day] = date.split("-").map(Number) as [number, number, number];
  return new Intl.DateTimeFormat(language, { timeZone: "UTC", year: "numeric", month: "long", day: "numeric" }).format(
    new Date(Date.UTC(year, month - 1, day)),
  );
}

export function formatDayOf(iso: string, timeZone: string, language: string): string {
  return formatLocalDate(localDate(iso, timeZone), language);
}
