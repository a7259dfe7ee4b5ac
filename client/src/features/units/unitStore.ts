// Units normalised by id, written by `unit.updated` / `unit.position` listeners and by loads.
import { createStore } from "zustand/vanilla";
import type { UnitView } from "../../../../shared/api";
import type { UnitPositionUpdate, UnitPresence } from "../../../../shared/socket";

export interface UnitStoreState {
  byId: Record<string, UnitView>;
  /** Crew tablets' connections (from `unit.presence`); units without a tablet have no entry. */
  presence: Record<string, UnitPresence>;
  loaded: boolean;
  updatePresence(changes: readonly UnitPresence[]): void;
  replaceAll(units: readonly UnitView[]): void;
  upsert(unit: UnitView): void;
  updatePosition(update: UnitPositionUpdate): void;
  reset(): void;
}

/**
 * A copy is stale when the store wrote it before the one we hold: the unit's version orders writes. `statusSince`
 * does not: it is the status's source time, and a dispatch or status recorded as radioed in begins before the
 * status it follows (ordering by it kept such a unit "available" until a reload). Equal versions take the
 * incoming copy (a replayed answer is the same write).
 */
function isStale(current: UnitView | undefined, incoming: UnitView): boolean {
  return current !== undefined && current.version > incoming.version;
}

export function createUnitStore() {
  return createStore<UnitStoreState>()((set, get) => ({
    byId: {},
    presence: {},
    loaded: false,
    updatePresence(changes) {
      if (changes.length === 0) return;
      const presence = { ...get().presence };
      for (const change of changes) presence[change.unitId] = change;
      set({ presence });
    },
    replaceAll(units) {
      // A load lists every unit (one it omits was deleted), but a live update that overtook the load's answer
      // is newer than the load's copy of that unit.
      const current = get().byId;
      const byId: Record<string, UnitView> = {};
      for (const unit of units) {
        const held = current[unit.id];
        byId[unit.id] = held && isStale(held, unit) ? held : unit;
      }
      set({ byId, loaded: true });
    },
    upsert(unit) {
      const current = get().byId[unit.id];
      if (isStale(current, unit)) return;
      // Keep a fresher live position than the one the record carries.
      const position =
        current?.position && unit.position && Date.parse(current.position.at) > Date.parse(unit.position.at)
          ? current.position
          : unit.position ?? current?.position ?? null;
      set({ byId: { ...get().byId, [unit.id]: { ...unit, position } } });
    },
    updatePosition(update) {
      const current = get().byId[update.unitId];
      if (!current) return;
      if (current.position && Date.parse(current.position.at) > Date.parse(update.at)) return;
      set({
        byId: { ...get().byId, [update.unitId]: { ...current, position: { lat: update.lat, lng: update.lng, at: update.at } } },
      });
    },
    reset() {
      set({ byId: {}, presence: {}, loaded: false });
    },
  }));
}
