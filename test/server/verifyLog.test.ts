// Tampering with a copy of a database file written by the real server, then running `verify-log` as the real CLI
// (a child process) on the copy: each kind of tampering is reported with its stream, seq and position, the check
// keeps going after the first problem, and the exit code says so. The tamperer knows the public hash algorithm.
import { spawn, type ChildProcess } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CallIntakeResult } from "../../shared/api";
import type { IncidentEvent } from "../../shared/events";
import { foldStream } from "../../shared/streams";
import { signCheckpoint, toSigningKey, bodyOf, type CheckpointFile } from "../../server/core/checkpoints";
import { toIncidentRecord } from "../../server/core/commitBuilder";
import { hashEvent } from "../../server/core/hashChain";
import type { EventRow } from "../../server/store/sqlite";
import { north, opId, phoneCall } from "../helpers/factories";
import { startTestServer, type TestServer } from "../helpers/server";
import { runScript } from "../helpers/process";

const roots: string[] = [];
let original = "";
/** Incident ids in the order they were created. */
const incidents: string[] = [];

async function takeCall(server: TestServer, index: number): Promise<string> {
  const response = await server.api<CallIntakeResult>("POST", "/calls", {
    token: server.adminToken,
    body: phoneCall({ location: north({ lat: 37.7, lng: -122.45 }, index * 5000), description: `fire ${index}` }),
  });
  expect(response.status).toBe(201);
  return response.body.incident.id;
}

beforeAll(async () => {
  original = fs.mkdtempSync(path.join(os.tmpdir(), "verify-log-"));
  roots.push(original);
  // First run: five incidents, a dispatch with a status, a note.
  const first = await startTestServer({ dataDir: original });
  await first.createUnit("E1");
  for (let i = 0; i < 5; i++) incidents.push(await takeCall(first, i));
  expect((await first.api("POST", `/incidents/${incidents[0]}/dispatch`, { token: first.adminToken, body: { unitIds: ["E1"], opId: opId() } })).status).toBe(200);
  expect((await first.api("POST", "/units/E1/status", { token: first.adminToken, body: { status: "en_route", opId: opId() } })).status).toBe(200);
  expect((await first.api("POST", `/incidents/${incidents[1]}/notes`, { token: first.adminToken, body: { opId: opId(), text: "hydrant" } })).status).toBe(200);
  await first.close();
  // Second run on the same data: more events after the first run's checkpoints.
  const second = await startTestServer({ dataDir: original });
  expect((await second.api("POST", `/incidents/${incidents[2]}/notes`, { token: second.adminToken, body: { opId: opId(), text: "second run" } })).status).toBe(200);
  incidents.push(await takeCall(second, 5));
  await second.close();
}, 60_000);

afterAll(() => {
  for (const root of roots) fs.rmSync(root, { recursive: true, force: true });
});

/** A copy of the whole data directory (database, checkpoints, key), as a tamperer would start from. */
function copyOfData(): string {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), "verify-log-copy-"));
  roots.push(copy);
  fs.cpSync(original, copy, { recursive: true });
  return copy;
}

function openDb(dir: string): Database.Database {
  return new Database(path.join(dir, "dispatch.sqlite"));
}

function eventsOf(db: Database.Database, incidentId: string): IncidentEvent[] {
  return db
    .prepare<[string], EventRow>("SELECT * FROM events WHERE stream_type = 'incident' AND stream_id = ? ORDER BY seq")
    .all(incidentId)
    .map((row) => ({
      position: row.position,
      streamType: row.stream_type,
      streamId: row.stream_id,
      seq: row.seq,
      type: row.type,
      occurredAt: row.occurred_at,
      recordedAt: row.recorded_at,
      source: row.source,
      actor: JSON.parse(row.actor),
      payload: JSON.parse(row.payload),
      prevHash: row.prev_hash,
      hash: row.hash,
    }) as unknown as IncidentEvent);
}

/** What a careful tamperer does after changing events: store the state their fold gives, so reads agree. */
function refoldProjection(db: Database.Database, incidentId: string): void {
  const record = toIncidentRecord(foldStream("incident", eventsOf(db, incidentId)));
  db.prepare(
    `UPDATE incidents SET status = ?, number = ?, incident_type = ?, received_at_ms = ?, lat = ?, lng = ?, address_key = ?,
       external_id = ?, state = ? WHERE id = ?`,
  ).run(record.status, record.number, record.incidentType, record.receivedAtMs, record.lat, record.lng, record.addressKey, record.externalId, JSON.stringify(record.state), incidentId);
}

function lastEvent(db: Database.Database, incidentId: string): { position: number; seq: number } {
  return db.prepare<[string], { position: number; seq: number }>("SELECT position, seq FROM events WHERE stream_type = 'incident' AND stream_id = ? ORDER BY seq DESC LIMIT 1").get(incidentId)!;
}

function checkpointNames(dir: string): string[] {
  return fs.readdirSync(path.join(dir, "checkpoints")).filter((name) => name.endsWith(".json")).sort();
}

async function verifyLog(dataDir: string, env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  const result = await runScript("verifyLog", [], { PATH: process.env.PATH ?? "", DATA_DIR: dataDir, ...env });
  if (process.env.SHOW_VERIFY_OUTPUT) console.log(result.output);
  return result;
}

describe("npm run verify-log on a copy of a real database", () => {
  it("verifies an untouched database against every checkpoint", async () => {
    const dir = copyOfData();
    expect(checkpointNames(dir).length).toBeGreaterThanOrEqual(3);
    const { code, output } = await verifyLog(dir);
    expect(output).toMatch(/OK: \d+ events in streams \(6 incident[^)]*\); every hash chain verifies and every record equals its fold/);
    expect(output).toMatch(/(\d+) of \1 checkpoint\(s\) signed by the trusted key/);
    expect(code).toBe(0);
  });

  it("finds an edited stored state (the projection every read serves), naming the fields", async () => {
    const dir = copyOfData();
    const db = openDb(dir);
    const target = incidents[3]!;
    db.prepare(`UPDATE incidents SET state = json_set(state, '$.description', 'forged', '$.alarmLevel', 3) WHERE id = ?`).run(target);
    const last = lastEvent(db, target);
    db.close();
    const { code, output } = await verifyLog(dir);
    expect(output).toContain(
      `[projection] incident ${target} seq ${last.seq} position ${last.position}: the stored state differs from the fold of its events in: state.alarmLevel, state.description`,
    );
    expect(code).toBe(1);
  });

  it("finds the newest events of an incident deleted, by the hole in positions and by the checkpoints", async () => {
    const dir = copyOfData();
    const db = openDb(dir);
    const target = incidents[0]!;
    const last = lastEvent(db, target);
    db.prepare("DELETE FROM events WHERE stream_type = 'incident' AND stream_id = ? AND seq = ?").run(target, last.seq);
    refoldProjection(db, target);
    db.close();
    const { code, output } = await verifyLog(dir);
    expect(output).toContain(`[position_gap] position ${last.position}: positions ${last.position}..${last.position} are missing`);
    expect(output).toMatch(new RegExp(`\\[truncated\\] incident ${target} seq ${last.seq} position \\d+ checkpoint checkpoint-\\S+: the checkpoint signed seq ${last.seq}; the database has only up to seq ${last.seq - 1}`));
    expect(output).not.toContain("[chain]");
    expect(code).toBe(1);
  });

  it("finds events removed from the end of the whole log, which leaves no hole, by the checkpoints", async () => {
    const dir = copyOfData();
    const db = openDb(dir);
    const target = incidents[5]!;
    const last = lastEvent(db, target);
    db.prepare("DELETE FROM events WHERE stream_type = 'incident' AND stream_id = ? AND seq = ?").run(target, last.seq);
    refoldProjection(db, target);
    db.close();
    const { code, output } = await verifyLog(dir);
    expect(output).not.toContain("[position_gap]");
    expect(output).toContain(`[truncated] position ${last.position} checkpoint`);
    expect(output).toContain(`the log ends at position ${last.position - 1}, but this checkpoint covers up to ${last.position}`);
    expect(output).toContain(`[truncated] incident ${target} seq ${last.seq}`);
    expect(code).toBe(1);
  });

  it("finds a whole incident deleted (events, state and calls)", async () => {
    const dir = copyOfData();
    const db = openDb(dir);
    const target = incidents[1]!;
    const positions = db.prepare<[string], { position: number }>("SELECT position FROM events WHERE stream_type = 'incident' AND stream_id = ? ORDER BY position").all(target);
    const last = lastEvent(db, target);
    db.prepare("DELETE FROM events WHERE stream_type = 'incident' AND stream_id = ?").run(target);
    db.prepare("DELETE FROM incidents WHERE id = ?").run(target);
    db.prepare("DELETE FROM calls WHERE incident_id = ?").run(target);
    db.close();
    const { code, output } = await verifyLog(dir);
    expect(output).toContain(`[position_gap] position ${positions[0]!.position}`);
    expect(output).toMatch(new RegExp(`\\[stream_missing\\] incident ${target} seq ${last.seq} position \\d+ checkpoint checkpoint-\\S+: the checkpoint signed this stream up to seq ${last.seq}; the database has none of its events`));
    expect(code).toBe(1);
  });

  it("finds an event rewritten with the rest of its chain re-hashed and the state re-folded", async () => {
    const dir = copyOfData();
    const db = openDb(dir);
    const target = incidents[2]!;
    const events = eventsOf(db, target);
    const created = events[0]!;
    if (created.type !== "incident.created") throw new Error("expected incident.created first");
    created.payload.description = "nothing to see here";
    let prevHash = "";
    for (const event of events) {
      event.prevHash = prevHash;
      event.hash = hashEvent(prevHash, event);
      prevHash = event.hash;
      db.prepare("UPDATE events SET payload = ?, prev_hash = ?, hash = ? WHERE position = ?").run(JSON.stringify(event.payload), event.prevHash, event.hash, event.position);
    }
    refoldProjection(db, target);
    db.close();
    const { code, output } = await verifyLog(dir);
    expect(output).not.toContain("[chain]");
    expect(output).not.toContain("[projection]");
    // The first run's checkpoints signed seq 2 (before the note of the second run); the rewrite is found there.
    expect(output).toMatch(new RegExp(`\\[rewritten\\] incident ${target} seq 2 position \\d+ checkpoint checkpoint-\\S+: the checkpoint signed seq 2 at position \\d+ with hash [0-9a-f]{16}; the database has seq 2 at position \\d+ with hash [0-9a-f]{16}: an event at or before seq 2 was rewritten and re-chained`));
    expect(output).toMatch(/\[rewritten\] position \d+ checkpoint checkpoint-\S+: the stream heads at this position differ from what the latest checkpoint signed \(6 streams signed, 6 in the database\)/);
    expect(code).toBe(1);
  });

  it("names an unparsable stored event and keeps going to the next problem", async () => {
    const dir = copyOfData();
    const db = openDb(dir);
    const broken = lastEvent(db, incidents[3]!);
    db.prepare("UPDATE events SET payload = ? WHERE position = ?").run('{"callId": "cut off', broken.position);
    db.prepare(`UPDATE incidents SET state = json_set(state, '$.description', 'forged') WHERE id = ?`).run(incidents[4]!);
    const edited = lastEvent(db, incidents[4]!);
    db.close();
    const { code, output } = await verifyLog(dir);
    expect(output).toMatch(new RegExp(`\\[unreadable_event\\] incident ${incidents[3]} seq ${broken.seq} position ${broken.position}: the stored event does not parse: payload is not valid JSON \\(.+\\)`));
    expect(output).toContain(`[projection] incident ${incidents[3]} seq ${broken.seq} position ${broken.position}: not compared: the stream has an unreadable event`);
    expect(output).toContain(`[projection] incident ${incidents[4]} seq ${edited.seq} position ${edited.position}: the stored state differs from the fold of its events in: state.description`);
    expect(output).not.toMatch(/at .*\.ts:\d+/); // no stack trace
    expect(code).toBe(1);
  });

  it("finds a checkpoint file edited after it was signed", async () => {
    const dir = copyOfData();
    const name = checkpointNames(dir)[1]!;
    const file = path.join(dir, "checkpoints", name);
    const checkpoint = JSON.parse(fs.readFileSync(file, "utf8")) as CheckpointFile;
    fs.writeFileSync(file, JSON.stringify({ ...checkpoint, streams: checkpoint.streams - 1 }, null, 2));
    const { code, output } = await verifyLog(dir);
    expect(output).toContain(
      `[checkpoint_signature] position ${checkpoint.position} checkpoint ${name}: the signature does not verify with the trusted key: the file was changed after signing`,
    );
    expect(output).toContain("BROKEN: 1 problem(s)");
    expect(code).toBe(1);
  });

  it("finds a checkpoint re-signed with another key, whether or not it names that key", async () => {
    const dir = copyOfData();
    const [firstName, secondName] = checkpointNames(dir);
    const otherKey = toSigningKey(generateKeyPairSync("ed25519").privateKey);
    // Names the other key honestly.
    const firstFile = path.join(dir, "checkpoints", firstName!);
    const first = JSON.parse(fs.readFileSync(firstFile, "utf8")) as CheckpointFile;
    const forged = signCheckpoint({ ...bodyOf(first), publicKey: otherKey.publicKeyBase64, keyFingerprint: otherKey.fingerprint }, otherKey);
    fs.writeFileSync(firstFile, JSON.stringify(forged, null, 2));
    // Keeps the trusted key's name.
    const secondFile = path.join(dir, "checkpoints", secondName!);
    const second = JSON.parse(fs.readFileSync(secondFile, "utf8")) as CheckpointFile;
    fs.writeFileSync(secondFile, JSON.stringify(signCheckpoint(bodyOf(second), otherKey), null, 2));

    const { code, output } = await verifyLog(dir);
    expect(output).toMatch(new RegExp(`\\[checkpoint_signature\\] position \\d+ checkpoint ${firstName}: signed by another key \\([0-9a-f ]{19}\\), not the trusted key`));
    expect(output).toContain(`checkpoint ${secondName}: the signature does not verify with the trusted key`);
    expect(code).toBe(1);
  });

  it("checks with a public key given on its own, and reports a checkpoint removed from the chain", async () => {
    const dir = copyOfData();
    const publicKey = toSigningKey(
      (await import("../../server/core/checkpoints")).parsePrivateKey(fs.readFileSync(path.join(dir, "checkpoint-signing-key.pem"), "utf8")),
    ).publicKey.export({ type: "spki", format: "pem" }) as string;
    fs.rmSync(path.join(dir, "checkpoint-signing-key.pem"));
    const names = checkpointNames(dir);
    fs.rmSync(path.join(dir, "checkpoints", names[1]!));
    const { code, output } = await verifyLog(dir, { CHECKPOINT_PUBLIC_KEY: publicKey });
    expect(output).toContain(`[checkpoint_chain]`);
    expect(output).toContain(`checkpoint ${names[2]}: does not follow ${names[0]}: a checkpoint between them was removed or replaced`);
    expect(code).toBe(1);
  });
});

/** Starts the real server process on `dataDir`; resolves when `until` matches its output (or rejects after 20 s). */
async function serverOutputUntil(dataDir: string, until: (output: string) => boolean): Promise<string> {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "server/scripts/start.ts"], {
    env: { PATH: process.env.PATH ?? "", DATA_DIR: dataDir, PORT: "0", HOST: "127.0.0.1", BUILD_CLIENT: "never", LOG_LEVEL: "info", ADMIN_USERNAME: "admin", ADMIN_PASSWORD: "unused-here-123" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  try {
    return await new Promise<string>((resolve, reject) => {
      let output = "";
      const timer = setTimeout(() => reject(new Error(`server output did not match in time:\n${output}`)), 20_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (until(output)) {
          clearTimeout(timer);
          resolve(output);
        }
      };
      child.stdout?.on("data", onData);
      child.stderr?.on("data", onData);
    });
  } finally {
    child.kill("SIGKILL");
  }
}

describe("the server at start", () => {
  it("says so when the database no longer matches its last checkpoint, and is quiet when it does", async () => {
    const untouched = copyOfData();
    const before = checkpointNames(untouched).length;
    const quiet = await serverOutputUntil(untouched, () => checkpointNames(untouched).length > before);
    expect(quiet).toContain("listening on");
    expect(quiet).not.toContain("no longer matches");

    const dir = copyOfData();
    const db = openDb(dir);
    const target = incidents[4]!;
    const events = eventsOf(db, target);
    const created = events[0]!;
    if (created.type !== "incident.created") throw new Error("expected incident.created first");
    created.payload.alarmLevel = 2;
    let prevHash = "";
    for (const event of events) {
      event.prevHash = prevHash;
      event.hash = hashEvent(prevHash, event);
      prevHash = event.hash;
      db.prepare("UPDATE events SET payload = ?, prev_hash = ?, hash = ? WHERE position = ?").run(JSON.stringify(event.payload), event.prevHash, event.hash, event.position);
    }
    refoldProjection(db, target);
    db.close();
    const last = checkpointNames(dir).at(-1)!;
    const output = await serverOutputUntil(dir, (text) => text.includes("no longer matches"));
    const errorLine = output.split("\n").find((line) => line.includes("no longer matches")) ?? "";
    expect(JSON.parse(errorLine)).toMatchObject({ level: "error", msg: expect.stringContaining(`checkpoints: the log no longer matches ${last}`) });
  }, 60_000);
});
