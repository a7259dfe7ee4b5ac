// A run card as the admin edits it: a count per unit type and alarm level (0 = none), and the request it becomes.
import { UNIT_TYPES, type UnitType } from "../../../../shared/domain";
import { RunCardBody, type RunCard } from "../../../../shared/schemas";

/** counts[level - 1][unitType]; one entry per alarm level, in order. */
export type RunCardGrid = Record<UnitType, number>[];

function emptyLevel(): Record<UnitType, number> {
  return Object.fromEntries(UNIT_TYPES.map((type) => [type, 0])) as Record<UnitType, number>;
}

export function gridOf(card: RunCard): RunCardGrid {
  return [...card.levels]
    .sort((a, b) => a.alarmLevel - b.alarmLevel)
    .map((level) => {
      const counts = emptyLevel();
      for (const slot of level.units) counts[slot.type] += slot.count;
      return counts;
    });
}

/** The next level starts as a copy of the last one (a second alarm usually adds to the first). */
export function addLevel(grid: RunCardGrid): RunCardGrid {
  const last = grid[grid.length - 1];
  return grid.length >= 5 ? grid : [...grid, last ? { ...last } : emptyLevel()];
}

export function setCount(grid: RunCardGrid, level: number, type: UnitType, count: number): RunCardGrid {
  const clamped = Number.isFinite(count) ? Math.max(0, Math.min(20, Math.round(count))) : 0;
  return grid.map((counts, index) => (index === level - 1 ? { ...counts, [type]: clamped } : counts));
}

export type GridResult = { ok: true; body: RunCardBody } | { ok: false; emptyLevels: number[] };

/** The PUT body, or which levels ask for no unit at all (the server would refuse them). */
export function toRunCardBody(grid: RunCardGrid): GridResult {
  const emptyLevels = grid.flatMap((counts, index) => (Object.values(counts).some((count) => count > 0) ? [] : [index + 1]));
  if (grid.length === 0) return { ok: false, emptyLevels: [1] };
  if (emptyLevels.length > 0) return { ok: false, emptyLevels };
  const body = RunCardBody.parse({
    levels: grid.map((counts, index) => ({
      alarmLevel: index + 1,
      units: UNIT_TYPES.filter((type) => counts[type] > 0).map((type) => ({ type, count: counts[type] })),
    })),
  });
  return { ok: true, body };
}
