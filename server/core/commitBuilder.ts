// Collects one command's changes: appends hash-chained events to streams, folds them into the projections with
// the shared fold registry, and hands the store a single atomic commit.
import type { EventSource } from "../../shared/domain";
import type { Actor, NewLogEvent, NewStreamEvent, StreamPayloads, StreamType } from "../../shared/events";
import type { IncidentState } from "../../shared/incident";
import { normalizeAddress } from "../../shared/geo";
import { STREAM_FOLDS, type StreamFold, type StreamStates } from "../../shared/streams";
import type { CallRecord, Commit, CounterAdvance, IncidentRecord, OpRecord, StreamRecord, UnitRecord } from "../store/types";
import { isPlaced } from "../../shared/schemas";
import { hashEvent } from "./hashChain";

export interface EventContext {
  actor: Actor;
  occurredAt: string;
  source: EventSource;
}

type OtherStreamType = Exclude<StreamType, "incident">;

export function toIncidentRecord(state: IncidentState): IncidentRecord {
  return {
    id: state.id,
    number: state.number,
    status: state.status,
    incidentType: state.incidentType,
    receivedAtMs: Date.parse(state.receivedAt),
    lat: isPlaced(state.location) ? state.location.lat : null,
    lng: isPlaced(state.location) ? state.location.lng : null,
    addressKey: state.location.address ? normalizeAddress(state.location.address) : null,
    externalId: state.externalId ?? null,
    state,
  };
}

export class CommitBuilder {
  /** Folded states of every stream appended to, by `${streamType}:${streamId}`. */
  private readonly states = new Map<string, { streamType: StreamType; streamId: string; state: StreamStates[StreamType] }>();
  private readonly events: NewLogEvent[] = [];
  private readonly units = new Map<string, UnitRecord>();
  private readonly calls: CallRecord[] = [];
  private readonly callMoves: Commit["callMoves"] = [];
  private readonly ops: OpRecord[] = [];
  private readonly counters = new Map<string, CounterAdvance>();

  constructor(readonly recordedAt: string) {}

  /**
   * Appends to any stream; a second append to the same stream builds on the first (base is then ignored).
   * Returns the stream's folded state after the event.
   */
  appendTo<S extends StreamType, T extends keyof StreamPayloads[S]>(
    streamType: S,
    streamId: string,
    base: StreamStates[S] | undefined,
    type: T,
    payload: StreamPayloads[S][T],
    context: EventContext,
  ): StreamStates[S] {
    const key = `${streamType}:${streamId}`;
    const previous = (this.states.get(key)?.state as StreamStates[S] | undefined) ?? base;
    const seq = (previous?.lastSeq ?? 0) + 1;
    const prevHash = previous?.lastHash ?? "";
    const content = {
      streamType,
      streamId,
      seq,
      type,
      occurredAt: context.occurredAt,
      recordedAt: this.recordedAt,
      source: context.source,
      actor: context.actor,
      payload,
    } as unknown as Omit<NewLogEvent, "hash" | "prevHash">;
    const event = { ...content, prevHash, hash: hashEvent(prevHash, content) } as unknown as NewStreamEvent<S>;
    const fold = STREAM_FOLDS[streamType] as StreamFold<S>;
    const next = fold(previous, event);
    this.events.push(event as NewLogEvent);
    this.states.set(key, { streamType, streamId, state: next });
    return next;
  }

  /** Appends to an incident's stream. */
  append<T extends keyof StreamPayloads["incident"]>(
    incidentId: string,
    base: IncidentState | undefined,
    type: T,
    payload: StreamPayloads["incident"][T],
    context: EventContext,
  ): IncidentState {
    return this.appendTo("incident", incidentId, base, type, payload, context);
  }

  putUnit(unit: UnitRecord): void {
    this.units.set(unit.id, unit);
  }

  addCall(call: CallRecord): void {
    this.calls.push(call);
  }

  moveCall(callId: string, incidentId: string): void {
    this.callMoves.push({ callId, incidentId });
  }

  addOp(op: OpRecord): void {
    this.ops.push(op);
  }

  /** True while the command has changed nothing (an operation record alone does not count). */
  isEmpty(): boolean {
    return this.events.length === 0 && this.units.size === 0 && this.calls.length === 0 && this.callMoves.length === 0;
  }

  /**
   * Takes the next value of a named counter in this commit. `stored` is the counter's value as read from the
   * store (inside the write queue); the commit moves it only if it is still that value, so the number and the
   * records that use it land together or not at all.
   */
  claimSequence(name: string, stored: number): number {
    const advance = this.counters.get(name) ?? { name, from: stored, to: stored };
    advance.to += 1;
    this.counters.set(name, advance);
    return advance.to;
  }

  /** The units as read and changed: the commit carries the version each was read at (the store's check). */
  changedUnits(): UnitRecord[] {
    return [...this.units.values()];
  }

  /**
   * The units as the store holds them once this commit is in (the store writes version + 1): what answers and
   * broadcasts present, so a client can order copies of a unit by version (a copy from GET /units and one from
   * `unit.updated` of the same write carry the same number).
   */
  writtenUnits(): UnitRecord[] {
    return this.changedUnits().map((unit) => ({ ...unit, version: unit.version + 1 }));
  }

  build(): Commit {
    const incidents: IncidentRecord[] = [];
    const streams: StreamRecord[] = [];
    for (const { streamType, streamId, state } of this.states.values()) {
      if (streamType === "incident") incidents.push(toIncidentRecord(state as IncidentState));
      else {
        streams.push({ streamType, streamId, state: state as StreamStates[OtherStreamType], updatedAt: this.recordedAt } as StreamRecord);
      }
    }
    return {
      events: this.events,
      incidents,
      streams,
      calls: this.calls,
      callMoves: this.callMoves,
      units: this.changedUnits(),
      ops: this.ops,
      counters: [...this.counters.values()],
    };
  }
}
