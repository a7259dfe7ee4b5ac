// Tamper evidence: each event's hash covers the previous event's hash and this event's content, so an edit,
// a deletion or a reordering anywhere in an incident's log breaks every later hash.
import { createHash } from "node:crypto";
import type { IncidentEvent, NewIncidentEvent } from "../../shared/events";

/** JSON with object keys sorted and undefined dropped, so the same content always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(",")}}`;
}

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

type HashedContent = Omit<NewIncidentEvent, "hash" | "prevHash">;

export function hashEvent(prevHash: string, event: HashedContent): string {
  const { incidentId, seq, type, occurredAt, recordedAt, source, actor, payload } = event;
  return sha256(`${prevHash}\n${canonicalJson({ incidentId, seq, type, occurredAt, recordedAt, source, actor, payload })}`);
}

export interface ChainBreak {
  incidentId: string;
  seq: number;
  problem: string;
}

/** Checks one incident's events (in seq order) and returns every break found. */
export function verifyIncidentChain(events: readonly IncidentEvent[]): ChainBreak[] {
  const breaks: ChainBreak[] = [];
  let prevHash = "";
  let expectedSeq = 1;
  for (const event of events) {
    if (event.seq !== expectedSeq) {
      breaks.push({ incidentId: event.incidentId, seq: event.seq, problem: `expected seq ${expectedSeq}` });
    }
    if (event.prevHash !== prevHash) {
      breaks.push({ incidentId: event.incidentId, seq: event.seq, problem: "prevHash does not match the previous event" });
    }
    if (hashEvent(event.prevHash, event) !== event.hash) {
      breaks.push({ incidentId: event.incidentId, seq: event.seq, problem: "hash does not match the content" });
    }
    prevHash = event.hash;
    expectedSeq = event.seq + 1;
  }
  return breaks;
}
