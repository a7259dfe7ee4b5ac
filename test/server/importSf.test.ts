// The SF importer end to end: the real script as a child process against the real server, on a slice of the
// DataSF sample. What the server reports must be what the file's own columns say.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ResponseTimeReport, ResponseTimeRow } from "../../shared/api";
import type { IncidentEvent } from "../../shared/events";
import type { ResponseIntervals } from "../../shared/incident";
import { parseCsv } from "../../server/scripts/sf/csv";
import { expectedIntervals } from "../../server/scripts/sf/expected";
import { NOTE, SKIP } from "../../server/scripts/sf/plan";
import { readSfFile } from "../../server/scripts/sf/rows";
import type { SfRow } from "../../server/scripts/sf/rows";
import { startTestServer, type TestServer } from "../helpers/server";
import { csvOf } from "../helpers/sfFixture";

const REPO = fileURLToPath(new URL("../..", import.meta.url));
// shared/ sits beside the repository (as on CI); SF_CALLS_CSV points elsewhere.
const SAMPLE = process.env.SF_CALLS_CSV ?? path.resolve(REPO, "../shared/data/sf-fire-calls-2016-12.csv");
const haveSample = fs.existsSync(SAMPLE);
if (!haveSample) console.warn(`importSf.test: SKIPPED, no DataSF sample at ${SAMPLE} (set SF_CALLS_CSV)`);

/**
 * Calls 301-500 by received time (New Year's night 2017: a re-route, hospital before transport, missing times),
 * plus three calls for what that window lacks: en route after on scene (AM08), transport before on scene (BT01)
 * and a unit never available (77). About 440 rows and 2,500 requests.
 */
const WINDOW = { from: 300, to: 500 } as const;
const EXTRA_CALLS = ["170062627", "170043746", "170012895"];

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Writes the slice's records verbatim (re-quoted) and returns its rows as the importer will read them. */
function writeSlice(target: string): SfRow[] {
  const text = fs.readFileSync(SAMPLE, "utf8");
  const { rows } = readSfFile(text);
  const received = new Map<string, number>();
  for (const row of rows) received.set(row.callNumber, Math.min(received.get(row.callNumber) ?? Infinity, row.received));
  const byReceived = [...received.keys()].sort(
    (a, b) => (received.get(a) ?? 0) - (received.get(b) ?? 0) || (a < b ? -1 : 1),
  );
  const keep = new Set([...byReceived.slice(WINDOW.from, WINDOW.to), ...EXTRA_CALLS]);
  const [header, ...records] = parseCsv(text);
  const callColumn = (header ?? []).indexOf("Call Number");
  const kept = records.filter((record) => keep.has(record[callColumn] ?? ""));
  fs.writeFileSync(target, [header ?? [], ...kept].map((record) => record.map(csvField).join(",")).join("\r\n") + "\r\n");
  return readSfFile(fs.readFileSync(target, "utf8")).rows;
}

interface ImportRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runImport(server: TestServer, csv: string): Promise<ImportRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "server/scripts/importSf.ts", csv, "--instant", "--url", server.url],
      {
        cwd: REPO,
        env: { ...process.env, ADMIN_USERNAME: server.adminUsername, ADMIN_PASSWORD: server.adminPassword },
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

async function reportRows(server: TestServer): Promise<ResponseTimeRow[]> {
  const rows: ResponseTimeRow[] = [];
  let cursor: string | null = null;
  do {
    // A small page so the cursor is followed, as a report reader must.
    const query: string = cursor ? `?limit=100&cursor=${encodeURIComponent(cursor)}` : "?limit=100";
    const page = await server.api<ResponseTimeReport>("GET", `/reports/response-times${query}`, {
      token: server.adminToken,
    });
    expect(page.status).toBe(200);
    rows.push(...page.body.incidents);
    cursor = page.body.nextCursor;
  } while (cursor !== null);
  return rows;
}

async function allEvents(server: TestServer): Promise<IncidentEvent[]> {
  const events: IncidentEvent[] = [];
  let after = 0;
  for (;;) {
    const page = await server.api<{ events: IncidentEvent[]; position: number }>("GET", `/events?after=${after}&limit=1000`, {
      token: server.adminToken,
    });
    expect(page.status).toBe(200);
    if (page.body.events.length === 0) return events;
    events.push(...page.body.events);
    after = page.body.position;
  }
}

/** What the slice holds, counted straight from its columns (not by the plan code). */
function anomaliesIn(rows: readonly SfRow[]): Record<string, number> {
  const count = (predicate: (row: SfRow) => boolean) => rows.filter(predicate).length;
  const byUnit = new Map<string, SfRow[]>();
  for (const row of rows) byUnit.set(row.unitId, [...(byUnit.get(row.unitId) ?? []), row]);
  // Times after a re-route (dispatched to the next call before available on this one), sent naming this call.
  let afterReroute = 0;
  for (const responses of byUnit.values()) {
    responses.sort((a, b) => a.dispatch - b.dispatch);
    responses.forEach((row, index) => {
      const next = responses[index + 1];
      if (!next || (row.available !== null && row.available <= next.dispatch)) return;
      const after = (time: number | null) => time !== null && time > next.dispatch;
      const arrived = Math.max(row.dispatch, row.response ?? 0, row.onScene ?? 0);
      const transportKept = row.transport !== null && row.transport >= arrived;
      const hospitalKept = row.hospital !== null && row.hospital >= (transportKept ? Math.max(arrived, row.transport ?? 0) : arrived);
      afterReroute += [after(row.response), after(row.onScene), transportKept && after(row.transport), hospitalKept && after(row.hospital), after(row.available)].filter(Boolean).length;
    });
  }
  const neverAvailable = rows.filter((row) => row.available === null);
  return {
    [NOTE.noEnRoute]: count((row) => row.response === null),
    [NOTE.noOnScene]: count((row) => row.onScene === null),
    [NOTE.outOfOrder]: count(
      (row) =>
        (row.response !== null && (row.response < row.dispatch || (row.onScene !== null && row.onScene < row.response))) ||
        (row.onScene !== null && row.onScene < row.dispatch) ||
        row.dispatch < row.received,
    ),
    [SKIP.neverAvailable]: neverAvailable.length,
    [SKIP.incidentLeftOpen]: new Set(neverAvailable.map((row) => row.callNumber)).size,
    [NOTE.afterReroute]: afterReroute,
    [SKIP.transportBeforePrevious]: count((row) => row.transport !== null && row.onScene !== null && row.transport < row.onScene),
    [SKIP.hospitalBeforePrevious]: count((row) => row.hospital !== null && row.transport !== null && row.hospital < row.transport),
  };
}

// Under CI the sample must be there: a missing file fails instead of skipping.
describe.skipIf(!haveSample && process.env.CI !== "true")("import:sf against the real server", () => {
  let server: TestServer;
  let workDir: string;
  let csv: string;
  let rows: SfRow[];
  let first: ImportRun;

  beforeAll(async () => {
    server = await startTestServer();
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), "import-sf-"));
    csv = path.join(workDir, "slice.csv");
    rows = writeSlice(csv);
    first = await runImport(server, csv);
  }, 180_000);

  afterAll(async () => {
    await server?.close();
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  it("imports every call, and the report gives each incident exactly the intervals of the CSV's columns", async () => {
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    const expected = expectedIntervals(rows);
    const reported = await reportRows(server);
    expect(reported).toHaveLength(expected.size);
    const byExternalId: Record<string, ResponseIntervals> = {};
    for (const row of reported) byExternalId[row.externalId ?? `no externalId: ${row.number}`] = row.intervals;
    expect(byExternalId).toEqual(Object.fromEntries(expected));
    // Not vacuous: the slice has real intervals, missing ones (null) and the negative travel recorded as given.
    const values = [...expected.values()];
    expect(values.filter((intervals) => intervals.turnout !== null).length).toBeGreaterThan(100);
    expect(values.some((intervals) => intervals.totalResponse === null)).toBe(true);
    expect(values.some((intervals) => (intervals.travel ?? 0) < 0)).toBe(true);
  });

  it("records history as import, re-routes on both incidents, and closes incidents whose units all cleared", async () => {
    const events = await allEvents(server);
    expect(events.every((event) => event.source === "import")).toBe(true);
    const calls = new Set(rows.map((row) => row.callNumber));
    const leftOpen = new Set(rows.filter((row) => row.available === null).map((row) => row.callNumber));
    expect(events.filter((event) => event.type === "incident.closed")).toHaveLength(calls.size - leftOpen.size);
    expect(events.filter((event) => event.type === "unit.dispatched")).toHaveLength(rows.length);
    const reassigned = events.filter((event) => event.type === "unit.reassigned");
    expect(reassigned.length).toBeGreaterThan(0);
  });

  it("prints what it skipped and why, as the slice holds it", () => {
    const output = first.stdout;
    for (const [reason, count] of Object.entries(anomaliesIn(rows))) {
      // The slice was chosen to hold every one of these; a zero would mean the slice no longer tests it.
      expect(count, reason).toBeGreaterThan(0);
      expect(output, reason).toContain(`\n  ${reason}: ${count}\n`);
    }
    expect(output).toContain("Refused by the server: 0");
    expect(output).toMatch(/calls: \d+ created, 0 already imported/);
    expect(output).toMatch(/\[ *\d+\.\d s\] calls \d+\/\d+, events \d+\/\d+/);
  });

  it("creates no new incident or event when the same file is imported again", async () => {
    const eventsBefore = (await allEvents(server)).length;
    const incidentsBefore = (await reportRows(server)).length;
    const second = await runImport(server, csv);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`calls: 0 created, ${incidentsBefore} already imported`);
    expect(second.stdout).toContain("Refused by the server: 0");
    expect((await allEvents(server)).length).toBe(eventsBefore);
    expect((await reportRows(server)).length).toBe(incidentsBefore);
  }, 120_000);

  it("records a re-routed unit's later times on the call it left, so a first arrival there counts", async () => {
    // M1 leaves call 1 for call 2 at 10:10, but arrives on call 1 first (10:05, after the re-route was recorded
    // at 10:04 by the file's clock): the interval of call 1 is M1's, as the file's columns say.
    const synthetic = path.join(workDir, "reroute.csv");
    fs.writeFileSync(
      synthetic,
      csvOf([
        { call: "990000001", unit: "M1X", seq: 1, received: "10:00:00", dispatch: "10:01:00", enRoute: "10:02:00", onScene: "10:05:00", available: "10:40:00", unitType: "MEDIC" },
        { call: "990000001", unit: "E1X", seq: 2, received: "10:00:00", dispatch: "10:01:30", enRoute: "10:03:00", onScene: "10:09:00", available: "10:30:00" },
        { call: "990000002", unit: "M1X", seq: 1, received: "10:03:00", dispatch: "10:04:00", enRoute: "10:20:00", onScene: "10:25:00", available: "10:50:00", unitType: "MEDIC" },
      ]),
    );
    const run = await runImport(server, synthetic);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Refused by the server: 0");
    const expected = expectedIntervals(readSfFile(fs.readFileSync(synthetic, "utf8")).rows);
    const reported = (await reportRows(server)).filter((row) => row.externalId === "I990000001" || row.externalId === "I990000002");
    expect(Object.fromEntries(reported.map((row) => [row.externalId, row.intervals]))).toEqual(Object.fromEntries(expected));
    expect(expected.get("I990000001")?.turnout).toBe(60);
    // Both incidents closed: the old call's available came after the re-route and still counted.
    const open = await server.api<{ incidents: { externalId?: string }[] }>("GET", "/incidents?status=open", { token: server.adminToken });
    expect(open.body.incidents.map((incident) => incident.externalId)).not.toContain("I990000001");
  }, 60_000);

  it("uses the center's own units for the file's (E01 is the roster's E1) and leaves their station and home alone", async () => {
    const home = { lat: 37.7808, lng: -122.403 };
    await server.createUnit("E1", { callSign: "E1", type: "engine", station: "Station 1", home });
    const synthetic = path.join(workDir, "roster.csv");
    fs.writeFileSync(
      synthetic,
      csvOf([{ call: "990000101", unit: "E01", seq: 1, received: "11:00:00", dispatch: "11:01:00", enRoute: "11:02:00", onScene: "11:06:00", available: "11:30:00" }]),
    );
    const run = await runImport(server, synthetic);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Units already on the roster, used as they are: 1 (E1)");
    const units = (await server.api<{ units: { id: string; station: string; home: { lat: number; lng: number } }[] }>("GET", "/units", { token: server.adminToken })).body.units;
    expect(units.map((unit) => unit.id)).not.toContain("E01");
    expect(units.find((unit) => unit.id === "E1")).toMatchObject({ station: "Station 1", home });
    const events = await allEvents(server);
    expect(events.some((event) => event.type === "unit.dispatched" && event.payload.unitId === "E1")).toBe(true);
  }, 60_000);
});
