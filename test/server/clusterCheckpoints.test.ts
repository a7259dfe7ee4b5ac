// Two app processes on one SQLite file and one CHECKPOINT_DIR, with a real Redis: both write start, periodic (every
// half second here) and evidence-bundle checkpoints while calls go through both; then one is killed with SIGKILL and
// the other goes on and shuts down cleanly. Their files must form one chain that `npm run verify-log` accepts; a
// checkpoint removed from the middle or edited after signing must still fail it.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { CallIntakeResult } from "../../shared/api";
import { Cluster, api, haveRedis, login, REDIS_SERVER, sleep } from "../helpers/cluster";
import { north, phoneCall } from "../helpers/factories";
import { runScript } from "../helpers/process";

const ADMIN_PASSWORD = "cluster-checkpoints-password";
const base = { lat: 30.5, lng: 114.3 };
const cluster = new Cluster();
const roots: string[] = [];
afterAll(() => {
  cluster.stopAll();
  for (const root of roots) fs.rmSync(root, { recursive: true, force: true });
});

const verifyLog = (dataDir: string) => runScript("verifyLog", [], { PATH: process.env.PATH ?? "", DATA_DIR: dataDir });

function copyOf(dataDir: string): string {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), "cluster-checkpoints-copy-"));
  roots.push(copy);
  fs.cpSync(dataDir, copy, { recursive: true });
  return copy;
}

const checkpointNames = (dataDir: string) =>
  fs.readdirSync(path.join(dataDir, "checkpoints")).filter((name) => /^checkpoint-.*\.json$/.test(name)).sort();

if (!haveRedis) {
  // CI installs it (.ci/run): there a missing server is a failure, not a skip.
  if (process.env.CI === "true") throw new Error(`${REDIS_SERVER} is missing: .ci/run installs it (apt-get install redis-server)`);
  console.warn(`\n*** CLUSTER CHECKPOINT TEST SKIPPED: ${REDIS_SERVER} is missing (apt-get install redis-server). ***\n`);
}

describe.runIf(haveRedis)("checkpoints with two instances over one store", () => {
  it("form one chain verify-log accepts, and a removed or edited checkpoint still fails it", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "cluster-checkpoints-"));
    roots.push(dataDir);
    await cluster.startRedis();
    const env = {
      DATA_DIR: dataDir,
      ADMIN_USERNAME: "admin",
      ADMIN_PASSWORD,
      LOGIN_MAX_ATTEMPTS: "1000",
      CHECKPOINT_INTERVAL_SECONDS: "0.5",
    };
    const a = await cluster.startApp("A", env);
    const b = await cluster.startApp("B", env);
    const token = await login(a.url, "admin", ADMIN_PASSWORD);

    const incidents: string[] = [];
    const bundlePositions: number[] = [];
    const started = Date.now();
    let bKilled = false;
    for (let index = 0; Date.now() < started + 5_000; index++) {
      // Three seconds in, B dies with SIGKILL (no shutdown checkpoint; maybe holding the lease): A carries on alone.
      if (!bKilled && Date.now() > started + 3_000) {
        await b.kill();
        bKilled = true;
      }
      const instance = index % 2 === 0 || bKilled ? a : b;
      const call = await api<CallIntakeResult>(instance.url, "POST", "/calls", token, phoneCall({ location: north(base, index * 3000) }));
      expect(call.status).toBe(201);
      incidents.push(call.body.incident.id);
      // Evidence bundles through both instances: each writes a checkpoint on demand that covers its call.
      if (index % 3 === 0) {
        const bundle = await api<{ checkpoint: { position: number } }>(instance.url, "GET", `/incidents/${call.body.incident.id}/evidence`, token);
        expect(bundle.status).toBe(200);
        bundlePositions.push(bundle.body.checkpoint.position);
      }
      await sleep(60);
    }
    expect(bundlePositions.length).toBeGreaterThan(4);
    await a.stop();

    const names = checkpointNames(dataDir);
    // Both starts, the bundles, and the periodic and shutdown ones when the log had moved since the last.
    expect(names.length).toBeGreaterThan(bundlePositions.length + 1);
    const clean = await verifyLog(dataDir);
    expect(clean.output).not.toMatch(/checkpoint_chain/);
    expect(clean.code, clean.output).toBe(0);

    // A checkpoint removed from the middle of the chain is still found.
    const removed = copyOf(dataDir);
    const middle = names[Math.floor(names.length / 2)]!;
    fs.rmSync(path.join(removed, "checkpoints", middle));
    const afterRemoval = await verifyLog(removed);
    expect(afterRemoval.code).toBe(1);
    expect(afterRemoval.output).toMatch(/\[checkpoint_chain\]/);

    // And one edited after signing.
    const edited = copyOf(dataDir);
    const target = path.join(edited, "checkpoints", names[names.length - 3]!);
    const file = JSON.parse(fs.readFileSync(target, "utf8")) as { streams: number };
    fs.writeFileSync(target, JSON.stringify({ ...file, streams: file.streams + 1 }, null, 2));
    const afterEdit = await verifyLog(edited);
    expect(afterEdit.code).toBe(1);
    expect(afterEdit.output).toMatch(/\[checkpoint_signature\]/);
  }, 90_000);
});
