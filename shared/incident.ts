// The current state of an incident is a pure fold of its events. The server stores the folded state as a
// projection; the client folds the same events with this same code.
import { releasesUnit, type IncidentPhase, type IncidentStatus, type IncidentType, type UnitStatus, type UnitType } from "./domain";
import { strategyOf, type CommanderRef, type Strategy } from "./decisions";
import type {
  CallRecordPayload,
  DecisionEventPayload,
  EventTime,
  IncidentEventType,
  NewIncidentEvent,
  WaterUseEventPayload,
} from "./events";
import type { IncidentLocation } from "./schemas";

export type StampedTime = EventTime;

/** One unit's assignment to this incident. A unit dispatched again gets a new assignment. */
export interface Assignment {
  unitId: string;
  callSign: string;
  unitType: UnitType;
  /** Latest status on this incident. */
  status: UnitStatus;
  /** False once the unit cleared (available), was reassigned, or was handed over by a merge. */
  active: boolean;
  dispatchedAt: StampedTime;
  times: Partial<Record<UnitStatus, StampedTime>>;
  reassignedTo?: string;
}

export interface IncidentCall extends CallRecordPayload {
  /** Incident the call was first taken under, when it came in by a merge. */
  mergedFrom?: string;
}

export interface ResponseIntervals {
  alarmProcessing: number | null;
  turnout: number | null;
  travel: number | null;
  totalResponse: number | null;
}
export const INTERVAL_NAMES = ["alarmProcessing", "turnout", "travel", "totalResponse"] as const;
export type IntervalName = (typeof INTERVAL_NAMES)[number];

/** A period of command: who, from when (by the log). */
export interface CommandRecord extends CommanderRef {
  seq: number;
  since: StampedTime;
}

/** A decision as the record keeps it: corrections are separate entries, listed in `correctedBy`. */
export interface DecisionRecord extends DecisionEventPayload {
  seq: number;
  at: StampedTime;
  /** Username of who recorded it, and their unit for a crew. */
  by: string;
  byUnitId?: string;
  correctedBy: number[];
}

export interface WaterUseRecord extends WaterUseEventPayload {
  seq: number;
  at: StampedTime;
  by: string;
}

export interface IncidentState {
  id: string;
  number: string;
  status: IncidentStatus;
  incidentType: IncidentType;
  alarmLevel: number;
  /** Placed, or `confirmed: false` (an address only) until a dispatcher places it: never made-up coordinates. */
  location: IncidentLocation;
  description?: string;
  externalId?: string;
  receivedAt: string;
  createdAt: StampedTime;
  calls: IncidentCall[];
  assignments: Assignment[];
  phases: Partial<Record<IncidentPhase, StampedTime>>;
  notes: { text: string; at: StampedTime; by: string }[];
  // The fireground record. Absent until its first event, so incidents without one (and projections stored before
  // these existed) are exactly what their fold gives.
  /** Who is in command now. */
  command?: CommandRecord;
  commandHistory?: CommandRecord[];
  strategy?: Strategy;
  decisions?: DecisionRecord[];
  waterUses?: WaterUseRecord[];
  mergedInto?: string;
  mergedFrom: string[];
  closedAt?: StampedTime;
  lastSeq: number;
  lastHash: string;
}

export class FoldError extends Error {}

function stamp(event: NewIncidentEvent): StampedTime {
  return { occurredAt: event.occurredAt, recordedAt: event.recordedAt };
}

function activeAssignment(state: IncidentState, unitId: string): Assignment | undefined {
  for (let i = state.assignments.length - 1; i >= 0; i--) {
    const assignment = state.assignments[i];
    if (assignment && assignment.unitId === unitId && assignment.active) return assignment;
  }
  return undefined;
}

function latestAssignment(state: IncidentState, unitId: string): Assignment | undefined {
  for (let i = state.assignments.length - 1; i >= 0; i--) {
    const assignment = state.assignments[i];
    if (assignment && assignment.unitId === unitId) return assignment;
  }
  return undefined;
}

function earliest(a: string | undefined, b: string): string {
  return a === undefined || Date.parse(b) < Date.parse(a) ? b : a;
}

type Reducer<T extends IncidentEventType> = (state: IncidentState, event: Extract<NewIncidentEvent, { type: T }>) => void;

const reducers: { [T in Exclude<IncidentEventType, "incident.created">]: Reducer<T> } = {
  "call.received": (state, event) => {
    state.calls.push({ ...event.payload });
    state.receivedAt = earliest(state.receivedAt, event.payload.receivedAt);
  },
  "unit.dispatched": (state, event) => {
    const { unitId, callSign, unitType } = event.payload;
    const previous = activeAssignment(state, unitId);
    if (previous) previous.active = false;
    state.assignments.push({
      unitId,
      callSign,
      unitType,
      status: "dispatched",
      active: true,
      dispatchedAt: stamp(event),
      times: { dispatched: stamp(event) },
    });
  },
  "unit.status": (state, event) => {
    if (event.payload.earlierAssignment) {
      const earlier = latestAssignment(state, event.payload.unitId);
      if (!earlier) throw new FoldError(`unit ${event.payload.unitId} was never assigned here`);
      earlier.status = event.payload.status;
      earlier.times[event.payload.status] ??= stamp(event);
      return;
    }
    const assignment = activeAssignment(state, event.payload.unitId);
    if (!assignment) throw new FoldError(`unit ${event.payload.unitId} has no active assignment`);
    assignment.status = event.payload.status;
    // The first report of a status counts: a repeated "on scene" does not move the arrival.
    assignment.times[event.payload.status] ??= stamp(event);
    if (releasesUnit(event.payload.status)) assignment.active = false;
  },
  "unit.reassigned": (state, event) => {
    const assignment = activeAssignment(state, event.payload.unitId);
    if (!assignment) throw new FoldError(`unit ${event.payload.unitId} has no active assignment`);
    assignment.active = false;
    assignment.reassignedTo = event.payload.toIncidentId;
  },
  "incident.phase": (state, event) => {
    state.phases[event.payload.phase] ??= stamp(event);
  },
  "incident.alarm_level": (state, event) => {
    state.alarmLevel = event.payload.alarmLevel;
  },
  "incident.note": (state, event) => {
    state.notes.push({ text: event.payload.text, at: stamp(event), by: event.actor.username });
  },
  "incident.located": (state, event) => {
    state.location = event.payload.location;
  },
  "incident.merged": (state, event) => {
    state.status = "merged";
    state.mergedInto = event.payload.into;
    for (const assignment of state.assignments) {
      if (assignment.active) {
        assignment.active = false;
        assignment.reassignedTo = event.payload.into;
      }
    }
  },
  "incident.absorbed": (state, event) => {
    state.mergedFrom.push(event.payload.from);
    for (const call of event.payload.calls) {
      state.calls.push({ ...call, mergedFrom: event.payload.from });
      state.receivedAt = earliest(state.receivedAt, call.receivedAt);
    }
    for (const unit of event.payload.units) {
      if (activeAssignment(state, unit.unitId)) continue;
      state.assignments.push({ ...structuredClone(unit), active: true });
    }
  },
  "incident.closed": (state, event) => {
    state.status = "closed";
    state.closedAt = stamp(event);
  },
  "incident.command": (state, event) => {
    const { unitId, callSign, commanderName, icsRole } = event.payload;
    const record: CommandRecord = { unitId, callSign, name: commanderName, icsRole, seq: event.seq, since: stamp(event) };
    (state.commandHistory ??= []).push(record);
    state.command = record;
  },
  "incident.decision": (state, event) => {
    const { corrects } = event.payload;
    if (corrects !== undefined) {
      const corrected = state.decisions?.find((decision) => decision.seq === corrects);
      if (!corrected) throw new FoldError(`incident ${state.id}: decision ${corrects} to correct does not exist`);
      corrected.correctedBy.push(event.seq);
    }
    (state.decisions ??= []).push({
      ...structuredClone(event.payload),
      seq: event.seq,
      at: stamp(event),
      by: event.actor.username,
      ...(event.actor.unitId !== undefined ? { byUnitId: event.actor.unitId } : {}),
      correctedBy: [],
    });
    const strategy = strategyOf(event.payload.decisionType);
    if (strategy) state.strategy = strategy;
  },
  "incident.water_use": (state, event) => {
    (state.waterUses ??= []).push({ ...structuredClone(event.payload), seq: event.seq, at: stamp(event), by: event.actor.username });
  },
};

/** Who was in command at `occurredAt` by the log: the latest command taken at or before it. */
export function commanderAt(state: IncidentState, occurredAt: string): CommanderRef | null {
  const at = Date.parse(occurredAt);
  let found: CommandRecord | null = null;
  for (const record of state.commandHistory ?? []) {
    if (Date.parse(record.since.occurredAt) <= at && (!found || Date.parse(record.since.occurredAt) >= Date.parse(found.since.occurredAt))) {
      found = record;
    }
  }
  if (!found) return null;
  return { unitId: found.unitId, callSign: found.callSign, name: found.name, icsRole: found.icsRole };
}

function createState(event: Extract<NewIncidentEvent, { type: "incident.created" }>): IncidentState {
  const { payload } = event;
  return {
    id: event.streamId,
    number: payload.number,
    status: "open",
    incidentType: payload.incidentType,
    alarmLevel: payload.alarmLevel,
    location: payload.location,
    ...(payload.description !== undefined ? { description: payload.description } : {}),
    ...(payload.externalId !== undefined ? { externalId: payload.externalId } : {}),
    receivedAt: payload.receivedAt,
    createdAt: stamp(event),
    calls: [],
    assignments: [],
    phases: {},
    notes: [],
    mergedFrom: [],
    lastSeq: event.seq,
    lastHash: event.hash,
  };
}

/**
 * Applies one event to a state. Returns a new state (the input is not modified), so a store's
 * projection and a client's cached state can both be advanced safely.
 */
export function applyIncidentEvent(state: IncidentState | undefined, event: NewIncidentEvent): IncidentState {
  if (!state) {
    if (event.type !== "incident.created") throw new FoldError(`event ${event.type} before incident.created`);
    return createState(event);
  }
  checkNext(state, event);
  return reduceInPlace(structuredClone(state), event);
}

/**
 * Folds a whole stream. The events are copied once and one state is changed in place: copying the whole state for
 * every event, as applyIncidentEvent must for callers that keep the state before, made a long incident's fold
 * quadratic in its length (verify-log re-folds every stream).
 */
export function foldIncident(events: readonly NewIncidentEvent[]): IncidentState {
  let state: IncidentState | undefined;
  for (const event of structuredClone(events)) {
    if (state) checkNext(state, event);
    state = state ? reduceInPlace(state, event) : applyIncidentEvent(undefined, event);
  }
  if (!state) throw new FoldError("no events to fold");
  return state;
}

function checkNext(state: IncidentState, event: NewIncidentEvent): void {
  if (event.type === "incident.created") throw new FoldError(`incident ${event.streamId} is created twice`);
  if (event.seq !== state.lastSeq + 1) {
    throw new FoldError(`incident ${state.id}: expected seq ${state.lastSeq + 1}, got ${event.seq}`);
  }
}

/** The reducer of one checked event, on a state the caller owns. */
function reduceInPlace(state: IncidentState, event: NewIncidentEvent): IncidentState {
  (reducers[event.type as Exclude<NewIncidentEvent["type"], "incident.created">] as Reducer<typeof event.type>)(state, event as never);
  state.lastSeq = event.seq;
  state.lastHash = event.hash;
  return state;
}

function seconds(from: string | undefined, to: string | undefined): number | null {
  if (from === undefined || to === undefined) return null;
  return Math.round((Date.parse(to) - Date.parse(from)) / 1000);
}

/** The assignment with the earliest on-scene time; ties go to the earliest dispatched, then the first recorded. */
export function firstArriving(state: IncidentState): Assignment | undefined {
  let first: Assignment | undefined;
  let firstKey: [number, number] | undefined;
  for (const assignment of state.assignments) {
    const onScene = assignment.times.on_scene?.occurredAt;
    if (onScene === undefined) continue;
    const key: [number, number] = [Date.parse(onScene), Date.parse(assignment.dispatchedAt.occurredAt)];
    if (!firstKey || key[0] < firstKey[0] || (key[0] === firstKey[0] && key[1] < firstKey[1])) {
      first = assignment;
      firstKey = key;
    }
  }
  return first;
}

export function firstDispatchedAt(state: IncidentState): string | undefined {
  let first: string | undefined;
  for (const assignment of state.assignments) first = earliest(first, assignment.dispatchedAt.occurredAt);
  return first;
}

/**
 * Response-time intervals in seconds (NFPA 1710 names). Computed from `occurredAt`; null when an end is missing.
 * Units handed over by a merge keep their original times, so a merged incident reports the true response.
 */
export function computeIntervals(state: IncidentState): ResponseIntervals {
  const arriving = firstArriving(state);
  const dispatched = arriving?.times.dispatched?.occurredAt;
  const enRoute = arriving?.times.en_route?.occurredAt;
  const onScene = arriving?.times.on_scene?.occurredAt;
  return {
    alarmProcessing: seconds(state.receivedAt, firstDispatchedAt(state)),
    turnout: seconds(dispatched, enRoute),
    travel: seconds(enRoute, onScene),
    totalResponse: seconds(state.receivedAt, onScene),
  };
}

export function activeAssignments(state: IncidentState): Assignment[] {
  return state.assignments.filter((assignment) => assignment.active);
}
