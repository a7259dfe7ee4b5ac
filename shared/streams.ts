// The registry of streams: for each stream type, the pure fold that turns its events into the record's state.
// The server folds on every commit (the projections the reads serve) and `verify-log` re-folds every stream to
// check those projections; a new workflow adds its stream type here and in events.ts / eventSchemas.ts.
import type { NewStreamEvent, RunCardEventPayloads, StreamType } from "./events";
import { applyIncidentEvent, FoldError, type IncidentState } from "./incident";
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
};

/** Folds a whole stream, oldest first. */
export function foldStream<S extends StreamType>(streamType: S, events: readonly NewStreamEvent<S>[]): StreamStates[S] {
  const apply = STREAM_FOLDS[streamType] as StreamFold<S>;
  let state: StreamStates[S] | undefined;
  for (const event of events) state = apply(state, event);
  if (!state) throw new FoldError(`${streamType}: no events to fold`);
  return state;
}
