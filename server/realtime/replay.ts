// Live-stream replay (`sync { position }` from consoles and pr) without holding up writes. The replay reads the
// log in batches outside the write queue and lets other work run between batches; only the last step, which sends
// what was committed since the last read and then joins the live room, runs in the queue, so no event can fall
// between the replay and the live stream and none comes twice. That step reads at most one batch: a socket that is
// still far behind leaves the queue again and catches up outside it.
import type { LogEvent } from "../../shared/events";
import type { ServiceContext } from "../services/context";

const REPLAY_BATCH = 500;

export interface LiveStreamReplay {
  /** Last position the client has applied; absent: from the end of the log (live only). */
  from: number | undefined;
  /** Log events this sync may read at most (SYNC_MAX_EVENTS). */
  maxEvents: number;
  /** Presents and emits what the socket may see of one batch, in log order. */
  sendBatch(events: LogEvent[]): void | Promise<void>;
  /** Stops live delivery while replaying (a socket that syncs again must not get live events mid-replay). */
  leaveLive(): void | Promise<void>;
  /** Puts the socket in the live room with its live events held (liveGate.ts); called inside the write queue. */
  joinLive(): void | Promise<void>;
  /** After the last read up to `position`: sends the held live events it did not cover, and goes live. */
  releaseLive(position: number): void;
  /** False once the socket is gone: the replay stops, and a gone socket never joins a room. */
  connected(): boolean;
}

/** Lets HTTP requests, commits and other sockets run: the SQLite adapter never yields on its own. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Where the replay got to; `more` when it stopped at `maxEvents` before the end of the log. */
export interface ReplayEnd {
  position: number;
  more: boolean;
}

export async function replayToLiveStream(context: ServiceContext, replay: LiveStreamReplay): Promise<ReplayEnd> {
  await replay.leaveLive();
  let position = replay.from ?? (await context.store.getLastPosition());
  let read = 0;
  const sendAll = async (events: LogEvent[]) => {
    if (events.length > 0) await replay.sendBatch(events);
    read += events.length;
    position = events[events.length - 1]?.position ?? position;
  };

  for (;;) {
    // Outside the queue: catch up batch by batch.
    for (;;) {
      if (!replay.connected()) return { position, more: false };
      const limit = Math.min(REPLAY_BATCH, replay.maxEvents - read);
      if (limit <= 0) return { position, more: true };
      const batch = await context.store.getEventsAfter(position, limit);
      await sendAll(batch);
      if (batch.length < limit) break;
      await yieldToEventLoop();
    }
    // In the queue nothing commits here: join the live room holding its events, close the gap since the last
    // read, then go live. Another instance's events may still arrive at any time: the gate sorts them out.
    const live = await context.queue.run(async () => {
      const limit = Math.min(REPLAY_BATCH, replay.maxEvents - read);
      if (limit <= 0) return false;
      if (!replay.connected()) return true;
      await replay.joinLive();
      const gap = await context.store.getEventsAfter(position, limit);
      await sendAll(gap);
      if (gap.length === limit) {
        await replay.leaveLive();
        return false;
      }
      replay.releaseLive(position);
      return true;
    });
    if (live) return { position, more: false };
    if (read >= replay.maxEvents) return { position, more: true };
    await yieldToEventLoop();
  }
}
