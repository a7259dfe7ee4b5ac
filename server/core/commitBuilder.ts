// Collects one command's changes: appends hash-chained events to incidents, folds them into the projections,
// and hands the store a single atomic commit.
import type { EventSource } from "../../shared/domain";
import type { Actor, IncidentEventPayloads, IncidentEventType, NewIncidentEvent } from "../../shared/events";
import { applyIncidentEvent, type IncidentState } from "../../shared/incident";
import { normalizeAddress } from "../../shared/geo";
import type { CallRecord, Commit, IncidentRecord, OpRecord, UnitRecord } from "../store/types";
import { hashEvent } from "./hashChain";

export interface EventContext {
  actor: Actor;
  occurredAt: string;
  source: EventSource;
}

export function toIncidentRecord(state: IncidentState): IncidentRecord {
  return {
    id: state.id,
    number: state.number,
    status: state.status,
    incidentType: state.incidentType,
    receivedAtMs: Date.parse(state.receivedAt),
    lat: state.location.lat,
    lng: state.location.lng,
    addressKey: state.location.address ? normalizeAddress(state.location.address) : null,
    externalId: state.externalId ?? null,
    state,
  };
}

export class CommitBuilder {
  private readonly states = new Map<string, IncidentState>();
  private readonly events: NewIncidentEvent[] = [];
  private readonly units = new Map<string, UnitRecord>();
  private readonly calls: CallRecord[] = [];
  private readonly callMoves: Commit["callMoves"] = [];
  private readonly ops: OpRecord[] = [];

  constructor(readonly recordedAt: string) {}

  /** Appends to an incident; a second append to the same incident builds on the first (base is then ignored). */
  append<T extends IncidentEventType>(
    incidentId: string,
    base: IncidentState | undefined,
    type: T,
    payload: IncidentEventPayloads[T],
    context: EventContext,
  ): IncidentState {
    const previous = this.states.get(incidentId) ?? base;
    const seq = (previous?.lastSeq ?? 0) + 1;
    const prevHash = previous?.lastHash ?? "";
    const content = {
      incidentId,
      seq,
      type,
      occurredAt: context.occurredAt,
      recordedAt: this.recordedAt,
      source: context.source,
      actor: context.actor,
      payload,
    };
    const event = { ...content, prevHash, hash: hashEvent(prevHash, content) } as NewIncidentEvent;
    const next = applyIncidentEvent(previous, event);
    this.events.push(event);
    this.states.set(incidentId, next);
    return next;
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

  changedUnits(): UnitRecord[] {
    return [...this.units.values()];
  }

  build(): Commit {
    return {
      events: this.events,
      incidents: [...this.states.values()].map(toIncidentRecord),
      calls: this.calls,
      callMoves: this.callMoves,
      units: this.changedUnits(),
      ops: this.ops,
    };
  }
}
