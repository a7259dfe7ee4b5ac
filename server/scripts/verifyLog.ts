// `npm run verify-log`: re-computes every stream's hash chain from the store, re-folds every stream and compares
// the result with the projection the reads serve, and reports every break it finds, not only the first.
// Exit code 0 when everything verifies, 1 when something was changed, removed or reordered.
import { StoredEventError } from "../../shared/eventSchemas";
import { STREAM_TYPES, type LogEvent, type StreamType } from "../../shared/events";
import { foldStream } from "../../shared/streams";
import { loadConfig } from "../config";
import { canonicalJson, verifyStreamChain, type ChainBreak } from "../core/hashChain";
import { createStore, describeStore } from "../store/index";
import type { Store } from "../store/types";

const PAGE = 5000;

/** The stored projection of a stream, as the reads serve it. */
async function storedProjection(store: Store, streamType: StreamType, streamId: string): Promise<unknown> {
  if (streamType === "incident") return (await store.getIncident(streamId))?.state ?? null;
  return (await store.getStream(streamType, streamId))?.state ?? null;
}

function refoldBreak(streamType: StreamType, streamId: string, events: LogEvent[], stored: unknown): ChainBreak | null {
  const last = events[events.length - 1];
  const at = { streamType, streamId, seq: last?.seq ?? 0, ...(last ? { position: last.position } : {}) };
  if (stored === null) return { ...at, problem: "the stream has events but no stored record" };
  try {
    const folded = foldStream(streamType, events as never);
    if (canonicalJson(folded) !== canonicalJson(stored)) return { ...at, problem: "the stored record differs from the fold of its events" };
  } catch (error) {
    return { ...at, problem: `its events do not fold: ${error instanceof Error ? error.message : String(error)}` };
  }
  return null;
}

export async function verifyStoreLog(store: Store) {
  const streams = new Map<string, { streamType: StreamType; streamId: string; events: LogEvent[] }>();
  const breaks: ChainBreak[] = [];
  let position = 0;
  let total = 0;
  for (;;) {
    let page: LogEvent[];
    try {
      page = await store.getEventsAfter(position, PAGE);
    } catch (error) {
      // One stored event no longer has its shape: name it, then go on after it.
      if (!(error instanceof StoredEventError) || error.where.position === undefined) throw error;
      const { streamType = "?", streamId = "?", seq = 0, position: at } = error.where;
      breaks.push({ streamType, streamId, seq, position: at, problem: `unreadable: ${error.problem}` });
      const before = position + 1 < at ? await store.getEventsAfter(position, at - position - 1) : [];
      before.forEach(collect);
      total += before.length;
      position = at;
      continue;
    }
    for (const event of page) {
      if (event.position <= position) {
        breaks.push({ streamType: event.streamType, streamId: event.streamId, seq: event.seq, position: event.position, problem: "global positions are not increasing" });
      }
      position = event.position;
      collect(event);
    }
    total += page.length;
    if (page.length < PAGE) break;
  }

  function collect(event: LogEvent): void {
    const key = `${event.streamType}:${event.streamId}`;
    const stream = streams.get(key) ?? { streamType: event.streamType, streamId: event.streamId, events: [] };
    stream.events.push(event);
    streams.set(key, stream);
  }

  for (const { streamType, streamId, events } of streams.values()) {
    events.sort((a, b) => a.seq - b.seq);
    const chainBreaks = verifyStreamChain(events);
    breaks.push(...chainBreaks);
    if (chainBreaks.length > 0) continue;
    const refold = refoldBreak(streamType, streamId, events, await storedProjection(store, streamType, streamId));
    if (refold) breaks.push(refold);
  }
  const counts = Object.fromEntries(STREAM_TYPES.map((type) => [type, 0])) as Record<StreamType, number>;
  for (const { streamType } of streams.values()) counts[streamType] += 1;
  return { streams: counts, events: total, breaks };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const store = await createStore(loadConfig());
  await store.init();
  console.log(`verifying the log in ${describeStore(store)}`);
  const { streams, events, breaks } = await verifyStoreLog(store);
  await store.close();
  const summary = Object.entries(streams).map(([type, count]) => `${count} ${type}`).join(", ");
  if (breaks.length === 0) {
    console.log(`OK: ${events} events in streams (${summary}); every hash chain verifies and every record equals its fold.`);
  } else {
    console.log(`BROKEN: ${breaks.length} problem(s) in ${events} events in streams (${summary}):`);
    for (const entry of breaks.slice(0, 200)) {
      console.log(`  ${entry.streamType} ${entry.streamId} seq ${entry.seq}${entry.position ? ` (position ${entry.position})` : ""}: ${entry.problem}`);
    }
    process.exitCode = 1;
  }
}
