import type { UnitView } from "../../../../shared/api";

/** Stations and call signs in natural order: "Station 2" before "Station 13", "E2" before "E10". */
export function groupByStation(units: readonly UnitView[]): [string, UnitView[]][] {
  const groups = new Map<string, UnitView[]>();
  for (const unit of units) groups.set(unit.station, [...(groups.get(unit.station) ?? []), unit]);
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b, undefined, { numeric: true }))
    .map(([station, list]) => [station, list.sort((a, b) => a.callSign.localeCompare(b.callSign, undefined, { numeric: true }))]);
}
