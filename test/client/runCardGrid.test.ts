import { describe, expect, it } from "vitest";
import { addLevel, gridOf, setCount, toRunCardBody } from "../../client/src/features/admin/runCardGrid";

const vehicleFire = { incidentType: "vehicle_fire" as const, levels: [{ alarmLevel: 1, units: [{ type: "engine" as const, count: 1 }] }] };

describe("run card editing", () => {
  it("adds a second alarm starting from the first and turns the grid into the PUT body", () => {
    let grid = addLevel(gridOf(vehicleFire));
    grid = setCount(grid, 2, "engine", 3);
    grid = setCount(grid, 2, "command", 1);
    expect(toRunCardBody(grid)).toEqual({
      ok: true,
      body: {
        levels: [
          { alarmLevel: 1, units: [{ type: "engine", count: 1 }] },
          { alarmLevel: 2, units: [{ type: "engine", count: 3 }, { type: "command", count: 1 }] },
        ],
      },
    });
  });

  it("names a level that asks for no unit instead of sending it", () => {
    const grid = setCount(addLevel(gridOf(vehicleFire)), 2, "engine", 0);
    expect(toRunCardBody(grid)).toEqual({ ok: false, emptyLevels: [2] });
  });

  it("keeps counts between 0 and 20 and at most five levels", () => {
    expect(setCount(gridOf(vehicleFire), 1, "engine", 99)[0]?.engine).toBe(20);
    expect(setCount(gridOf(vehicleFire), 1, "engine", -2)[0]?.engine).toBe(0);
    let grid = gridOf(vehicleFire);
    for (let i = 0; i < 7; i++) grid = addLevel(grid);
    expect(grid).toHaveLength(5);
  });
});
