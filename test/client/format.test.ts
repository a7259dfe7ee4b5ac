import { describe, expect, it } from "vitest";
import { formatClock, formatDateTime, formatDistance, formatDuration, formatTimeAgo, parseLatLng } from "../../client/src/format/time";

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

  it("reads durations like a stopwatch", () => {
    expect(formatDuration(0)).toBe("0:00");
    expect(formatDuration(80)).toBe("1:20");
    expect(formatDuration(3723)).toBe("1:02:03");
    expect(formatDuration(null)).toBe("–");
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
