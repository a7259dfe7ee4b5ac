import { describe, expect, it } from "vitest";
import { lostContactSeconds } from "../../client/src/features/units/contact";

const now = Date.parse("2026-11-22T20:00:00.000Z");
const ago = (seconds: number) => new Date(now - seconds * 1000).toISOString();
const onIncident = { status: "acknowledged" as const, incidentId: "i-1", position: null };

describe("lost contact", () => {
  it("flags a unit on an incident whose tablet has been gone longer than the threshold", () => {
    expect(lostContactSeconds(onIncident, { unitId: "E1", online: false, since: ago(40) }, now)).toBe(40);
    expect(lostContactSeconds(onIncident, { unitId: "E1", online: false, since: ago(10) }, now)).toBeNull();
    expect(lostContactSeconds(onIncident, { unitId: "E1", online: true, since: ago(400) }, now)).toBeNull();
  });

  it("counts a recent position as a sign of life", () => {
    const moving = { ...onIncident, position: { lat: 37.7, lng: -122.4, at: ago(5) } };
    expect(lostContactSeconds(moving, { unitId: "E1", online: false, since: ago(120) }, now)).toBeNull();
    const stale = { ...onIncident, position: { lat: 37.7, lng: -122.4, at: ago(90) } };
    expect(lostContactSeconds(stale, { unitId: "E1", online: false, since: ago(120) }, now)).toBe(90);
  });

  it("never flags a unit without a tablet, or one that is not on an incident", () => {
    expect(lostContactSeconds(onIncident, undefined, now)).toBeNull();
    expect(lostContactSeconds({ status: "available", incidentId: null, position: null }, { unitId: "E1", online: false, since: ago(400) }, now)).toBeNull();
  });
});
