// Evidence bundles and checkpoint digests through the real server, and the bundle checked by the real
// `verify-bundle` CLI with the server stopped and its data directory gone.
import { generateKeyPairSync } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CallIntakeResult } from "../../shared/api";
import { readCheckpointDir } from "../../server/core/checkpoints";
import type { EvidenceBundle } from "../../server/services/evidence";
import { verifyBundle } from "../../server/scripts/verifyBundle";
import { opId, phoneCall } from "../helpers/factories";
import { startTestServer, type Account, type TestServer } from "../helpers/server";
import { runScript } from "../helpers/process";

let server: TestServer;
let serverRunning = false;
let supervisor: Account;
let dispatcher: Account;
let incidentId = "";
const work = fs.mkdtempSync(path.join(os.tmpdir(), "evidence-"));
const checkpointDir = path.join(work, "checkpoints-elsewhere");

beforeAll(async () => {
  server = await startTestServer({ env: { CHECKPOINT_DIR: checkpointDir, TIME_ZONE: "UTC" } });
  serverRunning = true;
  supervisor = await server.createAccount("supervisor");
  dispatcher = await server.createAccount("dispatcher");
  await server.createUnit("E7");
  const call = await server.api<CallIntakeResult>("POST", "/calls", { token: dispatcher.token, body: phoneCall() });
  incidentId = call.body.incident.id;
  // Other incidents, so that the proof that this one's head is in the checkpoint has steps.
  for (const lat of [37.5, 37.6, 37.9, 38.0]) {
    await server.api("POST", "/calls", { token: dispatcher.token, body: phoneCall({ location: { lat, lng: -122.3 } }) });
  }
  await server.api("POST", `/incidents/${incidentId}/dispatch`, { token: dispatcher.token, body: { unitIds: ["E7"], opId: opId() } });
}, 30_000);

afterAll(async () => {
  if (serverRunning) await server.close();
  fs.rmSync(work, { recursive: true, force: true });
});

async function fetchBundle(token: string, id = incidentId) {
  const response = await fetch(`${server.url}/api/v1/incidents/${id}/evidence`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

const verifyBundleCli = (file: string, extra: string[] = []) => runScript("verifyBundle", [file, ...extra], { PATH: process.env.PATH ?? "" });

/** Replaces the one character at the first occurrence of `anchor` + offset. */
function changeOneByte(text: string, anchor: string, offset = 0): string {
  const index = text.indexOf(anchor);
  if (index < 0) throw new Error(`${anchor} not in the bundle`);
  let at = index + offset;
  // In a number, change its last digit: a leading zero would no longer be JSON.
  if (/[0-9]/.test(text[at]!) && text[at - 1] === " ") while (/[0-9]/.test(text[at + 1] ?? "")) at++;
  const original = text[at]!;
  const replacement = /[0-9a-f]/.test(original) ? (original === "0" ? "1" : "0") : original === "a" ? "b" : "a";
  return `${text.slice(0, at)}${replacement}${text.slice(at + 1)}`;
}

describe("evidence bundles", () => {
  it("are for supervisors and admins only", async () => {
    expect((await fetchBundle(dispatcher.token)).status).toBe(403);
    const pr = await server.createAccount("pr");
    expect((await fetchBundle(pr.token)).status).toBe(403);
    expect((await fetchBundle(supervisor.token, "2099-99999")).status).toBe(404);
    expect((await fetch(`${server.url}/api/v1/incidents/${incidentId}/evidence`)).status).toBe(401);
  });

  it("write a fresh checkpoint so that every event of the incident is covered", async () => {
    await server.api("POST", `/incidents/${incidentId}/notes`, { token: dispatcher.token, body: { opId: opId(), text: "after the last checkpoint" } });
    const response = await fetchBundle(supervisor.token);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toBe(`attachment; filename="evidence-${incidentId}.json"`);
    const bundle = JSON.parse(response.text) as EvidenceBundle;
    const lastEvent = bundle.events[bundle.events.length - 1]!;
    expect(lastEvent.type).toBe("incident.note");
    expect(bundle.eventsNotCovered).toBe(0);
    expect(bundle.checkpoint.position).toBeGreaterThanOrEqual(lastEvent.position);
    expect(bundle.streamHead).toEqual({ streamType: "incident", streamId: incidentId, seq: lastEvent.seq, hash: lastEvent.hash, position: lastEvent.position });
    // The checkpoint in the bundle is the file written outside the database.
    const onDisk = readCheckpointDir(checkpointDir).flatMap((entry) => ("file" in entry ? [entry.file] : []));
    expect(onDisk).toContainEqual(bundle.checkpoint);
    expect(bundle.instructions.join("\n")).toContain("npm run verify-bundle");
  });

  it("verify offline with the server stopped, and a one-byte change anywhere that matters fails", async () => {
    const bundleText = (await fetchBundle(supervisor.token)).text;
    const keyPem = fs.readFileSync(path.join(server.dataDir, "checkpoint-signing-key.pem"), "utf8");
    await server.close();
    serverRunning = false;
    fs.rmSync(server.dataDir, { recursive: true, force: true });
    const file = path.join(work, "bundle.json");
    fs.writeFileSync(file, bundleText);

    const good = await verifyBundleCli(file);
    expect(good.output).toMatch(/VERIFIED: \d+ events of incident \S+; the chain is intact and covered by the signed checkpoint/);
    expect(good.code).toBe(0);

    // A one-byte change in an event's content (the description), via the real CLI.
    const edited = path.join(work, "edited.json");
    fs.writeFileSync(edited, changeOneByte(bundleText, '"description": "Smoke', 16));
    const bad = await verifyBundleCli(edited);
    expect(bad.output).toMatch(/FAILED: .*\n.*event seq 1 \(position \d+\): hash does not match its content \(edited\)/);
    expect(bad.code).toBe(1);

    // And everywhere else that carries a fact: every event field, the checkpoint, the head, the proof, the key.
    const bundle = JSON.parse(bundleText) as EvidenceBundle;
    expect(bundle.headsProof.length).toBeGreaterThan(1);
    const checkpointAt = bundleText.indexOf('"checkpoint": {');
    const anchors: [anchor: string, from: number][] = [
      ['"occurredAt": "', 0],
      ['"recordedAt": "', 0],
      ['"callerNumber": "+86 138 0000 000', 0],
      ['"unitId": "E', 0],
      ['"prevHash": "', bundleText.indexOf('"prevHash": ""') + 1], // the second event's: the first one's is empty
      ['"hash": "', 0],
      ['"position": ', checkpointAt],
      ['"streams": ', checkpointAt],
      ['"headsHash": "', checkpointAt],
      ['"signature": "', checkpointAt],
      ['"publicKey": "', checkpointAt],
      ['"keyFingerprint": "', checkpointAt],
      ['"createdAt": "', checkpointAt],
      ['"position": ', bundleText.indexOf('"streamHead": {')],
      ['"seq": ', bundleText.indexOf('"streamHead": {')],
      ['"side": "', 0],
      ['"hash": "', bundleText.indexOf('"headsProof": [')],
      ['"spkiBase64": "', 0],
    ];
    for (const [anchor, from] of anchors) {
      const at = bundleText.indexOf(anchor, from);
      const changed = changeOneByte(bundleText.slice(at), anchor, anchor.length);
      const anchorText = `${anchor} (after character ${from})`;
      if (at < 0) throw new Error(`${anchorText} is not in the bundle`);
      const changedText = bundleText.slice(0, at) + changed;
      let parsed: unknown;
      try {
        parsed = JSON.parse(changedText);
      } catch (error) {
        throw new Error(`${anchorText}: ${String(error)} near ${JSON.stringify(changedText.slice(at - 20, at + 60))}`);
      }
      const failures = verifyBundle(parsed as never).failures;
      expect(failures, `a one-byte change after ${anchorText}`).not.toEqual([]);
    }

    // With a key obtained separately: the right one verifies, another one does not.
    const trusted = path.join(work, "trusted.pem");
    const { createPublicKey } = await import("node:crypto");
    fs.writeFileSync(trusted, createPublicKey(keyPem).export({ type: "spki", format: "pem" }) as string);
    expect((await verifyBundleCli(file, ["--public-key", trusted])).code).toBe(0);
    const other = path.join(work, "other.pem");
    fs.writeFileSync(other, generateKeyPairSync("ed25519").publicKey.export({ type: "spki", format: "pem" }) as string);
    const foreign = await verifyBundleCli(file, ["--public-key", other]);
    expect(foreign.output).toContain("not the trusted key");
    expect(foreign.code).toBe(1);
  }, 30_000);
});

describe("the checkpoint digest", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { CHECKPOINT_DIR: path.join(work, "checkpoints-digest"), TIME_ZONE: "UTC" } });
  });
  afterAll(async () => {
    await server.close();
  });

  it("reads aloud the day's last checkpoint, as JSON or as a plain page to print", async () => {
    const admin = server.adminToken;
    const today = new Date().toISOString().slice(0, 10);
    await server.server.checkpoints.checkpoint();
    const json = await server.api<{ date: string; position: number; heads: string; key: string; text: string; headsHash: string }>(
      "GET",
      `/checkpoints/digest?date=${today}`,
      { token: admin },
    );
    expect(json.status).toBe(200);
    expect(json.body.date).toBe(today);
    expect(json.body.heads).toMatch(/^[0-9a-f]{4} [0-9a-f]{4} [0-9a-f]{4} [0-9a-f]{4}$/);
    expect(json.body.heads.replaceAll(" ", "")).toBe(json.body.headsHash.slice(0, 16));
    expect(json.body.key).toMatch(/^[0-9a-f]{4}( [0-9a-f]{4}){3}$/);

    const page = await fetch(`${server.url}/api/v1/checkpoints/digest?date=${today}&format=text`, { headers: { authorization: `Bearer ${admin}` } });
    expect(page.headers.get("content-type")).toMatch(/^text\/plain/);
    const text = await page.text();
    expect(text).toContain(`log position ${json.body.position}`);
    expect(text).toContain(`heads hash ${json.body.heads}`);
    expect(text).toContain(`signing key ${json.body.key}`);

    const dispatcherAccount = await server.createAccount("dispatcher");
    expect((await server.api("GET", `/checkpoints/digest?date=${today}`, { token: dispatcherAccount.token })).status).toBe(403);
    expect((await server.api("GET", "/checkpoints/digest?date=2026-13-45", { token: admin })).status).toBe(400);
    expect((await server.api("GET", "/checkpoints/digest?date=1999-01-01", { token: admin })).status).toBe(404);
  });
});
