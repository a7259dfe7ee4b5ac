// One set of behaviours, run against every storage adapter. The MongoDB leg runs only when MONGO_URL points at a
// replica set (transactions need one); otherwise it is reported as skipped, never silently passed.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { IncidentStatus, IncidentType } from "../../../shared/domain";
import type { Actor, NewIncidentEvent, NewLogEvent, NewStreamEvent } from "../../../shared/events";
import { foldStream } from "../../../shared/streams";
import type { IncidentState } from "../../../shared/incident";
import { MongoStore } from "../../../server/store/mongo";
import { SqliteStore } from "../../../server/store/sqlite";
import {
  StaleWriteError,
  UniqueViolationError,
  type CallRecord,
  type IncidentRecord,
  type OpRecord,
  type Store,
  type StreamRecord,
  type UnitRecord,
  type UserRecord,
} from "../../../server/store/types";

interface Leg {
  name: string;
  /** Makes a store over this leg's data; called again on the same data to test re-opening. */
  make: () => Store;
  /** Closes the store and removes this leg's data. */
  dispose: (store: Store) => Promise<void>;
}

const MONGO_URL = process.env.MONGO_URL;

function sqliteLeg(): Leg {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "store-conformance-"));
  const file = path.join(dir, "nested", "dispatch.sqlite");
  return {
    name: "sqlite",
    make: () => new SqliteStore(file),
    dispose: async (store) => {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A fresh database name per leg, kept in the URL's path so the query string (replicaSet=...) survives. Not through
 * WHATWG URL: a seed list of several hosts (mongodb://a:27017,b:27017/...) is not a valid URL host to it. The
 * connection string format has the path after the first "/" past the scheme (user info and hosts percent-encode
 * "/" and "?").
 */
function withDatabase(url: string, database: string): string {
  const match = /^(mongodb(?:\+srv)?:\/\/[^/?]*)(?:\/[^?]*)?(\?.*)?$/.exec(url);
  if (!match) throw new Error(`MONGO_URL is not a mongodb:// or mongodb+srv:// connection string: ${url}`);
  return `${match[1]}/${database}${match[2] ?? ""}`;
}

function mongoLeg(url: string): Leg {
  const dbUrl = withDatabase(url, `conformance_${randomUUID().replaceAll("-", "")}`);
  return {
    name: "mongodb",
    make: () => new MongoStore(dbUrl),
    dispose: async (store) => {
      if (store instanceof MongoStore) await store.dropDatabase();
      await store.close();
    },
  };
}

const legs: { name: string; leg: () => Leg }[] = [
  { name: "sqlite", leg: sqliteLeg },
  ...(MONGO_URL ? [{ name: "mongodb", leg: () => mongoLeg(MONGO_URL) }] : []),
];

if (!MONGO_URL) {
  console.warn(
    "MongoDB conformance leg SKIPPED: set MONGO_URL=mongodb://localhost:27017/?replicaSet=rs0 to run it",
  );
  describe("store conformance", () => {
    it.skip("mongodb leg (MONGO_URL not set)", () => undefined);
  });
}

const actor: Actor = { userId: "u-1", username: "dispatcher1", role: "dispatcher" };
const T0 = Date.parse("2025-03-01T10:00:00.000Z");

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Events with fake hashes: the store stores the chain, it does not verify it. */
function noteEvent(incidentId: string, seq: number, text = `note ${seq}`): NewIncidentEvent {
  return {
    streamType: "incident",
    streamId: incidentId,
    seq,
    type: "incident.note",
    occurredAt: iso(T0 + seq * 1000),
    recordedAt: iso(T0 + seq * 1000 + 5),
    source: "live",
    actor,
    payload: { text },
    prevHash: seq === 1 ? "" : `hash-${incidentId}-${seq - 1}`,
    hash: `hash-${incidentId}-${seq}`,
  };
}

function createdEvent(incidentId: string): NewIncidentEvent {
  return {
    streamType: "incident",
    streamId: incidentId,
    seq: 1,
    type: "incident.created",
    occurredAt: iso(T0),
    recordedAt: iso(T0 + 5),
    source: "live",
    actor,
    payload: {
      number: `2025-${incidentId}`,
      incidentType: "structure_fire",
      location: { lat: 37.5, lng: 127.0, address: "1 Main St" },
      receivedAt: iso(T0),
      alarmLevel: 1,
    },
    prevHash: "",
    hash: `hash-${incidentId}-1`,
  };
}

interface IncidentOptions {
  status?: IncidentStatus;
  incidentType?: IncidentType;
  receivedAtMs?: number;
  lat?: number;
  lng?: number;
  addressKey?: string | null;
  /** The address as written (state.location.address). */
  address?: string;
  externalId?: string | null;
  description?: string;
}

function incident(id: string, options: IncidentOptions = {}): IncidentRecord {
  const receivedAtMs = options.receivedAtMs ?? T0;
  const lat = options.lat ?? 37.5;
  const lng = options.lng ?? 127.0;
  const status = options.status ?? "open";
  const incidentType = options.incidentType ?? "structure_fire";
  const state: IncidentState = {
    id,
    number: `2025-${id}`,
    status,
    incidentType,
    alarmLevel: 1,
    location: { lat, lng, address: options.address ?? "1 Main St" },
    ...(options.description !== undefined ? { description: options.description } : {}),
    receivedAt: iso(receivedAtMs),
    createdAt: { occurredAt: iso(receivedAtMs), recordedAt: iso(receivedAtMs + 5) },
    calls: [],
    assignments: [],
    phases: {},
    notes: [],
    mergedFrom: [],
    lastSeq: 1,
    lastHash: `hash-${id}-1`,
  };
  return {
    id,
    number: state.number,
    status,
    incidentType,
    receivedAtMs,
    lat,
    lng,
    addressKey: options.addressKey ?? null,
    externalId: options.externalId ?? null,
    state,
  };
}

function call(id: string, overrides: Partial<CallRecord> = {}): CallRecord {
  return {
    id,
    intakeId: `intake-${id}`,
    requestHash: `req-${id}`,
    incidentId: "inc-1",
    receivedAtMs: T0,
    callerNumber: null,
    transferKey: null,
    recordedAt: iso(T0 + 5),
    ...overrides,
  };
}

function op(opId: string, result: unknown = { ok: true, incidentId: "inc-1" }): OpRecord {
  return { opId, kind: "intake", actorId: "u-1", requestHash: `req-${opId}`, result, createdAt: iso(T0) };
}

function unit(id: string, overrides: Partial<UnitRecord> = {}): UnitRecord {
  return {
    id,
    callSign: `Engine ${id}`,
    type: "engine",
    station: "Station 1",
    home: { lat: 37.4, lng: 126.9 },
    status: "available",
    statusSince: iso(T0),
    incidentId: null,
    position: null,
    version: 0,
    updatedAt: iso(T0),
    ...overrides,
  };
}

function user(id: string, username: string): UserRecord {
  return {
    id,
    username,
    passwordHash: `bcrypt-${id}`,
    role: "dispatcher",
    unitId: null,
    displayName: `User ${id}`,
    createdAt: iso(T0),
    passwordChangeRequiredAt: null,
  };
}

async function expectUniqueViolation(promise: Promise<unknown>, key: UniqueViolationError["key"]): Promise<void> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(UniqueViolationError);
  expect((error as UniqueViolationError).key).toBe(key);
}

const ids = (records: { id: string }[]): string[] => records.map((record) => record.id);

describe.each(legs)("store conformance: $name", ({ leg: makeLeg }) => {
  let leg: Leg;
  let store: Store;

  beforeEach(async () => {
    leg = makeLeg();
    store = leg.make();
    await store.init();
  });

  afterEach(async () => {
    await leg.dispose(store);
  });

  describe("event log", () => {
    it("appends events with increasing positions and returns them in global order after a position", async () => {
      const first = await store.commit({ events: [createdEvent("inc-1"), noteEvent("inc-1", 2)] });
      const second = await store.commit({ events: [createdEvent("inc-2"), noteEvent("inc-1", 3)] });

      const positions = [...first, ...second].map((event) => event.position);
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
      expect(new Set(positions).size).toBe(4);
      expect(first[0]).toEqual({ ...createdEvent("inc-1"), position: positions[0] });

      const all = await store.getEventsAfter(0, 100);
      expect(all.map((event) => [event.streamId, event.seq])).toEqual([
        ["inc-1", 1],
        ["inc-1", 2],
        ["inc-2", 1],
        ["inc-1", 3],
      ]);
      expect(all).toEqual([...first, ...second]);

      const afterSecond = await store.getEventsAfter(positions[1] ?? 0, 1);
      expect(afterSecond.map((event) => event.position)).toEqual([positions[2]]);
    });

    it("reports the last position, 0 when the log is empty", async () => {
      expect(await store.getLastPosition()).toBe(0);
      const stored = await store.commit({ events: [createdEvent("inc-1"), noteEvent("inc-1", 2)] });
      expect(await store.getLastPosition()).toBe(stored[1]?.position);
    });

    it("returns one incident's events in seq order, only those after afterSeq", async () => {
      await store.commit({ events: [createdEvent("inc-1"), noteEvent("inc-1", 2)] });
      await store.commit({ events: [createdEvent("inc-2")] });
      await store.commit({ events: [noteEvent("inc-1", 3, "third")] });

      const all = await store.getStreamEvents("incident", "inc-1");
      expect(all.map((event) => event.seq)).toEqual([1, 2, 3]);
      expect(all[2]).toMatchObject({ type: "incident.note", payload: { text: "third" }, actor });

      const later = await store.getStreamEvents("incident", "inc-1", 1);
      expect(later.map((event) => event.seq)).toEqual([2, 3]);
      expect(await store.getStreamEvents("incident", "inc-1", 3)).toEqual([]);
    });

    it("rejects a duplicate (incidentId, seq) with key 'event' and writes nothing of that commit", async () => {
      await store.commit({
        events: [createdEvent("inc-1")],
        incidents: [incident("inc-1", { description: "before" })],
        calls: [call("call-1")],
        ops: [op("op-1")],
      });
      const lastPosition = await store.getLastPosition();

      await expectUniqueViolation(
        store.commit({
          events: [noteEvent("inc-2", 1), noteEvent("inc-1", 1, "racing writer")],
          incidents: [incident("inc-1", { description: "after" }), incident("inc-2")],
          calls: [call("call-2")],
          callMoves: [{ callId: "call-1", incidentId: "inc-2" }],
          units: [unit("unit-1")],
          ops: [op("op-2")],
        }),
        "event",
      );

      expect(await store.getLastPosition()).toBe(lastPosition);
      expect(await store.getStreamEvents("incident", "inc-2")).toEqual([]);
      expect((await store.getIncident("inc-1"))?.state.description).toBe("before");
      expect(await store.getIncident("inc-2")).toBeNull();
      expect(await store.getCall("call-2")).toBeNull();
      expect((await store.getCall("call-1"))?.incidentId).toBe("inc-1");
      expect(await store.getUnit("unit-1")).toBeNull();
      expect(await store.getOp("op-2")).toBeNull();
    });

    it("keeps giving increasing positions after a rejected commit", async () => {
      const [first] = await store.commit({ events: [createdEvent("inc-1")] });
      await expectUniqueViolation(store.commit({ events: [createdEvent("inc-1")] }), "event");
      const [second] = await store.commit({ events: [createdEvent("inc-2")] });
      expect(second?.position).toBeGreaterThan(first?.position ?? Infinity);
      expect((await store.getEventsAfter(0, 10)).map((event) => event.streamId)).toEqual(["inc-1", "inc-2"]);
    });
  });

  describe("group commit", () => {
    it("keeps a group's commits readable inside it, a refused one out, and all of them after commitGroup", async () => {
      const grouped = store.beginGroup();
      const [first] = await store.commit({ events: [createdEvent("inc-1")], incidents: [incident("inc-1")] });
      expect((await store.getIncident("inc-1"))?.id).toBe("inc-1");
      await expectUniqueViolation(store.commit({ events: [createdEvent("inc-2"), createdEvent("inc-1")], incidents: [incident("inc-2")] }), "event");
      const sequence = await store.nextSequence("incident-2026");
      const [second] = await store.commit({ events: [createdEvent("inc-3")] });
      if (grouped) await store.commitGroup();
      expect(second?.position).toBeGreaterThan(first?.position ?? Infinity);
      expect((await store.getEventsAfter(0, 10)).map((event) => event.streamId)).toEqual(["inc-1", "inc-3"]);
      expect(await store.getIncident("inc-2")).toBeNull();
      expect(await store.nextSequence("incident-2026")).toBe(sequence + 1);
    });

    it("rollbackGroup undoes the whole group (adapters that group)", async () => {
      await store.commit({ events: [createdEvent("inc-1")] });
      if (!store.beginGroup()) return;
      await store.commit({ events: [createdEvent("inc-2")], incidents: [incident("inc-2")] });
      await store.nextSequence("incident-2026");
      await store.rollbackGroup();
      expect((await store.getEventsAfter(0, 10)).map((event) => event.streamId)).toEqual(["inc-1"]);
      expect(await store.getIncident("inc-2")).toBeNull();
      expect(await store.nextSequence("incident-2026")).toBe(1);
    });
  });

  describe("unique keys", () => {
    it("rejects a second call with the same intakeId with key 'intakeId'", async () => {
      await store.commit({ calls: [call("call-1", { intakeId: "intake-A" })] });
      await expectUniqueViolation(store.commit({ calls: [call("call-2", { intakeId: "intake-A" })] }), "intakeId");
      expect(await store.getCall("call-2")).toBeNull();
      expect((await store.getCallByIntakeId("intake-A"))?.id).toBe("call-1");
    });

    it("keeps several calls under one transfer key and finds the most recently recorded one", async () => {
      await store.commit({ calls: [call("call-1"), call("call-2")] });
      expect((await store.getCall("call-1"))?.transferKey).toBeNull();
      expect((await store.getCall("call-2"))?.transferKey).toBeNull();

      const transferKey = "center-B:ext-9";
      await store.commit({
        calls: [
          call("call-3", { transferKey, recordedAt: iso(T0 + 1000) }),
          call("call-5", { transferKey, recordedAt: iso(T0 + 3000) }),
          call("call-4", { transferKey, recordedAt: iso(T0 + 2000) }),
        ],
      });
      expect((await store.getCallByTransferKey(transferKey))?.id).toBe("call-5");
      expect(await store.getCallByTransferKey("center-B:other")).toBeNull();
    });

    it("rejects a repeated opId with key 'opId' and returns the first stored result", async () => {
      const result = { incidentId: "inc-1", created: true, nested: { calls: ["call-1"], empty: {} } };
      await store.commit({ ops: [op("op-1", result)] });
      await expectUniqueViolation(store.commit({ ops: [op("op-1", { incidentId: "inc-other" })] }), "opId");

      expect(await store.getOp("op-1")).toEqual(op("op-1", result));
      expect(await store.getOp("op-missing")).toBeNull();
    });
  });

  describe("atomicity", () => {
    it("rolls back every earlier write of a commit whose last write (the op) is a duplicate", async () => {
      await store.commit({ ops: [op("op-1")], calls: [call("call-1")], units: [unit("u1")] });
      const lastPosition = await store.getLastPosition();

      await expectUniqueViolation(
        store.commit({
          events: [createdEvent("inc-1"), noteEvent("inc-1", 2)],
          incidents: [incident("inc-1")],
          calls: [call("call-2")],
          callMoves: [{ callId: "call-1", incidentId: "inc-9" }],
          units: [unit("u1", { status: "dispatched", incidentId: "inc-1", version: 1 }), unit("u2")],
          ops: [op("op-2"), op("op-1", { second: true })],
        }),
        "opId",
      );

      expect(await store.getLastPosition()).toBe(lastPosition);
      expect(await store.getStreamEvents("incident", "inc-1")).toEqual([]);
      expect(await store.getIncident("inc-1")).toBeNull();
      expect(await store.getCall("call-2")).toBeNull();
      expect(await store.getCallByIntakeId("intake-call-2")).toBeNull();
      expect((await store.getCall("call-1"))?.incidentId).toBe("inc-1");
      expect(await store.getUnit("u1")).toEqual(unit("u1", { version: 1 }));
      expect(await store.getUnit("u2")).toBeNull();
      expect(await store.getOp("op-2")).toBeNull();
      expect(await store.getOp("op-1")).toEqual(op("op-1"));

      // The rejected commit took no position: the next event follows the last committed one directly.
      const [next] = await store.commit({ events: [createdEvent("inc-1")] });
      expect(next?.position).toBeGreaterThan(lastPosition);
      expect(await store.getEventsAfter(lastPosition, 10)).toEqual([next]);
    });

    it("fails the whole commit when a call to move does not exist", async () => {
      await expect(
        store.commit({
          incidents: [incident("inc-1")],
          callMoves: [{ callId: "call-missing", incidentId: "inc-1" }],
        }),
      ).rejects.toThrow(/call-missing/);
      expect(await store.getIncident("inc-1")).toBeNull();
    });
  });

  describe("incidents", () => {
    it("upserts an incident by id, replacing its columns and state", async () => {
      await store.commit({ incidents: [incident("inc-1", { description: "smoke" })] });
      const original = await store.getIncident("inc-1");
      expect(original).toEqual(incident("inc-1", { description: "smoke" }));

      const replaced = incident("inc-1", { status: "closed", addressKey: "1 main st", lat: 37.6 });
      replaced.state.notes.push({ text: "knocked down", at: { occurredAt: iso(T0), recordedAt: iso(T0) }, by: "x" });
      await store.commit({ incidents: [replaced] });

      const stored = await store.getIncident("inc-1");
      expect(stored).toEqual(replaced);
      expect(stored?.state.description).toBeUndefined();
      expect(await store.getIncident("inc-missing")).toBeNull();
    });

    it("finds incidents inside the time window, the box and the statuses only, newest first, up to the limit", async () => {
      const inside = { lat: 37.5, lng: 127.0 };
      await store.commit({
        incidents: [
          incident("old-in", { ...inside, receivedAtMs: T0 }),
          incident("mid-in", { ...inside, receivedAtMs: T0 + 60_000 }),
          incident("new-in", { lat: 37.51, lng: 127.01, receivedAtMs: T0 + 120_000 }),
          incident("edge-in", { lat: 37.52, lng: 127.02, receivedAtMs: T0 + 180_000 }),
          incident("too-early", { ...inside, receivedAtMs: T0 - 1 }),
          incident("too-late", { ...inside, receivedAtMs: T0 + 180_001 }),
          incident("lat-out", { lat: 37.53, lng: 127.0, receivedAtMs: T0 + 60_000 }),
          incident("lng-out", { lat: 37.5, lng: 126.97, receivedAtMs: T0 + 60_000 }),
          incident("closed", { ...inside, status: "closed", receivedAtMs: T0 + 90_000 }),
          incident("merged", { ...inside, status: "merged", receivedAtMs: T0 + 60_000 }),
        ],
      });
      const query = {
        fromMs: T0,
        toMs: T0 + 180_000,
        minLat: 37.48,
        maxLat: 37.52,
        minLng: 126.98,
        maxLng: 127.02,
        statuses: ["open"] as IncidentStatus[],
        limit: 10,
      };

      expect(ids(await store.findIncidentsInWindow(query))).toEqual(["edge-in", "new-in", "mid-in", "old-in"]);
      expect(ids(await store.findIncidentsInWindow({ ...query, limit: 2 }))).toEqual(["edge-in", "new-in"]);
      expect(ids(await store.findIncidentsInWindow({ ...query, statuses: ["open", "closed"] }))).toEqual([
        "edge-in",
        "new-in",
        "closed",
        "mid-in",
        "old-in",
      ]);
      expect(await store.findIncidentsInWindow({ ...query, statuses: [] })).toEqual([]);
      // A limit of 0 means none (MongoDB would read it as "no limit", SQLite a negative one as well).
      expect(await store.findIncidentsInWindow({ ...query, limit: 0 })).toEqual([]);
      expect(await store.listIncidents({ limit: 0 })).toEqual([]);
      const [first] = await store.findIncidentsInWindow(query);
      expect(first).toEqual(incident("edge-in", { lat: 37.52, lng: 127.02, receivedAtMs: T0 + 180_000 }));
    });

    it("finds incidents by the place's grid cells: across cell edges, and where an incident moved to, not where it was", async () => {
      // Four incidents around a corner of four cells (0.01 degree apart), one placed elsewhere and moved here.
      await store.commit({
        incidents: [
          incident("sw", { lat: 37.4999, lng: 126.9999, receivedAtMs: T0 }),
          incident("ne", { lat: 37.5001, lng: 127.0001, receivedAtMs: T0 + 1000 }),
          incident("nw", { lat: 37.5001, lng: 126.9999, receivedAtMs: T0 + 2000 }),
          incident("se", { lat: 37.4999, lng: 127.0001, receivedAtMs: T0 + 3000 }),
          incident("moved", { lat: 31.23, lng: 121.48, receivedAtMs: T0 + 4000 }),
        ],
      });
      const around = (lat: number, lng: number) => ({
        fromMs: T0,
        toMs: T0 + 60_000,
        minLat: lat - 0.001,
        maxLat: lat + 0.001,
        minLng: lng - 0.001,
        maxLng: lng + 0.001,
        statuses: ["open" as const],
        limit: 10,
      });
      expect(ids(await store.findIncidentsInWindow(around(37.5, 127)))).toEqual(["se", "nw", "ne", "sw"]);
      expect(ids(await store.findIncidentsInWindow(around(31.23, 121.48)))).toEqual(["moved"]);

      await store.commit({ incidents: [incident("moved", { lat: 37.5, lng: 127, receivedAtMs: T0 + 4000 })] });
      expect(ids(await store.findIncidentsInWindow(around(37.5, 127)))).toEqual(["moved", "se", "nw", "ne", "sw"]);
      expect(await store.findIncidentsInWindow(around(31.23, 121.48))).toEqual([]);
    });

    it("finds incidents by address key within the time window, newest first, up to the limit", async () => {
      await store.commit({
        incidents: [
          incident("a1", { addressKey: "1 main st", receivedAtMs: T0 }),
          incident("a2", { addressKey: "1 main st", receivedAtMs: T0 + 1000 }),
          incident("a3", { addressKey: "1 main st", receivedAtMs: T0 + 2000 }),
          incident("late", { addressKey: "1 main st", receivedAtMs: T0 + 10_000 }),
          incident("other", { addressKey: "2 main st", receivedAtMs: T0 + 1000 }),
          incident("none", { addressKey: null, receivedAtMs: T0 + 1000 }),
        ],
      });
      expect(ids(await store.findIncidentsByAddressKey("1 main st", T0, T0 + 5000, 10))).toEqual(["a3", "a2", "a1"]);
      expect(ids(await store.findIncidentsByAddressKey("1 main st", T0, T0 + 5000, 2))).toEqual(["a3", "a2"]);
      expect(await store.findIncidentsByAddressKey("9 nowhere", T0, T0 + 5000, 10)).toEqual([]);
    });

    it("keeps an incident without a position (lat/lng null): never in a window query, found by address, placed later", async () => {
      const unplaced = (): IncidentRecord => {
        const record = incident("u1", { addressKey: "200 nanjing east rd", receivedAtMs: T0 });
        return { ...record, lat: null, lng: null, state: { ...record.state, location: { confirmed: false, address: "200 Nanjing East Rd" } } };
      };
      await store.commit({ incidents: [unplaced(), incident("placed", { addressKey: "200 nanjing east rd", receivedAtMs: T0 - 1000 })] });
      expect(await store.getIncident("u1")).toEqual(unplaced());
      const everywhere = { fromMs: T0 - 60_000, toMs: T0 + 60_000, minLat: -90, maxLat: 90, minLng: -180, maxLng: 180, statuses: ["open" as const], limit: 10 };
      expect(ids(await store.findIncidentsInWindow(everywhere))).toEqual(["placed"]);
      expect(ids(await store.findIncidentsByAddressKey("200 nanjing east rd", T0 - 60_000, T0 + 60_000, 10))).toEqual(["u1", "placed"]);
      // Its address is not suggested while the latest incident there has no position to place a call with.
      expect(await store.searchAddresses("200 nanjing", 10)).toEqual([]);

      await store.commit({ incidents: [incident("u1", { addressKey: "200 nanjing east rd", receivedAtMs: T0, lat: 31.23, lng: 121.48 })] });
      expect(ids(await store.findIncidentsInWindow(everywhere))).toEqual(["u1", "placed"]);
      expect((await store.searchAddresses("200 nanjing", 10)).map((known) => [known.lat, known.lng])).toEqual([[31.23, 121.48]]);
    });

    describe("address search", () => {
      /** An incident at a keyed address; the text as written defaults to the key. */
      const at = (id: string, addressKey: string, receivedAtMs: number, options: IncidentOptions = {}) =>
        incident(id, { addressKey, address: addressKey, receivedAtMs, ...options });
      const keys = (found: { addressKey: string }[]) => found.map((entry) => entry.addressKey);

      it("finds each address starting with the prefix once, most recently seen first, with its latest incident", async () => {
        await store.commit({
          incidents: [
            at("f1", "935 folsom st", T0, { address: "935 Folsom St", lat: 37.78, lng: -122.4 }),
            at("f3", "935 folsom st", T0 + 3000, { address: "935 FOLSOM ST.", lat: 37.7809, lng: -122.4041, status: "closed" }),
            at("f2", "935 folsom st", T0 + 2000, { address: "935 Folsom Street", lat: 37.7801, lng: -122.4002 }),
            at("fr", "935 fremont ave", T0 + 2500, { lat: 37.79, lng: -122.39, status: "merged" }),
            at("m", "9350 mission st", T0 + 1000),
            at("other", "1 main st", T0 + 9000),
            incident("none", { addressKey: null, receivedAtMs: T0 + 9000 }),
          ],
        });

        const found = await store.searchAddresses("935 f", 10);
        expect(found).toEqual([
          { addressKey: "935 folsom st", address: "935 FOLSOM ST.", lat: 37.7809, lng: -122.4041, lastSeenMs: T0 + 3000, incidents: 3 },
          { addressKey: "935 fremont ave", address: "935 fremont ave", lat: 37.79, lng: -122.39, lastSeenMs: T0 + 2500, incidents: 1 },
        ]);
        expect(keys(await store.searchAddresses("935", 10))).toEqual(["935 folsom st", "935 fremont ave", "9350 mission st"]);
        expect(keys(await store.searchAddresses("935 folsom st", 10))).toEqual(["935 folsom st"]);
      });

      it("returns at most `limit` addresses, the most recently seen ones", async () => {
        await store.commit({
          incidents: [at("a", "10 a st", T0 + 1000), at("b", "10 b st", T0 + 3000), at("c", "10 c st", T0 + 2000), at("b2", "10 b st", T0)],
        });
        expect(keys(await store.searchAddresses("10 ", 2))).toEqual(["10 b st", "10 c st"]);
        expect(keys(await store.searchAddresses("10 ", 1))).toEqual(["10 b st"]);
        expect(await store.searchAddresses("10 ", 0)).toEqual([]);
      });

      it("matches % _ . * and other pattern characters literally", async () => {
        await store.commit({
          incidents: [
            at("pct", "10% off st", T0),
            at("pct-like", "10x off st", T0 + 1),
            at("under", "1_2 main st", T0 + 2),
            at("under-like", "102 main st", T0 + 3),
            at("dot", "a.b st", T0 + 4),
            at("dot-like", "axb st", T0 + 5),
            at("star", "a*b rd", T0 + 6),
            at("star-like", "ab rd", T0 + 7),
            at("caret", "^c (d) [e]", T0 + 8),
            at("backslash", "f\\g", T0 + 9),
          ],
        });
        expect(keys(await store.searchAddresses("10%", 10))).toEqual(["10% off st"]);
        expect(keys(await store.searchAddresses("1_", 10))).toEqual(["1_2 main st"]);
        expect(keys(await store.searchAddresses("a.", 10))).toEqual(["a.b st"]);
        expect(keys(await store.searchAddresses("a*", 10))).toEqual(["a*b rd"]);
        expect(keys(await store.searchAddresses("^c (d) [", 10))).toEqual(["^c (d) [e]"]);
        expect(keys(await store.searchAddresses("f\\", 10))).toEqual(["f\\g"]);
        expect(await store.searchAddresses(".*", 10)).toEqual([]);
        expect(await store.searchAddresses("%", 10)).toEqual([]);
      });

      it("finds an address whose next character lies beyond the Basic Multilingual Plane", async () => {
        await store.commit({ incidents: [at("hk", "香港\u{2000B}街 1號", T0), at("bmp", "香港街 2號", T0 + 1)] });
        expect(keys(await store.searchAddresses("香港", 10))).toEqual(["香港街 2號", "香港\u{2000B}街 1號"]);
      });

      it("returns nothing when no address starts with the prefix", async () => {
        expect(await store.searchAddresses("935", 10)).toEqual([]);
        await store.commit({ incidents: [at("x", "935 folsom st", T0), incident("none", { addressKey: null })] });
        expect(await store.searchAddresses("936", 10)).toEqual([]);
        expect(await store.searchAddresses("935 folsom st ", 10)).toEqual([]);
        expect(await store.searchAddresses("zz", 10)).toEqual([]);
      });
    });

    describe("listing", () => {
      beforeEach(async () => {
        await store.commit({
          incidents: [
            incident("b", { receivedAtMs: T0 + 1000 }),
            incident("a", { receivedAtMs: T0 + 1000 }),
            incident("c", { receivedAtMs: T0 + 2000, status: "closed" }),
            incident("d", { receivedAtMs: T0 + 3000, incidentType: "medical" }),
            incident("e", { receivedAtMs: T0 + 4000, status: "merged", incidentType: "medical" }),
            incident("f", { receivedAtMs: T0 }),
          ],
        });
      });

      it("lists oldest first by (receivedAtMs, id) and pages strictly after a keyset", async () => {
        expect(ids(await store.listIncidents({ limit: 10 }))).toEqual(["f", "a", "b", "c", "d", "e"]);

        const page1 = await store.listIncidents({ limit: 2 });
        expect(ids(page1)).toEqual(["f", "a"]);
        const last = page1[1];
        if (!last) throw new Error("page 1 is short");
        const page2 = await store.listIncidents({ limit: 2, after: { receivedAtMs: last.receivedAtMs, id: last.id } });
        expect(ids(page2)).toEqual(["b", "c"]);
        const page3 = await store.listIncidents({ limit: 2, after: { receivedAtMs: T0 + 3000, id: "d" } });
        expect(ids(page3)).toEqual(["e"]);
      });

      it("lists newest first when asked, and pages strictly before a keyset", async () => {
        expect(ids(await store.listIncidents({ limit: 3, newestFirst: true }))).toEqual(["e", "d", "c"]);
        const page2 = await store.listIncidents({ limit: 3, newestFirst: true, after: { receivedAtMs: T0 + 2000, id: "c" } });
        expect(ids(page2)).toEqual(["b", "a", "f"]);
        const tie = await store.listIncidents({ limit: 3, newestFirst: true, after: { receivedAtMs: T0 + 1000, id: "b" } });
        expect(ids(tie)).toEqual(["a", "f"]);
      });

      it("finds an incident by its number, and incidents by an address key prefix taken literally", async () => {
        await store.commit({
          incidents: [
            incident("g", { receivedAtMs: T0 + 5000, addressKey: "12 elm st" }),
            incident("h", { receivedAtMs: T0 + 6000, addressKey: "120 elm st" }),
            incident("i", { receivedAtMs: T0 + 7000, addressKey: "1_ elm st" }),
          ],
        });
        expect(ids(await store.listIncidents({ limit: 10, number: "2025-d" }))).toEqual(["d"]);
        expect(ids(await store.listIncidents({ limit: 10, number: "2025-zz" }))).toEqual([]);
        expect(ids(await store.listIncidents({ limit: 10, addressKeyPrefix: "12", newestFirst: true }))).toEqual(["h", "g"]);
        expect(ids(await store.listIncidents({ limit: 10, addressKeyPrefix: "1_" }))).toEqual(["i"]);
      });

      it("filters by statuses, incident type and an inclusive time range", async () => {
        expect(ids(await store.listIncidents({ limit: 10, statuses: ["open"] }))).toEqual(["f", "a", "b", "d"]);
        expect(ids(await store.listIncidents({ limit: 10, statuses: ["closed", "merged"] }))).toEqual(["c", "e"]);
        expect(ids(await store.listIncidents({ limit: 10, incidentType: "medical" }))).toEqual(["d", "e"]);
        expect(ids(await store.listIncidents({ limit: 10, fromMs: T0 + 1000, toMs: T0 + 3000 }))).toEqual([
          "a",
          "b",
          "c",
          "d",
        ]);
        expect(
          ids(await store.listIncidents({ limit: 10, statuses: ["open"], incidentType: "medical", newestFirst: true })),
        ).toEqual(["d"]);
      });
    });
  });

  describe("calls", () => {
    it("finds calls from a caller number within the time window, newest first, up to the limit", async () => {
      await store.commit({
        calls: [
          call("c1", { callerNumber: "010-1111", receivedAtMs: T0 }),
          call("c2", { callerNumber: "010-1111", receivedAtMs: T0 + 1000 }),
          call("c3", { callerNumber: "010-1111", receivedAtMs: T0 + 2000 }),
          call("c-late", { callerNumber: "010-1111", receivedAtMs: T0 + 9000 }),
          call("c-other", { callerNumber: "010-2222", receivedAtMs: T0 + 1000 }),
        ],
      });
      expect(ids(await store.findCallsByCallerNumber("010-1111", T0, T0 + 5000, 10))).toEqual(["c3", "c2", "c1"]);
      expect(ids(await store.findCallsByCallerNumber("010-1111", T0 + 500, T0 + 5000, 1))).toEqual(["c3"]);
      expect(await store.findCallsByCallerNumber("010-9999", T0, T0 + 5000, 10)).toEqual([]);
    });

    it("stores a call as given and moves it to another incident on merge", async () => {
      const original = call("call-1", { callerNumber: "010-1111", transferKey: "center-B:ext-1" });
      await store.commit({ calls: [original, call("call-2")] });
      expect(await store.getCall("call-1")).toEqual(original);

      await store.commit({ callMoves: [{ callId: "call-1", incidentId: "inc-9" }] });
      expect(await store.getCall("call-1")).toEqual({ ...original, incidentId: "inc-9" });
      expect((await store.getCall("call-2"))?.incidentId).toBe("inc-1");
    });
  });

  describe("units", () => {
    it("upserts, lists and updates a unit's position without touching the rest", async () => {
      await store.commit({ units: [unit("u1"), unit("u2", { callSign: "Ladder 2", type: "ladder" })] });
      expect(await store.listUnits()).toHaveLength(2);

      // A new unit is written at version 1; each write carries the version it read and stores the next one.
      const dispatched = unit("u1", { status: "dispatched", incidentId: "inc-1", statusSince: iso(T0 + 1000), version: 1 });
      await store.commit({ units: [dispatched] });
      expect(await store.getUnit("u1")).toEqual({ ...dispatched, version: 2 });

      const position = { lat: 37.45, lng: 126.95, at: iso(T0 + 2000) };
      await store.updateUnitPosition("u1", position);
      expect(await store.getUnit("u1")).toEqual({ ...dispatched, position, version: 3 });

      const listed = await store.listUnits();
      expect(listed.map((record) => record.id).sort()).toEqual(["u1", "u2"]);
      expect(listed.find((record) => record.id === "u2")).toEqual(unit("u2", { callSign: "Ladder 2", type: "ladder", version: 1 }));
      expect(await store.getUnit("u-missing")).toBeNull();
    });

    it("refuses a unit written from a stale read, and a second creation of the same unit, and writes nothing else", async () => {
      await store.commit({ units: [unit("u1")] });
      const read = await store.getUnit("u1");
      await store.updateUnitPosition("u1", { lat: 37.45, lng: 126.95, at: iso(T0 + 2000) });
      const lastPosition = await store.getLastPosition();
      const stale = store.commit({
        events: [createdEvent("inc-1")],
        incidents: [incident("inc-1")],
        units: [{ ...read!, status: "dispatched", incidentId: "inc-1" }],
      });
      await expect(stale).rejects.toBeInstanceOf(StaleWriteError);
      await expect(store.commit({ units: [unit("u1", { callSign: "Twice" })] })).rejects.toBeInstanceOf(StaleWriteError);
      // Read at a version, but not stored at all: not created behind the writer's back.
      await expect(store.commit({ units: [{ ...unit("u-never"), version: 3 }] })).rejects.toBeInstanceOf(StaleWriteError);
      expect(await store.getUnit("u-never")).toBeNull();
      expect(await store.getLastPosition()).toBe(lastPosition);
      expect(await store.getIncident("inc-1")).toBeNull();
      expect(await store.getUnit("u1")).toMatchObject({ status: "available", callSign: "Engine u1", version: 2 });
    });
  });

  describe("streams other than incidents", () => {
    it("keeps each stream's own seq, refuses a repeated seq per stream, and upserts the stream's projection", async () => {
      const runCard = (seq: number, count: number): NewLogEvent => ({
        streamType: "run_card",
        streamId: "structure_fire",
        seq,
        type: "run_card.replaced",
        occurredAt: iso(T0 + seq),
        recordedAt: iso(T0 + seq),
        source: "live",
        actor,
        payload: { incidentType: "structure_fire", levels: [{ alarmLevel: 1, units: [{ type: "engine", count }] }] },
        prevHash: seq === 1 ? "" : `rc-${seq - 1}`,
        hash: `rc-${seq}`,
      });
      const state = (seq: number, count: number): StreamRecord => ({
        streamType: "run_card",
        streamId: "structure_fire",
        state: { incidentType: "structure_fire", levels: [{ alarmLevel: 1, units: [{ type: "engine", count }] }], lastSeq: seq, lastHash: `rc-${seq}` },
        updatedAt: iso(T0 + seq),
      });
      // The same seq in an incident stream with the same id is another stream.
      await store.commit({ events: [runCard(1, 2), { ...createdEvent("structure_fire") }], streams: [state(1, 2)], incidents: [incident("structure_fire")] });
      await store.commit({ events: [runCard(2, 3)], streams: [state(2, 3)] });
      await expectUniqueViolation(store.commit({ events: [runCard(2, 4)], streams: [state(2, 4)] }), "event");

      expect((await store.getStreamEvents("run_card", "structure_fire")).map((event) => event.seq)).toEqual([1, 2]);
      expect((await store.getStreamEvents("incident", "structure_fire")).map((event) => event.type)).toEqual(["incident.created"]);
      expect(await store.getStream("run_card", "structure_fire")).toEqual(state(2, 3));
      expect(await store.listStreams("run_card")).toEqual([state(2, 3)]);
      expect(await store.getStream("run_card", "medical")).toBeNull();
      expect((await store.getEventsAfter(0, 10)).map((event) => event.streamType)).toEqual(["run_card", "incident", "run_card"]);
    });
  });

  describe("residents' case streams", () => {
    it("stores a case's events exactly (an empty payload, Chinese text) and finds its state by case number", async () => {
      const caseEvent = (seq: number, type: string, payload: unknown): NewLogEvent =>
        ({
          streamType: "case",
          streamId: "C2026-00001",
          seq,
          type,
          occurredAt: iso(T0 + seq * 86_400_000),
          recordedAt: iso(T0 + seq * 86_400_000),
          source: "live",
          actor,
          payload,
          prevHash: seq === 1 ? "" : `case-${seq - 1}`,
          hash: `case-${seq}`,
        }) as NewLogEvent;
      const events = [
        caseEvent(1, "case.filed", {
          caseNumber: "C2026-00001",
          channel: "online",
          receivedAt: iso(T0),
          request: "请说明消防车为何14分钟才到。",
          facts: "水渍损失。",
          resident: { name: "王秀英", contact: "13912345678" },
          accessCodeHash: "ab".repeat(32),
        }),
        caseEvent(2, "case.accepted", {}),
        caseEvent(3, "case.paused", { reason: "听证" }),
        caseEvent(4, "case.resumed", {}),
      ];
      const folded = foldStream("case", events as NewStreamEvent<"case">[]);
      const record: StreamRecord = { streamType: "case", streamId: "C2026-00001", state: folded, updatedAt: iso(T0) };
      await store.commit({ events, streams: [record] });

      expect((await store.getStreamEvents("case", "C2026-00001")).map(({ position: _position, ...event }) => event)).toEqual(events);
      expect(await store.getStream("case", "C2026-00001")).toEqual(record);
      expect(await store.getStream("case", "C2026-00002")).toBeNull();
      expect(await store.listStreams("case")).toEqual([record]);
      expect(await store.listStreams("run_card")).toEqual([]);
    });
  });

  describe("streams found by a lookup key", () => {
    it("finds an explanation by the token its state carries once published, and nothing before or for another key", async () => {
      const content = {
        facts: { incidentNumber: "2025-a", incidentType: "structure_fire" as const, area: null, timeline: [], intervals: [], cause: "under_investigation" as const, unitsSent: 0 },
        texts: Object.fromEntries((["zh-CN", "zh-TW", "en"] as const).map((language) => [language, { title: "t", summary: "", response: "", decisions: [], known: "", unknown: "", contact: "" }])) as unknown as StreamRecord<"explanation">["state"]["content"]["texts"],
        languages: ["en" as const],
        ownerAgreedAddress: false,
      };
      const explanation = (token: string | undefined): StreamRecord<"explanation"> => ({
        streamType: "explanation",
        streamId: "x-1",
        state: {
          id: "x-1", incidentId: "a", incidentNumber: "2025-a", status: token ? "published" : "draft", content, authors: ["u-1"],
          createdBy: "pr1", createdAt: iso(T0), updatedAt: iso(T0), versions: [], lastSeq: 1, lastHash: "x",
          ...(token ? { token } : {}),
        },
        updatedAt: iso(T0),
      });
      await store.commit({ streams: [explanation(undefined)] });
      expect(await store.findStreamByLookupKey("explanation", "tok-123")).toBeNull();
      await store.commit({ streams: [explanation("tok-123")] });
      expect(await store.findStreamByLookupKey("explanation", "tok-123")).toEqual(explanation("tok-123"));
      expect(await store.findStreamByLookupKey("explanation", "tok-999")).toBeNull();
      expect(await store.findStreamByLookupKey("run_card", "tok-123")).toBeNull();
    });
  });

  describe("users and sessions", () => {
    it("creates users, finds them by id and username, counts them and rejects a taken username", async () => {
      expect(await store.countUsers()).toBe(0);
      await store.createUser(user("user-1", "kim"));
      await store.createUser({ ...user("user-2", "lee"), role: "crew", unitId: "u1", displayName: null });

      expect(await store.getUser("user-1")).toEqual(user("user-1", "kim"));
      expect(await store.getUserByUsername("lee")).toEqual({
        ...user("user-2", "lee"),
        role: "crew",
        unitId: "u1",
        displayName: null,
      });
      expect(await store.getUserByUsername("park")).toBeNull();
      expect(await store.countUsers()).toBe(2);
      expect((await store.listUsers()).map((record) => record.username).sort()).toEqual(["kim", "lee"]);

      await expectUniqueViolation(store.createUser(user("user-3", "kim")), "username");
      expect(await store.getUser("user-3")).toBeNull();
      expect(await store.countUsers()).toBe(2);
    });

    it("replaces one user's password hash and nothing else", async () => {
      await store.createUser(user("user-1", "kim"));
      await store.createUser(user("user-2", "lee"));
      await store.setUserPasswordHash("user-1", "$argon2id$v=19$new-hash");
      expect(await store.getUser("user-1")).toEqual({ ...user("user-1", "kim"), passwordHash: "$argon2id$v=19$new-hash" });
      expect(await store.getUser("user-2")).toEqual(user("user-2", "lee"));
    });

    it("creates, reads and revokes sessions, counting only the ones a user-wide revoke changed", async () => {
      const session = (tokenHash: string, userId: string) => ({
        tokenHash,
        userId,
        createdAt: iso(T0),
        expiresAt: iso(T0 + 3_600_000),
        revokedAt: null,
      });
      await store.createSession(session("t1", "user-1"));
      await store.createSession(session("t2", "user-1"));
      await store.createSession(session("t3", "user-1"));
      await store.createSession(session("t4", "user-2"));
      expect(await store.getSession("t1")).toEqual(session("t1", "user-1"));
      expect(await store.getSession("t-missing")).toBeNull();

      await store.revokeSession("t1", iso(T0 + 10));
      expect((await store.getSession("t1"))?.revokedAt).toBe(iso(T0 + 10));
      await store.revokeSession("t1", iso(T0 + 15));
      expect((await store.getSession("t1"))?.revokedAt).toBe(iso(T0 + 10));

      expect(await store.revokeUserSessions("user-1", iso(T0 + 20))).toBe(2);
      expect((await store.getSession("t1"))?.revokedAt).toBe(iso(T0 + 10));
      expect((await store.getSession("t2"))?.revokedAt).toBe(iso(T0 + 20));
      expect((await store.getSession("t3"))?.revokedAt).toBe(iso(T0 + 20));
      expect((await store.getSession("t4"))?.revokedAt).toBeNull();
      expect(await store.revokeUserSessions("user-1", iso(T0 + 30))).toBe(0);
    });

    it("replaces a password and revokes the user's other sessions together, only while the hash read is still stored", async () => {
      const session = (tokenHash: string, userId: string, revokedAt: string | null = null) => ({
        tokenHash,
        userId,
        createdAt: iso(T0),
        expiresAt: iso(T0 + 3_600_000),
        revokedAt,
      });
      const kim = user("user-1", "kim");
      await store.createUser(kim);
      await store.createUser(user("user-2", "lee"));
      for (const tokenHash of ["mine", "other-1", "other-2"]) await store.createSession(session(tokenHash, "user-1"));
      await store.createSession(session("revoked-before", "user-1", iso(T0 + 5)));
      await store.createSession(session("lee", "user-2"));

      const change = {
        userId: "user-1",
        expectedHash: kim.passwordHash,
        newHash: "$argon2id$v=19$changed",
        at: iso(T0 + 10),
        passwordChangeRequiredAt: null,
      };
      expect(await store.replacePassword({ ...change, keepSession: "mine" })).toBe(2);
      expect((await store.getUser("user-1"))?.passwordHash).toBe("$argon2id$v=19$changed");
      expect((await store.getSession("mine"))?.revokedAt).toBeNull();
      expect((await store.getSession("other-1"))?.revokedAt).toBe(iso(T0 + 10));
      expect((await store.getSession("other-2"))?.revokedAt).toBe(iso(T0 + 10));
      expect((await store.getSession("revoked-before"))?.revokedAt).toBe(iso(T0 + 5));
      expect((await store.getSession("lee"))?.revokedAt).toBeNull();

      // A second change that read the old hash lost the race: nothing of it is written.
      expect(await store.replacePassword({ ...change, newHash: "$argon2id$v=19$late", keepSession: null })).toBeNull();
      expect((await store.getUser("user-1"))?.passwordHash).toBe("$argon2id$v=19$changed");
      expect((await store.getSession("mine"))?.revokedAt).toBeNull();

      // An admin's reset keeps no session, and may ask for the person's own password at the next login.
      const reset = { ...change, expectedHash: "$argon2id$v=19$changed", newHash: "$argon2id$v=19$reset", at: iso(T0 + 20) };
      expect(await store.replacePassword({ ...reset, keepSession: null, passwordChangeRequiredAt: iso(T0 + 20) })).toBe(1);
      expect((await store.getSession("mine"))?.revokedAt).toBe(iso(T0 + 20));
      expect(await store.getUser("user-1")).toEqual({ ...kim, passwordHash: "$argon2id$v=19$reset", passwordChangeRequiredAt: iso(T0 + 20) });
      // The person's own change clears it.
      const own = { ...change, expectedHash: "$argon2id$v=19$reset", newHash: "$argon2id$v=19$own", at: iso(T0 + 30) };
      expect(await store.replacePassword({ ...own, keepSession: null })).toBe(0);
      expect((await store.getUser("user-1"))?.passwordChangeRequiredAt).toBeNull();
      expect((await store.getUser("user-2"))).toEqual(user("user-2", "lee"));
    });
  });

  describe("maintenance", () => {
    it("prunes operation records created before a time, oldest first, at most `limit` at a time", async () => {
      const at = (opId: string, ms: number): OpRecord => ({ ...op(opId), createdAt: iso(ms) });
      await store.commit({ ops: [at("op-3", T0 + 3000), at("op-1", T0 + 1000), at("op-2", T0 + 2000), at("op-4", T0 + 4000)] });

      expect(await store.pruneOps(iso(T0 + 3500), 2)).toBe(2);
      expect(await store.getOp("op-1")).toBeNull();
      expect(await store.getOp("op-2")).toBeNull();
      expect(await store.getOp("op-3")).toEqual(at("op-3", T0 + 3000));
      expect(await store.pruneOps(iso(T0 + 3500), 2)).toBe(1);
      expect(await store.getOp("op-3")).toBeNull();
      // Strictly before: a record created at the cut-off stays.
      expect(await store.pruneOps(iso(T0 + 4000), 10)).toBe(0);
      expect(await store.getOp("op-4")).toEqual(at("op-4", T0 + 4000));
      // A pruned opId can be used again.
      await store.commit({ ops: [at("op-1", T0 + 5000)] });
      expect(await store.getOp("op-1")).toEqual(at("op-1", T0 + 5000));
    });

    it("prunes sessions that expired before a time, revoked or not, at most `limit` at a time", async () => {
      const session = (tokenHash: string, expiresMs: number, revokedAt: string | null = null) => ({
        tokenHash,
        userId: "user-1",
        createdAt: iso(T0),
        expiresAt: iso(expiresMs),
        revokedAt,
      });
      await store.createSession(session("old", T0 + 1000));
      await store.createSession(session("old-revoked", T0 + 2000, iso(T0 + 500)));
      await store.createSession(session("live", T0 + 9000));
      await store.createSession(session("live-revoked", T0 + 9000, iso(T0 + 500)));

      expect(await store.pruneSessions(iso(T0 + 5000), 1)).toBe(1);
      expect(await store.getSession("old")).toBeNull();
      expect(await store.pruneSessions(iso(T0 + 5000), 10)).toBe(1);
      expect(await store.getSession("old-revoked")).toBeNull();
      expect(await store.pruneSessions(iso(T0 + 5000), 10)).toBe(0);
      // A revoked session is kept until it would have expired: it still answers token_revoked until then.
      expect(await store.getSession("live-revoked")).toEqual(session("live-revoked", T0 + 9000, iso(T0 + 500)));
      expect(await store.getSession("live")).toEqual(session("live", T0 + 9000));
    });
  });

  describe("leases", () => {
    it("gives a lease to one holder at a time, renews it for that holder, and hands it over only after expiry", async () => {
      // A second store on the same data: another server instance.
      const other = leg.make();
      await other.init();
      try {
        const now = 1_700_000_000_000;
        const [a, b] = await Promise.all([
          store.acquireLease("alerts", "instance-a", now, 10_000),
          other.acquireLease("alerts", "instance-b", now, 10_000),
        ]);
        expect([a.acquired, b.acquired].filter(Boolean)).toHaveLength(1);
        const [winner, loser, winnerStore, loserStore] = a.acquired
          ? (["instance-a", "instance-b", store, other] as const)
          : (["instance-b", "instance-a", other, store] as const);
        expect(await loserStore.getLease("alerts")).toEqual({ name: "alerts", holder: winner, expiresAtMs: now + 10_000, renewedAtMs: now });

        // The holder renews; the other is refused until expiry and learns who holds it.
        const renewed = await winnerStore.acquireLease("alerts", winner, now + 3_000, 10_000);
        expect(renewed).toEqual({ acquired: true, previous: { name: "alerts", holder: winner, expiresAtMs: now + 10_000, renewedAtMs: now } });
        const refused = await loserStore.acquireLease("alerts", loser, now + 12_000, 10_000);
        expect(refused).toEqual({ acquired: false, previous: { name: "alerts", holder: winner, expiresAtMs: now + 13_000, renewedAtMs: now + 3_000 } });
        expect(await winnerStore.acquireLease("other", loser, now, 10_000)).toEqual({ acquired: true, previous: null });

        // Expired: the other takes it and sees up to when the old holder renewed.
        const taken = await loserStore.acquireLease("alerts", loser, now + 13_000, 10_000);
        expect(taken).toEqual({ acquired: true, previous: { name: "alerts", holder: winner, expiresAtMs: now + 13_000, renewedAtMs: now + 3_000 } });
        expect((await winnerStore.acquireLease("alerts", winner, now + 14_000, 10_000)).acquired).toBe(false);

        // A clean shutdown gives it up at once; releasing a lease one does not hold changes nothing.
        await winnerStore.releaseLease("alerts", winner);
        expect((await winnerStore.getLease("alerts"))?.holder).toBe(loser);
        await loserStore.releaseLease("alerts", loser);
        expect((await winnerStore.acquireLease("alerts", winner, now + 14_000, 10_000)).acquired).toBe(true);
        expect(await store.getLease("missing")).toBeNull();
      } finally {
        await other.close();
      }
    });
  });

  describe("scanning the log for verification", () => {
    it("returns every event in position order with its place and hashes, page by page", async () => {
      const stored = await store.commit({ events: [createdEvent("inc-1"), noteEvent("inc-1", 2), noteEvent("inc-1", 3)] });
      const first = await store.scanEvents(0, 2);
      const rest = await store.scanEvents(first[first.length - 1]?.position ?? 0, 10);
      const scanned = [...first, ...rest];
      expect(scanned.map((entry) => entry.event)).toEqual(stored);
      expect(
        scanned.map(({ position, streamType, streamId, seq, prevHash, hash, unreadable }) => ({ position, streamType, streamId, seq, prevHash, hash, unreadable })),
      ).toEqual(
        stored.map(({ position, streamType, streamId, seq, prevHash, hash }) => ({ position, streamType, streamId, seq, prevHash, hash, unreadable: undefined })),
      );
      expect(await store.scanEvents(stored[2]?.position ?? 0, 10)).toEqual([]);
      expect(await store.scanEvents(0, 0)).toEqual([]);
    });
  });

  describe("counters and settings", () => {
    it("increments each named counter from 1 independently", async () => {
      expect(await store.nextSequence("incident-2025")).toBe(1);
      expect(await store.nextSequence("incident-2025")).toBe(2);
      expect(await store.nextSequence("incident-2026")).toBe(1);
      expect(await store.nextSequence("incident-2025")).toBe(3);
    });

    it("moves a counter inside a commit only when it still has the value read, and not at all on rollback", async () => {
      expect(await store.getSequence("incident-number-2025")).toBe(0);
      await store.commit({
        events: [createdEvent("inc-1")],
        incidents: [incident("inc-1")],
        counters: [{ name: "incident-number-2025", from: 0, to: 1 }],
      });
      expect(await store.getSequence("incident-number-2025")).toBe(1);

      // A stale read (someone moved the counter since): nothing of the commit lands.
      await expect(
        store.commit({
          events: [createdEvent("inc-2")],
          incidents: [incident("inc-2")],
          counters: [{ name: "incident-number-2025", from: 0, to: 1 }],
        }),
      ).rejects.toBeInstanceOf(UniqueViolationError);
      await store.nextSequence("incident-number-2025");
      await expect(
        store.commit({ events: [createdEvent("inc-3")], counters: [{ name: "incident-number-2025", from: 1, to: 2 }] }),
      ).rejects.toBeInstanceOf(UniqueViolationError);
      expect(await store.getIncident("inc-2")).toBeNull();
      expect(await store.getStreamEvents("incident", "inc-3")).toEqual([]);

      // A commit that fails for another reason does not move the counter either.
      await expect(
        store.commit({
          events: [createdEvent("inc-1")],
          counters: [{ name: "incident-number-2025", from: 2, to: 3 }],
        }),
      ).rejects.toBeInstanceOf(UniqueViolationError);
      expect(await store.getSequence("incident-number-2025")).toBe(2);

      await store.commit({ events: [createdEvent("inc-4")], counters: [{ name: "incident-number-2025", from: 2, to: 3 }] });
      expect(await store.getSequence("incident-number-2025")).toBe(3);
      expect(await store.getSequence("incident-number-2026")).toBe(0);
    });

    it("round-trips JSON settings and returns null for an unknown key", async () => {
      expect(await store.getSetting("recommend")).toBeNull();
      const value = { radiusKm: 5, types: ["engine", "ladder"], nested: { on: true, empty: {} } };
      await store.putSetting("recommend", value);
      expect(await store.getSetting<typeof value>("recommend")).toEqual(value);
      await store.putSetting("recommend", { radiusKm: 8 });
      expect(await store.getSetting("recommend")).toEqual({ radiusKm: 8 });
      await store.putSetting("flag", false);
      expect(await store.getSetting("flag")).toBe(false);
    });
  });

  describe("lifecycle", () => {
    it("answers a ping when open", async () => {
      expect(await store.ping()).toMatchObject({ ok: true });
    });

    it("classifies a closed store's errors as unavailable, and a unique violation or a bug as not", async () => {
      await store.createUser(user("user-1", "kim"));
      const duplicate = await store.createUser(user("user-2", "kim")).catch((error: unknown) => error);
      expect(duplicate).toBeInstanceOf(UniqueViolationError);
      expect(store.isUnavailableError(duplicate)).toBe(false);
      expect(store.isUnavailableError(new TypeError("x is undefined"))).toBe(false);
      await store.close();
      expect(await store.ping()).toMatchObject({ ok: false });
      const closed = await store.getUser("user-1").catch((error: unknown) => error);
      expect(closed).toBeInstanceOf(Error);
      expect(store.isUnavailableError(closed)).toBe(true);
      store = leg.make();
      await store.init();
    });

    it("keeps everything after close and re-open on the same data", async () => {
      const [created] = await store.commit({
        events: [createdEvent("inc-1")],
        incidents: [incident("inc-1")],
        calls: [call("call-1")],
        units: [unit("u1")],
        ops: [op("op-1")],
      });
      await store.createUser(user("user-1", "kim"));
      await store.nextSequence("incident-2025");
      await store.putSetting("theme", "dark");
      await store.close();

      store = leg.make();
      await store.init();
      expect(await store.getStreamEvents("incident", "inc-1")).toEqual([created]);
      expect(await store.getLastPosition()).toBe(created?.position);
      expect(await store.getIncident("inc-1")).toEqual(incident("inc-1"));
      expect(await store.getCall("call-1")).toEqual(call("call-1"));
      expect(await store.getUnit("u1")).toEqual(unit("u1", { version: 1 }));
      expect(await store.getOp("op-1")).toEqual(op("op-1"));
      expect(await store.getUserByUsername("kim")).toEqual(user("user-1", "kim"));
      expect(await store.nextSequence("incident-2025")).toBe(2);
      expect(await store.getSetting("theme")).toBe("dark");

      const [next] = await store.commit({ events: [noteEvent("inc-1", 2)] });
      expect(next?.position).toBeGreaterThan(created?.position ?? Infinity);
    });
  });
});

describe("sqlite schema upgrade", () => {
  it("brings a version 1 file (lat/lng NOT NULL) up to date, keeps its incidents, then stores one without a position", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "store-upgrade-"));
    const file = path.join(dir, "dispatch.sqlite");
    fs.copyFileSync(path.resolve("test/fixtures/schema-v1.sqlite"), file);
    try {
      const { default: Database } = await import("better-sqlite3");
      const old = new Database(file, { readonly: true });
      const before = old
        .prepare<[], { id: string; lat: number; lng: number; received_at_ms: number }>(`SELECT id, lat, lng, received_at_ms FROM incidents ORDER BY id`)
        .all();
      old.close();
      expect(before.length).toBeGreaterThan(0);

      const store = new SqliteStore(file);
      await store.init();
      for (const row of before) {
        expect((await store.getIncident(row.id))?.lat).toBe(row.lat);
        // Found by the duplicate lookup's grid cells, which the upgrade computed for incidents stored without them.
        const near = await store.findIncidentsInWindow({
          fromMs: row.received_at_ms,
          toMs: row.received_at_ms,
          minLat: row.lat - 0.0005,
          maxLat: row.lat + 0.0005,
          minLng: row.lng - 0.0005,
          maxLng: row.lng + 0.0005,
          statuses: ["open", "closed", "merged"],
          limit: 50,
        });
        expect(ids(near)).toContain(row.id);
      }
      const unplaced = { ...incident("new-1"), lat: null, lng: null };
      await store.commit({ incidents: [unplaced] });
      expect(await store.getIncident("new-1")).toEqual(unplaced);
      // Accounts made before version 8 were asked nothing; accounts made after keep what they were asked.
      const users = await store.listUsers();
      expect(users.length).toBeGreaterThan(0);
      for (const old of users) expect(old.passwordChangeRequiredAt).toBeNull();
      await store.createUser({ ...user("user-new", "new-kim"), passwordChangeRequiredAt: iso(T0) });
      expect((await store.getUser("user-new"))?.passwordChangeRequiredAt).toBe(iso(T0));
      await store.close();
      const reopened = new Database(file, { readonly: true });
      expect(reopened.prepare(`SELECT value FROM meta WHERE key = 'schema_version'`).get()).toEqual({ value: "8" });
      reopened.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the MongoDB leg's database URL", () => {
  it("puts a fresh database in the path of single-host, seed-list and SRV URLs and keeps their options", () => {
    expect(withDatabase("mongodb://localhost:27017/?replicaSet=rs0", "t1")).toBe("mongodb://localhost:27017/t1?replicaSet=rs0");
    expect(withDatabase("mongodb://a:27017,b:27017,c:27017/dispatch?replicaSet=rs0&w=majority", "t1")).toBe(
      "mongodb://a:27017,b:27017,c:27017/t1?replicaSet=rs0&w=majority",
    );
    expect(withDatabase("mongodb://user:p%40ss%2F@localhost", "t1")).toBe("mongodb://user:p%40ss%2F@localhost/t1");
    expect(withDatabase("mongodb+srv://cluster0.example.net/?retryWrites=true", "t1")).toBe("mongodb+srv://cluster0.example.net/t1?retryWrites=true");
    expect(() => withDatabase("postgres://localhost/x", "t1")).toThrow(/MONGO_URL/);
  });
});
