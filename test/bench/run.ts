// `npm run bench`: figures for the paths that must stay fast, each compared with a floor measured in the
// same run on the same machine (so the verdict does not depend on how fast this machine is).
//  0. The five figures of issue 12 (fan-out, alert, intake under load, reconnect storm, tablet first load): figures.ts.
//  1. Duplicate lookup with 100,000 incidents on record: the indexed query vs. a scan of every incident.
//  2. Call intake over HTTP, durable in SQLite: vs. a bare HTTP round trip to /config (/health now probes a write).
//  3. Database bytes per 1,000 events after a bounded run of whole calls through the API: vs. the raw JSON size
//     of the same events.
//  4. Duplicate precision on the DataSF sample (not a speed): false "strong" on new calls <= 2 %, every simulated
//     extra caller's incident first (or tied with one nothing can tell apart).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import Database from "better-sqlite3";
import type { CallIntakeResult } from "../../shared/api";
import type { IncidentEvent } from "../../shared/events";
import { distanceMeters } from "../../shared/geo";
import { DEFAULT_DUPLICATE_WINDOWS } from "../../server/config";
import { findDuplicates } from "../../server/services/duplicates";
import { SqliteStore } from "../../server/store/sqlite";
import type { IncidentRecord } from "../../server/store/types";
import { north, opId, phoneCall } from "../helpers/factories";
import { startTestServer } from "../helpers/server";
import { describePrecision, measureDuplicatePrecision } from "./duplicatePrecision";
import { benchIssueFigures, benchTabletFirstLoad } from "./figures";
import { syntheticIncident } from "./seed";

const INCIDENTS = Number(process.env.BENCH_INCIDENTS ?? 100_000);
const LOOKUPS = 2_000;
const SCANS = 5;
const CALLS = 300;
const MIN_INDEX_SPEEDUP = 10;
const STORAGE_CALLS = Number(process.env.BENCH_STORAGE_CALLS ?? 200);
/** What the database may weigh per event, as a multiple of the event's raw JSON (indexes, projections, calls). */
const MAX_STORAGE_FACTOR = 4;

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}
const ms = (value: number) => `${value.toFixed(3)} ms`;

async function benchDuplicateLookup(): Promise<boolean> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dispatch-bench-"));
  const store = new SqliteStore(path.join(dir, "bench.sqlite"));
  await store.init();
  const start = Date.parse("2025-01-01T00:00:00Z");
  const loadStarted = performance.now();
  const openSample: IncidentRecord[] = [];
  for (let offset = 0; offset < INCIDENTS; offset += 2000) {
    const batch = Array.from({ length: Math.min(2000, INCIDENTS - offset) }, (_, i) => syntheticIncident(offset + i, start, 365));
    openSample.push(...batch.filter((record) => record.status === "open" && record.incidentType === "structure_fire").slice(0, 20));
    await store.commit({ incidents: batch });
  }
  console.log(`loaded ${INCIDENTS.toLocaleString()} incidents in ${((performance.now() - loadStarted) / 1000).toFixed(1)} s`);

  // Half the lookups are a second caller at an open fire (40 m, 3 min later), half a call anywhere.
  const queries = Array.from({ length: LOOKUPS }, (_, i) => {
    const fire = openSample[i % openSample.length];
    return i % 2 === 0 && fire && fire.lat !== null && fire.lng !== null
      ? { position: { lat: fire.lat + 0.00036, lng: fire.lng }, incidentType: "structure_fire" as const, at: new Date(fire.receivedAtMs + 180_000) }
      : {
          position: { lat: 31.0 + Math.random() * 0.36, lng: 121.2 + Math.random() * 0.42 },
          incidentType: "structure_fire" as const,
          at: new Date(start + Math.random() * 365 * 86_400_000),
        };
  });

  const indexed: number[] = [];
  let found = 0;
  for (const query of queries) {
    const began = performance.now();
    found += (await findDuplicates(store, DEFAULT_DUPLICATE_WINDOWS, query)).length;
    indexed.push(performance.now() - began);
  }

  // The floor: what the lookup would cost without an index, scanning every incident on record.
  const onRecord = (await store.listIncidents({ limit: INCIDENTS + 1 })).length;
  const window = DEFAULT_DUPLICATE_WINDOWS.structure_fire;
  const scanned: number[] = [];
  let scanFound = 0;
  for (const query of queries.slice(0, SCANS)) {
    const began = performance.now();
    const rows = await store.listIncidents({ limit: INCIDENTS + 1 });
    scanFound += rows.filter(
      (row) =>
        row.status === "open" &&
        Math.abs(row.receivedAtMs - query.at.getTime()) <= window.windowMinutes * 60_000 &&
        row.lat !== null &&
        row.lng !== null &&
        distanceMeters(query.position, { lat: row.lat, lng: row.lng }) <= window.radiusM * 2,
    ).length;
    scanned.push(performance.now() - began);
  }
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });

  const indexedMedian = quantile(indexed, 0.5);
  const scanMedian = quantile(scanned, 0.5);
  const speedup = scanMedian / indexedMedian;
  console.log(`duplicate lookup, ${onRecord.toLocaleString()} incidents on record (${found} candidates in ${LOOKUPS} lookups; the scan found ${scanFound} in the first ${SCANS})`);
  console.log(`  indexed: median ${ms(indexedMedian)}, p95 ${ms(quantile(indexed, 0.95))}, max ${ms(Math.max(...indexed))}`);
  console.log(`  floor (full scan): median ${ms(scanMedian)}`);
  const ok = speedup >= MIN_INDEX_SPEEDUP;
  console.log(`  ${ok ? "PASS" : "FAIL"}: indexed lookup is ${speedup.toFixed(0)}x faster than the scan (needs >= ${MIN_INDEX_SPEEDUP}x)`);
  return ok;
}

async function benchIntake(): Promise<boolean> {
  const server = await startTestServer();
  const dispatcher = await server.createAccount("dispatcher");
  const roundTrips: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const began = performance.now();
    await server.api("GET", "/config");
    roundTrips.push(performance.now() - began);
  }
  const intakes: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const body = phoneCall({ location: { lat: 30 + i * 0.01, lng: 120 } });
    const began = performance.now();
    const response = await server.api("POST", "/calls", { token: dispatcher.token, body });
    intakes.push(performance.now() - began);
    if (response.status !== 201) throw new Error(`intake failed: ${JSON.stringify(response.body)}`);
  }
  await server.close();
  const floor = quantile(roundTrips, 0.5);
  const intake = quantile(intakes, 0.5);
  console.log(`call intake over HTTP, each durable (SQLite synchronous=FULL) before the answer, ${CALLS} calls`);
  console.log(`  intake: median ${ms(intake)}, p95 ${ms(quantile(intakes, 0.95))}, ${(1000 / intake).toFixed(0)} calls/s sequential`);
  console.log(`  floor (GET /config round trip): median ${ms(floor)}`);
  console.log(`  intake costs ${(intake / floor).toFixed(1)}x a bare round trip (auth, validation, duplicate lookup, fsync)`);
  return true;
}

/**
 * Whole calls through the API as a dispatcher and a crew would make them: intake with caller and address, two
 * units dispatched, each acknowledging, en route, on scene and available, a note, then the incident closed.
 */
async function benchStorage(): Promise<boolean> {
  const server = await startTestServer();
  const dispatcher = await server.createAccount("dispatcher");
  const home = { lat: 31.2, lng: 121.4 };
  for (const id of ["S1", "S2", "S3", "S4"]) await server.createUnit(id, { home });
  const send = async (method: string, pathname: string, body: unknown) => {
    const response = await server.api(method, pathname, { token: dispatcher.token, body });
    if (response.status >= 300) throw new Error(`${method} ${pathname}: ${JSON.stringify(response.body)}`);
    return response;
  };
  for (let i = 0; i < STORAGE_CALLS; i++) {
    const units = i % 2 === 0 ? ["S1", "S2"] : ["S3", "S4"];
    const call = await send("POST", "/calls", phoneCall({
      location: { ...north(home, (i % 50) * 300), address: `${100 + (i % 400)} Bench Road` },
      callerName: `Caller ${i}`,
      description: "Smoke seen from the street, residents outside",
    }));
    const incidentId = (call.body as CallIntakeResult).incident.id;
    await send("POST", `/incidents/${incidentId}/dispatch`, { unitIds: units, opId: opId() });
    for (const status of ["acknowledged", "en_route", "on_scene"]) {
      for (const unitId of units) await send("POST", `/units/${unitId}/status`, { status, opId: opId() });
    }
    await send("POST", `/incidents/${incidentId}/notes`, { opId: opId(), text: "Primary search complete, no victims" });
    for (const unitId of units) await send("POST", `/units/${unitId}/status`, { status: "available", opId: opId() });
    await send("POST", `/incidents/${incidentId}/close`, { opId: opId() });
  }
  let rawBytes = 0;
  let events = 0;
  for (let after = 0; ; ) {
    const page = await server.api<{ events: IncidentEvent[]; position: number }>("GET", `/events?after=${after}&limit=500`, {
      token: dispatcher.token,
    });
    if (page.body.events.length === 0) break;
    for (const event of page.body.events) rawBytes += Buffer.byteLength(JSON.stringify(event));
    events += page.body.events.length;
    after = page.body.position;
  }
  await server.close();
  // Closing checkpoints the WAL into the file: its size is what the data takes on disk.
  const file = path.join(server.dataDir, "dispatch.sqlite");
  const fileBytes = fs.statSync(file).size;
  const db = new Database(file, { readonly: true });
  const tables = db
    .prepare<[], { name: string; bytes: number }>(
      `SELECT COALESCE(m.tbl_name, s.name) AS name, SUM(s.pgsize) AS bytes
       FROM dbstat AS s LEFT JOIN sqlite_master AS m ON m.name = s.name
       GROUP BY COALESCE(m.tbl_name, s.name) ORDER BY bytes DESC`,
    )
    .all();
  db.close();
  fs.rmSync(server.dataDir, { recursive: true, force: true });

  const perThousand = (bytes: number) => `${((bytes / events) * 1000 / 1024).toFixed(0)} KB`;
  const factor = fileBytes / rawBytes;
  console.log(`storage: ${STORAGE_CALLS} whole calls through the API, ${events.toLocaleString()} events, SQLite file ${(fileBytes / 1024 / 1024).toFixed(1)} MB`);
  console.log(`  database: ${perThousand(fileBytes)} per 1,000 events`);
  console.log(`  floor (the events' raw JSON): ${perThousand(rawBytes)} per 1,000 events`);
  console.log(`  by table (with its indexes): ${tables.filter((table) => table.bytes > 8192).map((table) => `${table.name} ${perThousand(table.bytes)}`).join(", ")}`);
  const ok = factor <= MAX_STORAGE_FACTOR;
  console.log(`  ${ok ? "PASS" : "FAIL"}: the database takes ${factor.toFixed(1)}x the raw events (needs <= ${MAX_STORAGE_FACTOR}x)`);
  return ok;
}

const SAMPLE = process.env.SF_CALLS_CSV ?? path.resolve(import.meta.dirname, "../../../shared/data/sf-fire-calls-2016-12.csv");
const MAX_FALSE_STRONG = 0.02;

async function benchDuplicatePrecision(): Promise<boolean> {
  if (!fs.existsSync(SAMPLE)) {
    console.log(`duplicate precision: SKIPPED, no DataSF sample at ${SAMPLE} (set SF_CALLS_CSV)`);
    return true;
  }
  const result = await measureDuplicatePrecision(SAMPLE);
  console.log(`duplicate precision on ${path.basename(SAMPLE)} (calls replayed in time order, one simulated extra caller each)`);
  for (const line of describePrecision(result)) console.log(line);
  const falseStrongOk = result.falseStrong / result.newCalls <= MAX_FALSE_STRONG;
  const firstOk = result.rankedFirst + result.tiedFirst === result.extraCallers;
  console.log(`  ${falseStrongOk && firstOk ? "PASS" : "FAIL"}: false strong <= ${MAX_FALSE_STRONG * 100} % and no extra caller's incident below another`);
  return falseStrongOk && firstOk;
}

// BENCH_ONLY=figures runs only the five figures of issue 12 (=tablet only the tablet's first load among them, =store
// the store figures after them).
const only = process.env.BENCH_ONLY;
const results = [
  ...(only === "tablet" ? [await benchTabletFirstLoad()] : []),
  ...(only !== "store" && only !== "tablet" ? [await benchIssueFigures()] : []),
  ...(only !== "figures" && only !== "tablet"
    ? [await benchDuplicateLookup(), await benchIntake(), await benchStorage(), await benchDuplicatePrecision()]
    : []),
];
process.exitCode = results.every(Boolean) ? 0 : 1;
