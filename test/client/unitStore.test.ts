// The unit store orders copies of a unit by the store's version, never by the status's source time.
import { describe, expect, it } from "vitest";
import type { UnitView } from "../../shared/api";
import { createUnitStore } from "../../client/src/features/units/unitStore";

const unit = (overrides: Partial<UnitView>): UnitView => ({
  id: "E1",
  callSign: "E1",
  type: "engine",
  station: "Station 1",
  home: { lat: 37.78, lng: -122.4 },
  status: "available",
  statusSince: "2026-11-23T10:05:00.000Z",
  incidentId: null,
  position: null,
  version: 3,
  ...overrides,
});

describe("unit store", () => {
  it("takes a back-dated dispatch: written later (higher version), though its status began earlier", () => {
    const store = createUnitStore();
    store.getState().upsert(unit({ status: "available", statusSince: "2026-11-23T10:05:00.000Z", version: 3 }));
    // Radioed in: the dispatch happened at 10:03, recorded after the unit's 10:05 "available".
    store.getState().upsert(unit({ status: "dispatched", statusSince: "2026-11-23T10:03:00.000Z", incidentId: "i1", version: 4 }));
    expect(store.getState().byId.E1).toMatchObject({ status: "dispatched", incidentId: "i1", version: 4 });
  });

  it("drops a copy written earlier (lower version) that arrives late, whatever its status time says", () => {
    const store = createUnitStore();
    store.getState().upsert(unit({ status: "dispatched", statusSince: "2026-11-23T10:03:00.000Z", incidentId: "i1", version: 4 }));
    store.getState().upsert(unit({ status: "available", statusSince: "2026-11-23T10:05:00.000Z", version: 3 }));
    expect(store.getState().byId.E1).toMatchObject({ status: "dispatched", version: 4 });
  });

  it("takes the same version again (a replayed answer) and keeps a fresher live position than the copy's", () => {
    const store = createUnitStore();
    store.getState().upsert(unit({ version: 5 }));
    store.getState().updatePosition({ unitId: "E1", lat: 37.79, lng: -122.41, at: "2026-11-23T10:06:00.000Z" });
    store.getState().upsert(unit({ version: 5, station: "Station 9", position: { lat: 37.7, lng: -122.3, at: "2026-11-23T10:04:00.000Z" } }));
    expect(store.getState().byId.E1).toMatchObject({ station: "Station 9", position: { lat: 37.79, lng: -122.41, at: "2026-11-23T10:06:00.000Z" } });
  });

  it("keeps a live update newer than a full load that was read before it", () => {
    const store = createUnitStore();
    store.getState().upsert(unit({ status: "dispatched", statusSince: "2026-11-23T10:03:00.000Z", incidentId: "i1", version: 4 }));
    store.getState().replaceAll([unit({ status: "available", version: 3 }), unit({ id: "E2", callSign: "E2", version: 1 })]);
    expect(store.getState().byId.E1).toMatchObject({ status: "dispatched", version: 4 });
    expect(Object.keys(store.getState().byId).sort()).toEqual(["E1", "E2"]);
    // A unit the load no longer lists is gone (deleted while this console was away).
    store.getState().replaceAll([unit({ id: "E2", callSign: "E2", version: 2 })]);
    expect(Object.keys(store.getState().byId)).toEqual(["E2"]);
  });
});
