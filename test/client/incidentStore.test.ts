import { beforeEach, describe, expect, it } from "vitest";
import { computeIntervals, foldIncident } from "../../shared/incident";
import { createIncidentStore } from "../../client/src/features/incidents/incidentStore";
import { createdEvent, dispatchedEvent, resetPositions, statusEvent } from "./fixtures";

describe("incident store", () => {
  beforeEach(() => resetPositions(100));

  it("folds live events in order with the shared fold and advances the sync position", () => {
    const store = createIncidentStore();
    const events = [
      createdEvent("i1", "2026-00001", "2026-11-22T06:00:00.000Z"),
      dispatchedEvent("i1", 2, "E1", "2026-11-22T06:00:40.000Z"),
      statusEvent("i1", 3, "E1", "en_route", "dispatched", "2026-11-22T06:01:50.000Z"),
      statusEvent("i1", 4, "E1", "on_scene", "en_route", "2026-11-22T06:05:50.000Z"),
    ];
    for (const event of events) expect(store.getState().applyEvent(event)).toBe("applied");
    const state = store.getState().byId.i1;
    expect(state).toEqual(foldIncident(events));
    expect(store.getState().position).toBe(events[3]?.position);
    expect(store.getState().eventsById.i1).toHaveLength(4);
    expect(computeIntervals(state!)).toEqual({ alarmProcessing: 40, turnout: 70, travel: 240, totalResponse: 350 });
  });

  it("ignores an event it already applied (a replay after reconnect)", () => {
    const store = createIncidentStore();
    const created = createdEvent("i1");
    const dispatched = dispatchedEvent("i1", 2, "E1", "2026-11-22T06:00:40.000Z");
    store.getState().applyEvent(created);
    store.getState().applyEvent(dispatched);
    const before = store.getState().byId.i1;
    expect(store.getState().applyEvent(dispatched)).toBe("duplicate");
    expect(store.getState().byId.i1).toBe(before);
    expect(store.getState().eventsById.i1).toHaveLength(2);
  });

  it("reports a gap instead of folding past a missing event, and takes the refetched incident", () => {
    const store = createIncidentStore();
    const created = createdEvent("i1");
    const dispatched = dispatchedEvent("i1", 2, "E1", "2026-11-22T06:00:40.000Z");
    const enRoute = statusEvent("i1", 3, "E1", "en_route", "dispatched", "2026-11-22T06:01:00.000Z");
    store.getState().applyEvent(created);
    expect(store.getState().applyEvent(enRoute)).toBe("gap");
    expect(store.getState().byId.i1?.lastSeq).toBe(1);
    expect(store.getState().position).toBe(enRoute.position);

    const full = foldIncident([created, dispatched, enRoute]);
    store.getState().upsertFetched({ ...full, intervals: computeIntervals(full), events: [created, dispatched, enRoute] });
    expect(store.getState().byId.i1?.lastSeq).toBe(3);
    expect(store.getState().byId.i1).not.toHaveProperty("intervals");
    expect(store.getState().eventsById.i1).toHaveLength(3);
  });

  it("treats a non-creation event for an unknown incident as a gap", () => {
    const store = createIncidentStore();
    expect(store.getState().applyEvent(dispatchedEvent("i9", 2, "E1", "2026-11-22T06:00:40.000Z"))).toBe("gap");
    expect(store.getState().byId.i9).toBeUndefined();
  });

  it("keeps a newer live state when an older fetch answer arrives late", () => {
    const store = createIncidentStore();
    const created = createdEvent("i1");
    const dispatched = dispatchedEvent("i1", 2, "E1", "2026-11-22T06:00:40.000Z");
    store.getState().applyEvent(created);
    store.getState().applyEvent(dispatched);
    const stale = foldIncident([created]);
    store.getState().upsertFetched({ ...stale, intervals: computeIntervals(stale) });
    expect(store.getState().byId.i1?.lastSeq).toBe(2);
  });

  it("replaces everything from a fresh list and drops an open incident the server no longer lists", () => {
    const store = createIncidentStore();
    store.getState().applyEvent(createdEvent("gone"));
    const kept = foldIncident([createdEvent("i2", "2026-00002")]);
    store.getState().replaceAll([{ ...kept, intervals: computeIntervals(kept) }], 500);
    expect(Object.keys(store.getState().byId)).toEqual(["i2"]);
    expect(store.getState().position).toBe(500);
    expect(store.getState().loaded).toBe(true);
  });
});
