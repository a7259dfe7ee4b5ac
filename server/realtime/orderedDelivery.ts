// Every instance delivers incident events to its sockets in log order, whichever instance committed them. Its own
// commits come straight from the write path, other instances' through Redis, and the two can cross: a later
// position may be in hand before an earlier one. Delivering it first would let a client's cursor (its highest
// position) pass an event it never got, and a client that then moves to another instance would sync past it.
// So a commit whose first position is beyond the next one expected is delivered only after the ones before it,
// which are read from the store (they are committed: positions are assigned in commit order); their own copies
// arriving later are dropped. One process: commits arrive in order and nothing is read.
import { isIncidentEvent, type IncidentEvent, type LogEvent } from "../../shared/events";
import type { IncidentState } from "../../shared/incident";
import type { Store } from "../store/types";

/** A commit as it reaches delivery: the positions it took (all stream types) and its incident events. */
export interface CommittedRange {
  firstPosition: number;
  lastPosition: number;
  events: IncidentEvent[];
  incidents: IncidentState[];
}

export type DeliverLive = (events: readonly IncidentEvent[], states: ReadonlyMap<string, IncidentState>) => void;

export class OrderedDelivery {
  private delivered: number;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    startPosition: number,
    private readonly deliver: DeliverLive,
    private readonly onError: (error: unknown) => void,
  ) {
    this.delivered = startPosition;
  }

  /** Takes a commit from this instance or another one; resolves once it (and all before it) went out. */
  accept(range: CommittedRange): Promise<void> {
    // In order with nothing waiting (always so in one process): deliver now, synchronously.
    if (this.waiting === 0 && range.firstPosition <= this.delivered + 1) {
      this.deliverRange(range);
      return Promise.resolve();
    }
    this.waiting += 1;
    this.chain = this.chain
      .then(async () => {
        if (range.firstPosition > this.delivered + 1) await this.catchUp(range.firstPosition - 1);
        this.deliverRange(range);
      })
      .catch(this.onError)
      .finally(() => {
        this.waiting -= 1;
      });
    return this.chain;
  }

  /** Commits held until those before them are delivered. */
  private waiting = 0;

  /** Delivers the events of a range this instance has not delivered yet (another copy may have come first). */
  private deliverRange(range: CommittedRange): void {
    if (range.lastPosition <= this.delivered) return;
    const events = range.events.filter((event) => event.position > this.delivered);
    this.deliver(events, new Map(range.incidents.map((state) => [state.id, state])));
    this.delivered = Math.max(this.delivered, range.lastPosition);
  }

  /** Delivers what the store holds up to `upTo` that this instance has not delivered yet. */
  private async catchUp(upTo: number): Promise<void> {
    while (this.delivered < upTo) {
      const batch: LogEvent[] = await this.store.getEventsAfter(this.delivered, Math.min(500, upTo - this.delivered));
      if (batch.length === 0) return;
      const events = batch.filter(isIncidentEvent);
      const incidents: IncidentState[] = [];
      for (const id of new Set(events.map((event) => event.streamId))) {
        const record = await this.store.getIncident(id);
        if (record) incidents.push(record.state);
      }
      this.deliverRange({ firstPosition: batch[0]!.position, lastPosition: batch[batch.length - 1]!.position, events, incidents });
    }
  }
}
