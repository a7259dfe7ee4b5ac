import { describe, expect, it } from "vitest";
import { formatSfTime, parseSfTime, parseSfWallTime, wallTimeToUtcMs } from "../../server/scripts/sf/time";

const iso = (text: string) => {
  const ms = parseSfTime(text);
  return ms === null ? null : new Date(ms).toISOString();
};

describe("San Francisco local time to UTC", () => {
  it("converts a winter time with PST (UTC-8), across midnight and the new year", () => {
    expect(iso("12/31/2016 11:57:56 PM")).toBe("2017-01-01T07:57:56.000Z");
    expect(iso("01/01/2017 12:01:47 AM")).toBe("2017-01-01T08:01:47.000Z");
  });

  it("converts a summer time with PDT (UTC-7)", () => {
    expect(iso("07/04/2016 12:00:00 PM")).toBe("2016-07-04T19:00:00.000Z");
  });

  it("uses the offset in force on each side of the spring change (2017-03-12 02:00)", () => {
    expect(iso("03/12/2017 01:59:59 AM")).toBe("2017-03-12T09:59:59.000Z");
    expect(iso("03/12/2017 03:00:00 AM")).toBe("2017-03-12T10:00:00.000Z");
  });

  it("moves a time in the spring gap forward by the gap, as an unchanged clock would read it", () => {
    expect(iso("03/12/2017 02:30:00 AM")).toBe("2017-03-12T10:30:00.000Z");
  });

  it("takes the earlier instant for the autumn hour that happens twice (2016-11-06 01:30)", () => {
    expect(iso("11/06/2016 01:30:00 AM")).toBe("2016-11-06T08:30:00.000Z");
    expect(iso("11/06/2016 02:30:00 AM")).toBe("2016-11-06T10:30:00.000Z");
  });

  it("reads 12 AM as midnight and 12 PM as noon", () => {
    expect(parseSfWallTime("01/05/2017 12:00:00 AM")).toMatchObject({ day: 5, hour: 0 });
    expect(parseSfWallTime("01/05/2017 12:00:00 PM")).toMatchObject({ day: 5, hour: 12 });
  });

  it("gives null for empty or impossible times instead of guessing", () => {
    expect(parseSfTime("")).toBeNull();
    expect(parseSfTime("2017-01-01 10:00:00")).toBeNull();
    expect(parseSfTime("02/30/2017 10:00:00 AM")).toBeNull();
    expect(parseSfTime("01/01/2017 13:00:00 PM")).toBeNull();
  });

  it("converts in other zones by their own rules", () => {
    const wall = { year: 2017, month: 7, day: 1, hour: 12, minute: 0, second: 0 };
    expect(new Date(wallTimeToUtcMs(wall, "Asia/Seoul")).toISOString()).toBe("2017-07-01T03:00:00.000Z");
  });

  it("formats an instant back the way the file writes it", () => {
    for (const text of ["12/31/2016 11:57:56 PM", "01/01/2017 12:01:47 AM", "07/04/2016 12:00:00 PM"]) {
      expect(formatSfTime(parseSfTime(text) ?? 0)).toBe(text);
    }
  });
});
