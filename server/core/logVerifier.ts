// What `npm run verify-log` checks, as pure functions over "a stream's events" (stream type, id, events in seq
// order) plus the stored projections and the signed checkpoints. A stream type plugs in through its fold in
// shared/streams.ts (expectedProjection below); nothing here reads a database.
import type { KeyObject } from "node:crypto";
import { STREAM_TYPES, type IncidentEvent, type LogEvent, type StreamType } from "../../shared/events";
import { foldStream } from "../../shared/streams";
import {
  bodyOf,
  checkCheckpointSignature,
  checkpointBodyHash,
  type CheckpointFile,
  type ReadCheckpoint,
} from "./checkpoints";
import { toIncidentRecord } from "./commitBuilder";
import { canonicalJson, compareStreamHeads, hashEvent, headsHash, type StreamHead } from "./hashChain";
import { streamKey, type StreamRef } from "./streams";

/** One stored event as read back: parsed, or not (then only its position, place and hashes are known). */
export interface StoredEvent extends StreamRef {
  position: number;
  seq: number;
  prevHash: string;
  hash: string;
  event: LogEvent | null;
  /** Why the stored row could not be read as an event. */
  unreadable?: string;
}

export interface StreamEvents extends StreamRef {
  /** In seq order. */
  events: StoredEvent[];
}

export type ProblemKind =
  | "unreadable_event"
  | "chain"
  | "projection"
  | "position_gap"
  | "checkpoint_file"
  | "checkpoint_signature"
  | "checkpoint_chain"
  | "truncated"
  | "stream_missing"
  | "rewritten";

export interface LogProblem {
  kind: ProblemKind;
  streamType?: string;
  streamId?: string;
  seq?: number;
  position?: number;
  /** The checkpoint file a checkpoint problem is about. */
  checkpoint?: string;
  detail: string;
}

/**
 * What the store keeps for a stream, rebuilt from its events: for incidents the record with the columns the queries
 * use; for every other stream type the folded state in the generic streams table. A stream type that gets a table
 * of its own adds its case here.
 */
export function expectedProjection(streamType: StreamType, events: LogEvent[]): unknown {
  if (streamType === "incident") return toIncidentRecord(foldStream("incident", events as IncidentEvent[]));
  return foldStream(streamType, events as never);
}

export function isStreamType(value: string): value is StreamType {
  return (STREAM_TYPES as readonly string[]).includes(value);
}

function at(stream: StreamRef, entry: { seq: number; position: number }) {
  return { streamType: stream.streamType, streamId: stream.streamId, seq: entry.seq, position: entry.position };
}

/** Groups the global log (any order) into streams, each in seq order. */
export function groupByStream(entries: readonly StoredEvent[]): StreamEvents[] {
  const streams = new Map<string, StreamEvents>();
  for (const entry of entries) {
    const key = streamKey(entry);
    let stream = streams.get(key);
    if (!stream) {
      stream = { streamType: entry.streamType, streamId: entry.streamId, events: [] };
      streams.set(key, stream);
    }
    stream.events.push(entry);
  }
  for (const stream of streams.values()) stream.events.sort((a, b) => a.seq - b.seq);
  return [...streams.values()];
}

/** Seq 1, 2, 3..., each prevHash the previous hash, each hash over its content. Reports every break. */
export function checkStreamChain(stream: StreamEvents): LogProblem[] {
  const problems: LogProblem[] = [];
  let prevHash = "";
  let expectedSeq = 1;
  for (const entry of stream.events) {
    const where = at(stream, entry);
    if (entry.event === null) {
      problems.push({ kind: "unreadable_event", ...where, detail: `the stored event does not parse: ${entry.unreadable ?? "unknown reason"}` });
    }
    if (entry.seq !== expectedSeq) {
      problems.push({
        kind: "chain",
        ...where,
        detail: entry.seq > expectedSeq ? `seq ${expectedSeq}..${entry.seq - 1} missing (deleted events)` : `expected seq ${expectedSeq}`,
      });
    }
    if (entry.prevHash !== prevHash) {
      problems.push({ kind: "chain", ...where, detail: "prevHash does not match the previous event's hash" });
    }
    if (entry.event !== null && hashEvent(entry.prevHash, entry.event) !== entry.hash) {
      problems.push({ kind: "chain", ...where, detail: "hash does not match the event's content (edited)" });
    }
    prevHash = entry.hash;
    expectedSeq = entry.seq + 1;
  }
  return problems;
}

/** Top-level (and one level into objects) fields whose canonical JSON differs, e.g. ["state.description"]. */
export function differingFields(expected: unknown, actual: unknown, prefix = "", depth = 2): string[] {
  if (canonicalJson(expected) === canonicalJson(actual)) return [];
  const isObject = (value: unknown): value is Record<string, unknown> =>
    typeof value === "object" && value !== null && !Array.isArray(value);
  if (depth === 0 || !isObject(expected) || !isObject(actual)) return [prefix || "(whole value)"];
  const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
  return keys.flatMap((key) => differingFields(expected[key], actual[key], prefix ? `${prefix}.${key}` : key, depth - 1));
}

export type StoredProjection = { found: true; value: unknown } | { found: false } | { found: "unreadable"; error: string };

/** Re-folds the stream and compares the result with what the store serves. */
export function checkProjection(stream: StreamEvents, stored: StoredProjection): LogProblem[] {
  const last = stream.events[stream.events.length - 1];
  if (!last) return [];
  const where = at(stream, last);
  if (stream.events.some((entry) => entry.event === null)) {
    return [{ kind: "projection", ...where, detail: "not compared: the stream has an unreadable event" }];
  }
  if (stored.found === "unreadable") return [{ kind: "projection", ...where, detail: `the stored state does not parse: ${stored.error}` }];
  if (!stored.found) return [{ kind: "projection", ...where, detail: "the stored state is missing (deleted)" }];
  let expected: unknown;
  try {
    if (!isStreamType(stream.streamType)) throw new Error(`unknown stream type ${stream.streamType}`);
    expected = expectedProjection(stream.streamType, stream.events.map((entry) => entry.event!));
  } catch (error) {
    return [{ kind: "projection", ...where, detail: `the events do not fold: ${error instanceof Error ? error.message : String(error)}` }];
  }
  const fields = differingFields(expected, stored.value);
  return fields.length === 0
    ? []
    : [{ kind: "projection", ...where, detail: `the stored state differs from the fold of its events in: ${fields.join(", ")}` }];
}

/** A stored projection with no events behind it: its stream was deleted but the state was left. */
export function orphanProjection(ref: StreamRef): LogProblem {
  return { kind: "projection", streamType: ref.streamType, streamId: ref.streamId, detail: "a stored state without any events (its events were deleted)" };
}

/** Global positions run 1, 2, 3... with no hole: a hole is deleted events (a rolled-back commit uses none). */
export function findPositionGaps(entries: readonly StoredEvent[]): LogProblem[] {
  const sorted = [...entries].sort((a, b) => a.position - b.position);
  const problems: LogProblem[] = [];
  let previous: StoredEvent | undefined;
  for (const entry of sorted) {
    const expected = (previous?.position ?? 0) + 1;
    if (entry.position > expected) {
      const after = previous ? ` after ${previous.streamType} ${previous.streamId} seq ${previous.seq}` : " at the start of the log";
      problems.push({
        kind: "position_gap",
        position: expected,
        detail: `positions ${expected}..${entry.position - 1} are missing${after} (deleted events)`,
      });
    }
    previous = entry;
  }
  return problems;
}

/** The stream's last event at or before `position` (events in seq order, so positions ascending). */
export function headOfStream(stream: StreamEvents, position: number): StreamHead | null {
  let low = 0;
  let high = stream.events.length - 1;
  let found: StoredEvent | undefined;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const entry = stream.events[middle]!;
    if (entry.position <= position) {
      found = entry;
      low = middle + 1;
    } else high = middle - 1;
  }
  return found
    ? { streamType: stream.streamType, streamId: stream.streamId, seq: found.seq, hash: found.hash, position: found.position }
    : null;
}

/** Each stream's last event at or before `position`, sorted as checkpoints hash them. */
export function headsAtPosition(streams: readonly StreamEvents[], position: number): StreamHead[] {
  return streams.flatMap((stream) => headOfStream(stream, position) ?? []).sort(compareStreamHeads);
}

/**
 * The database against every checkpoint: files that do not parse, are not signed by the trusted key, or were
 * removed from the chain; events removed from the end of the log; streams truncated, deleted or re-chained before
 * a checkpoint. The heads that changed in each checkpoint's interval are compared one by one (cheap, and they name
 * the stream); the full heads hash only for the latest checkpoint, which is enough: any change at or before an
 * earlier checkpoint's position also changes some stream's head at the latest one. Problems that later
 * checkpoints would repeat are reported once, at the first checkpoint that shows them.
 */
export function checkAgainstCheckpoints(
  checkpoints: readonly ReadCheckpoint[],
  trusted: KeyObject,
  streams: readonly StreamEvents[],
  lastPosition: number,
): { problems: LogProblem[]; verified: number } {
  const problems: LogProblem[] = [];
  const reported = new Set<string>();
  const report = (problem: LogProblem, dedupeKey: string) => {
    if (reported.has(dedupeKey)) return;
    reported.add(dedupeKey);
    problems.push(problem);
  };
  const byStream = new Map(streams.map((stream) => [streamKey(stream), stream]));
  let verified = 0;
  let previousFile: { name: string; file: CheckpointFile } | null = null;
  /** The file just before was unreadable or badly signed (already reported): its successor's link is not judged. */
  let previousRejected = false;
  let latest: { name: string; file: CheckpointFile } | null = null;

  for (const entry of checkpoints) {
    if (!("file" in entry)) {
      problems.push({ kind: "checkpoint_file", checkpoint: entry.name, detail: entry.error });
      previousRejected = true;
      continue;
    }
    const { name, file } = entry;
    const signature = checkCheckpointSignature(file, trusted);
    if (!signature.ok) {
      problems.push({ kind: "checkpoint_signature", checkpoint: name, position: file.position, detail: signature.detail });
      previousRejected = true;
      continue;
    }
    verified += 1;
    if (previousFile && !previousRejected) {
      const expected = { position: previousFile.file.position, bodyHash: checkpointBodyHash(bodyOf(previousFile.file)) };
      if (canonicalJson(file.previous) !== canonicalJson(expected)) {
        problems.push({
          kind: "checkpoint_chain",
          checkpoint: name,
          position: file.position,
          detail: `does not follow ${previousFile.name}: a checkpoint between them was removed or replaced`,
        });
      }
    }
    previousFile = { name, file };
    previousRejected = false;
    if (!latest || file.position >= latest.file.position) latest = { name, file };

    if (lastPosition < file.position) {
      report(
        {
          kind: "truncated",
          checkpoint: name,
          position: lastPosition + 1,
          detail: `the log ends at position ${lastPosition}, but this checkpoint covers up to ${file.position}: events were removed from the end of the log`,
        },
        `tail:${lastPosition}`,
      );
    }
    for (const signed of file.changedHeads) {
      const stream = byStream.get(streamKey(signed));
      const head = stream ? headOfStream(stream, file.position) : null;
      const base = { streamType: signed.streamType, streamId: signed.streamId, checkpoint: name };
      if (!head) {
        report(
          { ...base, kind: "stream_missing", seq: signed.seq, position: signed.position, detail: `the checkpoint signed this stream up to seq ${signed.seq}; the database has none of its events (deleted)` },
          `missing:${streamKey(signed)}`,
        );
      } else if (head.seq < signed.seq) {
        report(
          { ...base, kind: "truncated", seq: head.seq + 1, position: signed.position, detail: `the checkpoint signed seq ${signed.seq}; the database has only up to seq ${head.seq} (events deleted)` },
          `short:${streamKey(signed)}:${head.seq}`,
        );
      } else if (head.seq > signed.seq || head.hash !== signed.hash || head.position !== signed.position) {
        report(
          {
            ...base,
            kind: "rewritten",
            seq: signed.seq,
            position: signed.position,
            detail:
              `the checkpoint signed seq ${signed.seq} at position ${signed.position} with hash ${signed.hash.slice(0, 16)}; the database has seq ${head.seq} ` +
              `at position ${head.position} with hash ${head.hash.slice(0, 16)}: an event at or before seq ${signed.seq} was rewritten and re-chained`,
          },
          `rewritten:${streamKey(signed)}`,
        );
      }
    }
  }
  if (latest) {
    const { name, file } = latest;
    const heads = headsAtPosition(streams, file.position);
    if (heads.length !== file.streams || headsHash(heads) !== file.headsHash) {
      problems.push({
        kind: "rewritten",
        checkpoint: name,
        position: file.position,
        detail: `the stream heads at this position differ from what the latest checkpoint signed (${file.streams} streams signed, ${heads.length} in the database)`,
      });
    }
  }
  return { problems, verified };
}

/** One line per problem, for people: "incident 2026-00001 seq 3 position 17: ...". */
export function describeProblem(problem: LogProblem): string {
  const where = [
    problem.streamType !== undefined ? `${problem.streamType} ${problem.streamId}` : "",
    problem.seq !== undefined ? `seq ${problem.seq}` : "",
    problem.position !== undefined ? `position ${problem.position}` : "",
    problem.checkpoint !== undefined ? `checkpoint ${problem.checkpoint}` : "",
  ].filter(Boolean);
  return `[${problem.kind}] ${where.join(" ")}${where.length ? ": " : ""}${problem.detail}`;
}
