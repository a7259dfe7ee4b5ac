import { describe, expect, it } from "vitest";
import type { RecommendationsView } from "../../shared/api";
import { recommendationNote } from "../../client/src/features/dispatch/recommendationNote";

const card = { incidentType: "vehicle_fire" as const, levels: [{ alarmLevel: 1, units: [{ type: "engine" as const, count: 1 }] }] };
const view = (overrides: Partial<RecommendationsView>): RecommendationsView => ({
  incidentId: "i-1",
  alarmLevel: 1,
  runCard: card,
  recommended: [],
  unfilled: [],
  ...overrides,
});
const E1 = { unitId: "E1", callSign: "E1", type: "engine" as const, station: "Station 1", distanceM: 500, etaSeconds: 45, reason: "nearest" };

describe("why the recommendation list says what it says", () => {
  it("names a missing run-card level instead of 'no available units'", () => {
    expect(recommendationNote(view({ alarmLevel: 2 }))).toEqual({ kind: "noCardLevel", level: 2 });
    expect(recommendationNote(view({ alarmLevel: 2, recommended: [E1] }))).toEqual({ kind: "noCardLevel", level: 2 });
  });

  it("says the card is filled when every slot is covered by units on the incident", () => {
    expect(recommendationNote(view({}))).toEqual({ kind: "cardFilled", level: 1 });
  });

  it("says no units are available only when a slot is open and nothing can fill it", () => {
    expect(recommendationNote(view({ unfilled: [{ type: "engine", missing: 1 }] }))).toEqual({ kind: "noneAvailable" });
    expect(recommendationNote(view({ recommended: [E1] }))).toBeNull();
  });
});
