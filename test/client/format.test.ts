import { describe, expect, it } from "vitest";
import { formatClock, formatDateTime, formatDistance, formatDuration, formatTimeAgo, formatZone, parseLatLng } from "../../client/src/format/time";

describe("formatting", () => {
  it("shows times in the center's zone on a 24-hour clock whatever the locale", () => {
    const iso = "2026-11-22T14:05:09.000Z";
    expect(formatClock(iso, "Asia/Shanghai", "en-US")).toBe("22:05:09");
    expect(formatClock(iso, "America/Los_Angeles", "en-US")).toBe("06:05:09");
    expect(formatClock("2026-11-22T16:00:00.000Z", "Asia/Shanghai", "zh-CN")).toBe("00:00:00");
    expect(formatDateTime(iso, "Asia/Shanghai")).toBe("2026-11-22 22:05:09");
  });

  it("says how long ago a time was in the largest whole unit, at least a minute, never in the future", () => {
    const now = Date.parse("2026-11-22T14:00:00.000Z");
    const ago = (seconds: number) => new Date(now - seconds * 1000).toISOString();
    expect(formatTimeAgo(ago(10), now, "en")).toBe("1 minute ago");
    expect(formatTimeAgo(ago(-30), now, "en")).toBe("1 minute ago");
    expect(formatTimeAgo(ago(59 * 60), now, "en")).toBe("59 minutes ago");
    expect(formatTimeAgo(ago(90 * 60), now, "en")).toBe("1 hour ago");
    expect(formatTimeAgo(ago(3 * 86_400 + 5), now, "en")).toBe("3 days ago");
    expect(formatTimeAgo(ago(400 * 86_400), now, "en")).toBe("1 year ago");
    expect(formatTimeAgo(ago(3 * 86_400), now, "zh-CN")).toBe("3天前");
    expect(formatTimeAgo("not a time", now, "en")).toBe("–");
  });

  it("writes durations so they cannot be read as clock times", () => {
    expect(formatDuration(0)).toBe("0 s");
    expect(formatDuration(45)).toBe("45 s");
    expect(formatDuration(80)).toBe("1 min 20 s");
    expect(formatDuration(-46)).toBe("-46 s");
    expect(formatDuration(21 * 60 + 52)).toBe("21 min");
    expect(formatDuration(3600 + 5 * 60 + 9)).toBe("1 h 05");
    expect(formatDuration(26 * 3600 + 20 * 60)).toBe("1 d 02 h");
    expect(formatDuration(null)).toBe("–");
    expect(formatDuration(21 * 60, "zh-CN")).toBe("21分钟");
    expect(formatDuration(3600 + 5 * 60, "zh-CN")).toBe("1小时 05分");
    expect(formatDuration(80, "zh-TW")).toBe("1分鐘 20秒");
    for (const seconds of [45, 80, 1312, 3909, 94_800]) {
      for (const language of ["en", "zh-CN", "zh-TW"]) expect(formatDuration(seconds, language)).not.toMatch(/^\d+:\d\d/);
    }
  });

  it("names the zone beside times", () => {
    expect(formatZone("America/Los_Angeles", "2026-12-01T12:00:00.000Z")).toBe("PST");
    expect(formatZone("America/Los_Angeles", "2026-07-01T12:00:00.000Z")).toBe("PDT");
    expect(formatZone("Asia/Shanghai", "2026-12-01T12:00:00.000Z")).toBe("GMT+8");
  });

  it("writes distances in metres or kilometres", () => {
    expect(formatDistance(60.4)).toBe("60 m");
    expect(formatDistance(1240)).toBe("1.2 km");
  });

  it("parses typed coordinates and refuses impossible ones", () => {
    expect(parseLatLng("31.2304, 121.4737")).toEqual({ lat: 31.2304, lng: 121.4737 });
    expect(parseLatLng("37.78 -122.41")).toEqual({ lat: 37.78, lng: -122.41 });
    expect(parseLatLng("91, 10")).toBeNull();
    expect(parseLatLng("Market St")).toBeNull();
  });
});
