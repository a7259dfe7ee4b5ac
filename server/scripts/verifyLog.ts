// `npm run verify-log`: checks the log in the store as evidence. Every stream's hash chain; every stored state
// against a fresh fold of its events; global positions without holes; and the database against every signed
// checkpoint in CHECKPOINT_DIR (removed tails, deleted streams, re-chained rewrites before a checkpoint, edited or
// foreign checkpoint files). Names the stream, seq and position of every problem and keeps going after the first.
// Exit 0: everything verifies; 1: something was changed, removed or cannot be read; 2: nothing broken was found
// but the checkpoints could not be checked (no public key).
import { loadConfig, type AppConfig } from "../config";
import { loadVerifyingKey, readCheckpointDir, shortFingerprint, fingerprintOf } from "../core/checkpoints";
import { STREAM_TYPES } from "../../shared/events";
import {
  checkAgainstCheckpoints,
  checkProjection,
  checkStreamChain,
  describeProblem,
  findPositionGaps,
  groupByStream,
  isStreamType,
  orphanProjection,
  type LogProblem,
  type StoredEvent,
  type StoredProjection,
} from "../core/logVerifier";
import { streamKey, streamOfEvent, type StreamRef } from "../core/streams";
import { createStore, describeStore } from "../store/index";
import type { IncidentRecord, Store } from "../store/types";

const PAGE = 5000;

async function readLog(store: Store): Promise<StoredEvent[]> {
  const entries: StoredEvent[] = [];
  let position = 0;
  for (;;) {
    const page = await store.scanEvents(position, PAGE);
    for (const row of page) {
      entries.push({ ...streamOfEvent(row), position: row.position, seq: row.seq, prevHash: row.prevHash, hash: row.hash, event: row.event, ...(row.unreadable !== undefined ? { unreadable: row.unreadable } : {}) });
      position = row.position;
    }
    if (page.length < PAGE) return entries;
  }
}

/** What the store serves for a stream: the incident record, or the state in the generic streams table. */
async function readProjection(store: Store, ref: StreamRef): Promise<StoredProjection> {
  try {
    if (!isStreamType(ref.streamType)) return { found: false };
    const record =
      ref.streamType === "incident" ? await store.getIncident(ref.streamId) : (await store.getStream(ref.streamType, ref.streamId))?.state;
    return record ? { found: true, value: record } : { found: false };
  } catch (error) {
    return { found: "unreadable", error: error instanceof Error ? error.message : String(error) };
  }
}

/** Every stored projection of every stream type; a page that cannot be read is reported and ends that listing. */
async function listProjections(store: Store, problems: LogProblem[]): Promise<StreamRef[]> {
  const refs: StreamRef[] = [];
  for (const streamType of STREAM_TYPES) {
    if (streamType === "incident") continue;
    try {
      for (const record of await store.listStreams(streamType)) refs.push({ streamType, streamId: record.streamId });
    } catch (error) {
      problems.push({ kind: "projection", detail: `the stored ${streamType} states cannot be listed: ${error instanceof Error ? error.message : String(error)}` });
    }
  }
  const ids: string[] = [];
  let after: { receivedAtMs: number; id: string } | undefined;
  for (;;) {
    let page: IncidentRecord[];
    try {
      page = await store.listIncidents({ limit: PAGE, ...(after ? { after } : {}) });
    } catch (error) {
      problems.push({ kind: "projection", detail: `the stored incidents cannot all be listed: ${error instanceof Error ? error.message : String(error)}` });
      return [...refs, ...ids.map((streamId) => ({ streamType: "incident", streamId }))];
    }
    for (const record of page) ids.push(record.id);
    const last = page[page.length - 1];
    if (!last || page.length < PAGE) return [...refs, ...ids.map((streamId) => ({ streamType: "incident", streamId }))];
    after = { receivedAtMs: last.receivedAtMs, id: last.id };
  }
}

export interface VerifyReport {
  /** Streams with events, by stream type. */
  streams: Record<string, number>;
  events: number;
  checkpoints: number;
  checkpointsVerified: number;
  /** Null when there was no public key to check checkpoints with. */
  keyFingerprint: string | null;
  problems: LogProblem[];
}

/** Without `config`, the checkpoints are not read (a store on its own: tests, migrations). */
export async function verifyStoreLog(store: Store, config?: AppConfig): Promise<VerifyReport> {
  const problems: LogProblem[] = [];
  const entries = await readLog(store);
  const streams = groupByStream(entries);
  problems.push(...findPositionGaps(entries));
  for (const stream of streams) {
    problems.push(...checkStreamChain(stream));
    problems.push(...checkProjection(stream, await readProjection(store, stream)));
  }
  const withEvents = new Set(streams.map((stream) => streamKey(stream)));
  for (const ref of await listProjections(store, problems)) {
    if (!withEvents.has(streamKey(ref))) problems.push(orphanProjection(ref));
  }
  const counts: Record<string, number> = Object.fromEntries(STREAM_TYPES.map((type) => [type, 0]));
  for (const stream of streams) counts[stream.streamType] = (counts[stream.streamType] ?? 0) + 1;
  if (!config) return { streams: counts, events: entries.length, checkpoints: 0, checkpointsVerified: 0, keyFingerprint: null, problems };

  const checkpoints = readCheckpointDir(config.checkpointDir);
  const trusted = loadVerifyingKey({
    ...(config.checkpointPublicKey ? { publicKeyText: config.checkpointPublicKey } : {}),
    ...(config.checkpointKey ? { keyText: config.checkpointKey } : {}),
    keyFile: config.checkpointKeyFile,
  });
  let checkpointsVerified = 0;
  if (trusted) {
    const lastPosition = entries.reduce((max, entry) => Math.max(max, entry.position), 0);
    const result = checkAgainstCheckpoints(checkpoints, trusted, streams, lastPosition);
    problems.push(...result.problems);
    checkpointsVerified = result.verified;
  }
  return {
    streams: counts,
    events: entries.length,
    checkpoints: checkpoints.length,
    checkpointsVerified,
    keyFingerprint: trusted ? fingerprintOf(trusted) : null,
    problems,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const config = loadConfig();
  const store = await createStore(config);
  await store.init();
  console.log(`verifying the log in ${describeStore(store)} against the checkpoints in ${config.checkpointDir}`);
  const report = await verifyStoreLog(store, config);
  await store.close();
  const { problems } = report;
  const key = report.keyFingerprint ? shortFingerprint(report.keyFingerprint) : null;
  if (report.checkpoints === 0) {
    console.log("no checkpoints found: removed tails and re-chained rewrites cannot be detected without them");
  } else if (!key) {
    console.log(
      `${report.checkpoints} checkpoint(s) NOT CHECKED: no public key (set CHECKPOINT_PUBLIC_KEY, CHECKPOINT_KEY or CHECKPOINT_KEY_FILE)`,
    );
  } else {
    console.log(`${report.checkpointsVerified} of ${report.checkpoints} checkpoint(s) signed by the trusted key ${key}`);
  }
  const summary = Object.entries(report.streams).map(([type, count]) => `${count} ${type}`).join(", ");
  if (problems.length === 0) {
    console.log(
      `OK: ${report.events} events in streams (${summary}); every hash chain verifies and every record equals its fold, ` +
        `no position is missing${report.checkpoints > 0 && key ? ", and the log agrees with every checkpoint" : ""}.`,
    );
    if (report.checkpoints > 0 && !key) process.exitCode = 2;
  } else {
    console.log(`BROKEN: ${problems.length} problem(s) in ${report.events} events in streams (${summary}):`);
    for (const problem of problems.slice(0, 500)) console.log(`  ${describeProblem(problem)}`);
    if (problems.length > 500) console.log(`  ... and ${problems.length - 500} more`);
    process.exitCode = 1;
  }
}
