// Tamper evidence: each event's hash covers the previous event's hash and this event's content, so an edit,
// a deletion or a reordering anywhere in a stream breaks every later hash.
import { createHash } from "node:crypto";
import type { LogEvent, NewLogEvent } from "../../shared/events";

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

type HashedContent = Omit<NewLogEvent, "hash" | "prevHash">;

/**
 * The hashed content of an event. Incident streams keep the shape they had before the log held other streams
 * (`incidentId`, no stream type), so every chain written before then still verifies; other stream types name
 * their type and id.
 */
function hashedFields(event: HashedContent): Record<string, unknown> {
  const { streamType, streamId, seq, type, occurredAt, recordedAt, source, actor, payload } = event;
  if (streamType === "incident") return { incidentId: streamId, seq, type, occurredAt, recordedAt, source, actor, payload };
  return { streamType, streamId, seq, type, occurredAt, recordedAt, source, actor, payload };
}

export function hashEvent(prevHash: string, event: HashedContent): string {
  return sha256(`${prevHash}\n${canonicalJson(hashedFields(event))}`);
}

export interface ChainBreak {
  streamType: string;
  streamId: string;
  seq: number;
  position?: number;
  problem: string;
}

/** Checks one stream's events (in seq order) and returns every break found. */
export function verifyStreamChain(events: readonly LogEvent[]): ChainBreak[] {
  const breaks: ChainBreak[] = [];
  let prevHash = "";
  let expectedSeq = 1;
  for (const event of events) {
    const at = { streamType: event.streamType, streamId: event.streamId, seq: event.seq, position: event.position };
    if (event.seq !== expectedSeq) breaks.push({ ...at, problem: `expected seq ${expectedSeq}` });
    if (event.prevHash !== prevHash) breaks.push({ ...at, problem: "prevHash does not match the previous event" });
    if (hashEvent(event.prevHash, event) !== event.hash) breaks.push({ ...at, problem: "hash does not match the content" });
    prevHash = event.hash;
    expectedSeq = event.seq + 1;
  }
  return breaks;
}
