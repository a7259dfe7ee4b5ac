// Duplicate precision on real traffic: replays the DataSF sample's calls in time order through the real duplicate
// lookup (real SQLite store) and counts
//  - genuinely new calls (each Call Number is its own incident in the file) that got a "strong" suggestion, and
//  - simulated extra callers (same block, same type, 1-6 minutes after the first call, while it is open) whose
//    incident is not ranked first.
// Incidents are open from their received time until their last unit is available, as in the file.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { IncidentType } from "../../shared/domain";
import type { IncidentState } from "../../shared/incident";
import { DEFAULT_DUPLICATE_WINDOWS, type DuplicateWindow } from "../../server/config";
import { toIncidentRecord } from "../../server/core/commitBuilder";
import { mapIncidentType, readSfFile } from "../../server/scripts/sf/rows";
import { findDuplicates } from "../../server/services/duplicates";
import { SqliteStore } from "../../server/store/sqlite";
import { bareIncidentState } from "./seed";

export interface PrecisionResult {
  newCalls: number;
  /** New calls that got at least one "strong" suggestion. */
  falseStrong: number;
  extraCallers: number;
  /** Extra callers whose own incident came first in the list. */
  rankedFirst: number;
  /**
   * Extra callers whose incident tied for first with another one they cannot be told from (same type, same
   * block, minutes apart: the older is listed first). Not a miss: no score could separate them.
   */
  tiedFirst: number;
  /** Extra callers whose own incident was "strong". */
  strongForOwn: number;
  /** A few of each failure, to read. */
  examples: { falseStrong: string[]; notFirst: string[] };
}

interface SampleCall {
  callNumber: string;
  receivedAt: number;
  closedAt: number;
  lat: number;
  lng: number;
  address?: string;
  incidentType: IncidentType;
}

/** Small deterministic PRNG so the simulated callers are the same in every run. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function readCalls(csvPath: string): SampleCall[] {
  const { rows } = readSfFile(fs.readFileSync(csvPath, "utf8"));
  const byCall = new Map<string, SampleCall>();
  for (const row of rows) {
    const closedAt = row.available ?? Number.POSITIVE_INFINITY;
    const known = byCall.get(row.callNumber);
    if (known) {
      known.receivedAt = Math.min(known.receivedAt, row.received);
      known.closedAt = Math.max(known.closedAt, closedAt);
      continue;
    }
    const address = [row.address, row.city].filter((part) => part !== "").join(", ").slice(0, 300);
    byCall.set(row.callNumber, {
      callNumber: row.callNumber,
      receivedAt: row.received,
      closedAt,
      lat: row.lat,
      lng: row.lng,
      ...(address !== "" ? { address } : {}),
      incidentType: mapIncidentType(row.callType),
    });
  }
  return [...byCall.values()];
}

function stateOf(call: SampleCall, status: "open" | "closed"): IncidentState {
  return bareIncidentState({
    id: call.callNumber,
    status,
    incidentType: call.incidentType,
    location: { lat: call.lat, lng: call.lng, ...(call.address !== undefined ? { address: call.address } : {}) },
    receivedAt: new Date(call.receivedAt).toISOString(),
  });
}

type Step =
  | { at: number; order: 0; kind: "close"; call: SampleCall }
  | { at: number; order: 1; kind: "new"; call: SampleCall }
  | { at: number; order: 2; kind: "extra"; call: SampleCall; lat: number; lng: number };

export async function measureDuplicatePrecision(
  csvPath: string,
  windows: Record<IncidentType, DuplicateWindow> = DEFAULT_DUPLICATE_WINDOWS,
): Promise<PrecisionResult> {
  const calls = readCalls(csvPath);
  const random = mulberry32(119);
  const steps: Step[] = [];
  for (const call of calls) {
    steps.push({ at: call.receivedAt, order: 1, kind: "new", call });
    if (Number.isFinite(call.closedAt)) steps.push({ at: call.closedAt, order: 0, kind: "close", call });
    // One extra caller per incident, on the same block (SF locations are block centroids; up to 30 m off), while
    // the incident is still open.
    const at = call.receivedAt + (1 + random() * 5) * 60_000;
    const bearing = random() * 2 * Math.PI;
    const metres = random() * 30;
    if (at < call.closedAt) {
      steps.push({
        at,
        order: 2,
        kind: "extra",
        call,
        lat: call.lat + (metres * Math.cos(bearing)) / 111_195,
        lng: call.lng + (metres * Math.sin(bearing)) / (111_195 * Math.cos((call.lat * Math.PI) / 180)),
      });
    }
  }
  steps.sort((a, b) => a.at - b.at || a.order - b.order || a.call.callNumber.localeCompare(b.call.callNumber));

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dispatch-precision-"));
  const store = new SqliteStore(path.join(dir, "precision.sqlite"));
  await store.init();
  const result: PrecisionResult = {
    newCalls: 0,
    falseStrong: 0,
    extraCallers: 0,
    rankedFirst: 0,
    tiedFirst: 0,
    strongForOwn: 0,
    examples: { falseStrong: [], notFirst: [] },
  };
  const created = new Set<string>();
  try {
    for (const step of steps) {
      const { call } = step;
      if (step.kind === "close") {
        if (created.has(call.callNumber)) await store.commit({ incidents: [toIncidentRecord(stateOf(call, "closed"))] });
        continue;
      }
      const query = {
        position: step.kind === "extra" ? { lat: step.lat, lng: step.lng } : { lat: call.lat, lng: call.lng },
        incidentType: call.incidentType,
        at: new Date(step.at),
        ...(call.address !== undefined ? { address: call.address } : {}),
      };
      const candidates = await findDuplicates(store, windows, query);
      if (step.kind === "new") {
        result.newCalls++;
        const strong = candidates.find((candidate) => candidate.level === "strong");
        if (strong) {
          result.falseStrong++;
          if (result.examples.falseStrong.length < 8) {
            result.examples.falseStrong.push(
              `${call.callNumber} ${call.incidentType} "${call.address ?? ""}" -> ${strong.number} ${strong.incidentType} ${strong.distanceM} m ${strong.minutesApart} min [${strong.reasons.join(",")}]`,
            );
          }
        }
        await store.commit({ incidents: [toIncidentRecord(stateOf(call, "open"))] });
        created.add(call.callNumber);
      } else {
        result.extraCallers++;
        const own = candidates.find((candidate) => candidate.incidentId === call.callNumber);
        if (candidates[0]?.incidentId === call.callNumber) result.rankedFirst++;
        else if (own && candidates[0] && own.score === candidates[0].score) result.tiedFirst++;
        else if (result.examples.notFirst.length < 8) {
          result.examples.notFirst.push(
            `${call.callNumber} ${call.incidentType} "${call.address ?? ""}": first ${candidates[0]?.number ?? "none"} (${candidates[0]?.score ?? "-"}), own ${own?.score ?? "absent"}`,
          );
        }
        if (own?.level === "strong") result.strongForOwn++;
      }
    }
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return result;
}

export function describePrecision(result: PrecisionResult): string[] {
  const percent = (part: number, whole: number) => `${((100 * part) / Math.max(1, whole)).toFixed(2)} %`;
  return [
    `  new calls with a false "strong" suggestion: ${result.falseStrong} of ${result.newCalls} (${percent(result.falseStrong, result.newCalls)})`,
    `  simulated extra callers whose incident ranks first: ${result.rankedFirst} of ${result.extraCallers} (${percent(result.rankedFirst, result.extraCallers)}), tied first with an incident they cannot be told from: ${result.tiedFirst}, below another: ${result.extraCallers - result.rankedFirst - result.tiedFirst}`,
    `  simulated extra callers whose own incident is "strong": ${percent(result.strongForOwn, result.extraCallers)}`,
  ];
}
