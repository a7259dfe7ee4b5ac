// A database written by the previous schema (test/fixtures/schema-v1.sqlite, made by main before the log held
// streams: incidents with calls, a merge, a transfer, dispatches and statuses) is brought up to date on start
// with nothing lost, every chain still verifying, and new writes continuing the same log.
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CallIntakeResult, IncidentDetailView } from "../../shared/api";
import type { LogEvent } from "../../shared/events";
import { verifyStoreLog } from "../../server/scripts/verifyLog";
import { startTestServer, type TestServer } from "../helpers/server";

const FIXTURE = path.join(import.meta.dirname, "../fixtures/schema-v1.sqlite");

interface V1Event {
  position: number;
  incident_id: string;
  seq: number;
  type: string;
  hash: string;
}

let dataDir: string;
let before: V1Event[];
let server: TestServer;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "dispatch-migration-"));
  fs.copyFileSync(FIXTURE, path.join(dataDir, "dispatch.sqlite"));
  const v1 = new Database(path.join(dataDir, "dispatch.sqlite"), { readonly: true });
  before = v1.prepare<[], V1Event>("SELECT position, incident_id, seq, type, hash FROM events ORDER BY position").all();
  v1.close();
  server = await startTestServer({ dataDir });
});
afterAll(() => server?.close());

describe("migrating a schema-1 database", () => {
  it("keeps every event with its position, seq and hash, as incident streams, and says so in the schema version", async () => {
    expect(before.length).toBeGreaterThan(10);
    const log = await server.api<{ events: LogEvent[] }>("GET", "/events?after=0&limit=1000", { token: server.adminToken });
    const after = log.body.events.slice(0, before.length);
    expect(after.map((event) => [event.position, event.streamType, event.streamId, event.seq, event.type, event.hash])).toEqual(
      before.map((event) => [event.position, "incident", event.incident_id, event.seq, event.type, event.hash]),
    );
    const db = new Database(path.join(dataDir, "dispatch.sqlite"), { readonly: true });
    expect(db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'schema_version'").get()?.value).toBe("8");
    db.close();
  });

  it("serves the old incidents as before: calls with caller data for the console, the merge, the intervals", async () => {
    const merged = await server.api<IncidentDetailView>("GET", "/incidents/2026-00001", { token: server.adminToken });
    expect(merged.status).toBe(200);
    expect(merged.body.status).toBe("closed");
    expect(merged.body.calls.map((call) => call.callerName).sort()).toEqual(["Li Na", "Zhang Wei"]);
    expect(merged.body.mergedFrom).toEqual(["2026-00002"]);
    expect(merged.body.intervals.totalResponse).not.toBeNull();
  });

  it("verifies every chain and every projection after the migration, and after new writes", async () => {
    const migrated = await verifyStoreLog(server.server.store);
    expect(migrated.problems).toEqual([]);
    expect(migrated.streams.incident).toBe(3);

    const created = await server.api<CallIntakeResult>("POST", "/calls", {
      token: server.adminToken,
      body: { intakeId: randomUUID(), source: "phone", location: { lat: 37.77, lng: -122.41 }, incidentType: "alarm" },
    });
    expect(created.status).toBe(201);
    // Numbering and positions continue where the old file left off.
    expect(created.body.incident.number).toBe("2026-00004");
    const put = await server.api("PUT", "/run-cards/alarm", {
      token: server.adminToken,
      body: { levels: [{ alarmLevel: 1, units: [{ type: "engine", count: 2 }] }] },
    });
    expect(put.status).toBe(200);
    const log = await server.api<{ events: LogEvent[] }>("GET", `/events?after=${before.length}&limit=10`, { token: server.adminToken });
    expect(log.body.events.map((event) => [event.position, event.streamType])).toEqual([
      [before.length + 1, "incident"],
      [before.length + 2, "incident"],
      [before.length + 3, "run_card"],
    ]);
    const afterWrites = await verifyStoreLog(server.server.store);
    expect(afterWrites.problems).toEqual([]);
    expect(afterWrites.streams).toMatchObject({ incident: 4, run_card: 1 });
  });

  it("keeps the units, now with a version, and lets them be dispatched", async () => {
    const unit = await server.server.store.getUnit("E2");
    expect(unit).toMatchObject({ status: "dispatched", version: 1 });
  });
});
