import { describe, expect, it } from "vitest";
import { groupByStation } from "../../client/src/features/units/grouping";

describe("unit board grouping", () => {
  it("groups units by station in natural order (Station 2 before Station 13)", () => {
    const unit = (id: string, station: string) => ({
      id,
      callSign: id,
      type: "engine" as const,
      station,
      home: { lat: 0, lng: 0 },
      status: "available" as const,
      statusSince: "2026-11-22T06:00:00.000Z",
      incidentId: null,
      position: null,
      version: 1,
    });
    const groups = groupByStation([unit("E13", "Station 13"), unit("E2", "Station 2"), unit("T2", "Station 2"), unit("E10", "Station 2")]);
    expect(groups.map(([station, units]) => [station, units.map((u) => u.id)])).toEqual([
      ["Station 2", ["E2", "E10", "T2"]],
      ["Station 13", ["E13"]],
    ]);
  });
});
