// The registry of streams: for each stream type, the pure fold that turns its events into the record's state.
// The server folds on every commit (the projections the reads serve) and `verify-log` re-folds every stream to
// check those projections; a new workflow adds its stream type here and in events.ts / eventSchemas.ts.
import type { NewStreamEvent, RunCardEventPayloads, StreamType } from "./events";
import { applyExplanationEvent, type ExplanationState } from "./explanation";
import { applyIncidentEvent, FoldError, foldIncident, type IncidentState } from "./incident";
import { applyCaseEvent, type CaseState } from "./cases";

/** What every folded state carries: where its stream's chain ends, so the next event can be appended. */
export interface StreamHead {
  lastSeq: number;
  lastHash: string;
}

export type RunCardState = RunCardEventPayloads["run_card.replaced"] & StreamHead;

export interface StreamStates {
  incident: IncidentState;
  run_card: RunCardState;
  case: CaseState;
  explanation: ExplanationState;
}

export type StreamFold<S extends StreamType> = (state: StreamStates[S] | undefined, event: NewStreamEvent<S>) => StreamStates[S];

function applyRunCardEvent(state: RunCardState | undefined, event: NewStreamEvent<"run_card">): RunCardState {
  if (event.seq !== (state?.lastSeq ?? 0) + 1) {
    throw new FoldError(`run card ${event.streamId}: expected seq ${(state?.lastSeq ?? 0) + 1}, got ${event.seq}`);
  }
  return { incidentType: event.payload.incidentType, levels: event.payload.levels, lastSeq: event.seq, lastHash: event.hash };
}

export const STREAM_FOLDS: { [S in StreamType]: StreamFold<S> } = {
  incident: applyIncidentEvent,
  run_card: applyRunCardEvent,
  case: applyCaseEvent,
  explanation: applyExplanationEvent,
};

/**
 * A key a stream's record is found by besides its id (indexed in the streams table): a published explanation by
 * its public token. Derived from the folded state, so `verify-log` re-derives it too.
 */
export const STREAM_LOOKUP_KEYS: { [S in Exclude<StreamType, "incident">]?: (state: StreamStates[S]) => string | null } = {
  explanation: (state) => state.token ?? null,
};

export function lookupKeyOf<S extends Exclude<StreamType, "incident">>(streamType: S, state: StreamStates[S]): string | null {
  const derive = STREAM_LOOKUP_KEYS[streamType] as ((state: StreamStates[S]) => string | null) | undefined;
  return derive ? derive(state) : null;
}

/** Folds a whole stream, oldest first. */
export function foldStream<S extends StreamType>(streamType: S, events: readonly NewStreamEvent<S>[]): StreamStates[S] {
  if (events.length === 0) throw new FoldError(`${streamType}: no events to fold`);
  // An incident can run to thousands of events: its fold changes one state in place (see foldIncident).
  if (streamType === "incident") return foldIncident(events as readonly NewStreamEvent<"incident">[]) as StreamStates[S];
  const apply = STREAM_FOLDS[streamType] as StreamFold<S>;
  let state: StreamStates[S] | undefined;
  for (const event of events) state = apply(state, event);
  if (!state) throw new FoldError(`${streamType}: no events to fold`);
  return state;
}
