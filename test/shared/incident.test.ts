import { describe, expect, it } from "vitest";
import type { Actor, IncidentEvent, IncidentEventPayloads, IncidentEventType } from "../../shared/events";
import { applyIncidentEvent, computeIntervals, firstArriving, foldIncident, FoldError } from "../../shared/incident";
import { canonicalJson, hashEvent } from "../../server/core/hashChain";
import { checkStreamChain } from "../../server/core/logVerifier";

/** The chain check verify-log runs, over one incident's events. */
function verifyChain(events: IncidentEvent[]) {
  return checkStreamChain({
    streamType: "incident",
    streamId: "2026-00001",
    events: events.map((event) => ({ streamType: "incident", streamId: event.streamId, position: event.position, seq: event.seq, prevHash: event.prevHash, hash: event.hash, event })),
  }).map(({ seq, kind, detail }) => ({ seq, kind, detail }));
}

const actor: Actor = { userId: "u1", username: "disp", role: "dispatcher" };
const T0 = Date.parse("2026-03-01T10:00:00Z");
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

/** Builds a properly chained log, as the server would. */
function log() {
  const events: IncidentEvent[] = [];
  const add = <T extends IncidentEventType>(type: T, payload: IncidentEventPayloads[T], second: number) => {
    const previous = events[events.length - 1];
    const content = {
      streamType: "incident" as const,
      streamId: "2026-00001",
      seq: events.length + 1,
      type,
      occurredAt: at(second),
      recordedAt: at(second + 1),
      source: "live" as const,
      actor,
      payload,
    };
    const prevHash = previous?.hash ?? "";
    events.push({ ...content, prevHash, hash: hashEvent(prevHash, content), position: events.length + 1 } as IncidentEvent);
    return add;
  };
  return { events, add };
}

function fire() {
  const { events, add } = log();
  add("incident.created", { number: "2026-00001", incidentType: "structure_fire", location: { lat: 1, lng: 2 }, receivedAt: at(0), alarmLevel: 1 }, 0)
    ("call.received", { callId: "c1", intakeId: "i1", source: "phone", receivedAt: at(0), location: { lat: 1, lng: 2 }, incidentType: "structure_fire" }, 0)
    ("unit.dispatched", { unitId: "E1", callSign: "E1", unitType: "engine" }, 50)
    ("unit.dispatched", { unitId: "E2", callSign: "E2", unitType: "engine" }, 55)
    ("unit.status", { unitId: "E1", status: "en_route", previousStatus: "dispatched" }, 120)
    ("unit.status", { unitId: "E2", status: "en_route", previousStatus: "dispatched" }, 100)
    ("unit.status", { unitId: "E2", status: "on_scene", previousStatus: "en_route" }, 330)
    ("unit.status", { unitId: "E1", status: "on_scene", previousStatus: "en_route" }, 400);
  return events;
}

describe("foldIncident", () => {
  it("folds calls, assignments and statuses into the current state", () => {
    const state = foldIncident(fire());
    expect(state.status).toBe("open");
    expect(state.calls).toHaveLength(1);
    expect(state.assignments.map((entry) => [entry.unitId, entry.status, entry.active])).toEqual([
      ["E1", "on_scene", true],
      ["E2", "on_scene", true],
    ]);
    expect(state.lastSeq).toBe(8);
  });

  it("does not change the state it was given", () => {
    const events = fire();
    const before = foldIncident(events.slice(0, 4));
    const snapshot = structuredClone(before);
    applyIncidentEvent(before, events[4]!);
    expect(before).toEqual(snapshot);
  });

  it("folds a whole stream to what applying its events one by one gives, and leaves the events as they were", () => {
    const { events, add } = log();
    add("incident.created", { number: "2026-00001", incidentType: "structure_fire", location: { lat: 1, lng: 2 }, receivedAt: at(0), alarmLevel: 1 }, 0);
    for (let index = 0; index < 300; index++) add("incident.note", { text: `note ${index}` }, index + 1);
    add("unit.dispatched", { unitId: "E1", callSign: "E1", unitType: "engine" }, 400);
    const untouched = structuredClone(events);
    let stepwise: ReturnType<typeof foldIncident> | undefined;
    for (const event of events) stepwise = applyIncidentEvent(stepwise, event);
    const folded = foldIncident(events);
    expect(folded).toEqual(stepwise);
    expect(folded.notes).toHaveLength(300);
    expect(events).toEqual(untouched);
    // The same refusals as one by one: a second creation, a gap.
    expect(() => foldIncident([...events, { ...events[0]!, seq: events.length + 1 }])).toThrow(/created twice/);
    expect(() => foldIncident([events[0]!, events[2]!])).toThrow(/expected seq 2, got 3/);
  });

  it("refuses an event out of sequence and a status for a unit that is not assigned", () => {
    const events = fire();
    const state = foldIncident(events.slice(0, 3));
    expect(() => applyIncidentEvent(state, events[4]!)).toThrow(FoldError);
    const stray = { ...events[3]!, seq: 4, type: "unit.status", payload: { unitId: "X9", status: "on_scene", previousStatus: "en_route" } } as IncidentEvent;
    expect(() => applyIncidentEvent(state, stray)).toThrow(/no active assignment/);
  });
});

describe("computeIntervals", () => {
  it("takes turnout and travel from the first-arriving unit, alarm processing from the first dispatch", () => {
    const state = foldIncident(fire());
    expect(firstArriving(state)?.unitId).toBe("E2");
    expect(computeIntervals(state)).toEqual({ alarmProcessing: 50, turnout: 45, travel: 230, totalResponse: 330 });
  });

  it("breaks an arrival tie by the earlier dispatch", () => {
    const { events, add } = log();
    add("incident.created", { number: "n", incidentType: "medical", location: { lat: 0, lng: 0 }, receivedAt: at(0), alarmLevel: 1 }, 0)
      ("unit.dispatched", { unitId: "M2", callSign: "M2", unitType: "medic" }, 30)
      ("unit.dispatched", { unitId: "M1", callSign: "M1", unitType: "medic" }, 20)
      ("unit.status", { unitId: "M2", status: "on_scene", previousStatus: "dispatched" }, 300)
      ("unit.status", { unitId: "M1", status: "on_scene", previousStatus: "dispatched" }, 300);
    expect(firstArriving(foldIncident(events))?.unitId).toBe("M1");
  });

  it("gives null, not 0, for intervals whose ends are missing", () => {
    const state = foldIncident(fire().slice(0, 3));
    expect(computeIntervals(state)).toEqual({ alarmProcessing: 50, turnout: null, travel: null, totalResponse: null });
  });

  it("keeps the first report of a step: a repeated on-scene does not move the arrival", () => {
    const events = fire();
    const state = foldIncident(events);
    const repeat = { ...events[7]!, seq: 9, occurredAt: at(900) } as IncidentEvent;
    expect(computeIntervals(applyIncidentEvent(state, repeat)).totalResponse).toBe(330);
  });
});

describe("hash chain", () => {
  it("verifies an untouched log", () => {
    expect(verifyChain(fire())).toEqual([]);
  });

  it("finds an edited payload, a removed event and a reordering", () => {
    const edited = fire();
    edited[4] = { ...edited[4]!, occurredAt: at(60) } as IncidentEvent;
    expect(verifyChain(edited)).toEqual([{ seq: 5, kind: "chain", detail: "hash does not match the event's content (edited)" }]);

    const removed = fire().filter((event) => event.seq !== 3);
    expect(verifyChain(removed).map((entry) => entry.seq)).toContain(4);

    const swapped = fire();
    [swapped[5], swapped[6]] = [swapped[6]!, swapped[5]!];
    expect(verifyChain(swapped).length).toBeGreaterThan(0);
  });

  it("hashes the same content the same whatever the key order", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: undefined } })).toBe('{"a":{"d":[1,{"e":3,"f":2}]},"b":1}');
  });
});
