// The incident log: every change to an incident is one of these events, appended, never edited.
import type {
  CallSource,
  EventSource,
  IncidentPhase,
  IncidentType,
  Role,
  UnitStatus,
  UnitType,
} from "./domain";
import type { LatLng, Location, TransferRecord } from "./schemas";

export interface Actor {
  userId: string;
  username: string;
  role: Role;
  unitId?: string;
}

export interface CallRecordPayload {
  callId: string;
  intakeId: string;
  source: CallSource;
  receivedAt: string;
  callerNumber?: string;
  callerName?: string;
  location: Location;
  incidentType: IncidentType;
  description?: string;
  transfer?: TransferRecord;
  externalId?: string;
}

export interface EventTime {
  occurredAt: string;
  recordedAt: string;
}

export interface HandedOverAssignment {
  unitId: string;
  callSign: string;
  unitType: UnitType;
  status: UnitStatus;
  dispatchedAt: EventTime;
  times: Partial<Record<UnitStatus, EventTime>>;
}

export interface IncidentEventPayloads {
  "incident.created": {
    number: string;
    incidentType: IncidentType;
    location: Location;
    receivedAt: string;
    alarmLevel: number;
    externalId?: string;
    description?: string;
  };
  /** A call taken for this incident: the first one, a linked duplicate, or a transfer. */
  "call.received": CallRecordPayload;
  "unit.dispatched": {
    unitId: string;
    callSign: string;
    unitType: UnitType;
    /** Set when the unit was taken from another incident. */
    reassignedFrom?: string;
    notes?: string;
  };
  "unit.status": {
    unitId: string;
    status: UnitStatus;
    previousStatus: UnitStatus;
    position?: LatLng;
    override?: { reason: string };
  };
  /** The unit left this incident for another one before clearing. */
  "unit.reassigned": { unitId: string; toIncidentId: string };
  "incident.phase": { phase: IncidentPhase; note?: string };
  /** A greater (or smaller) alarm: the run card for the new level applies to recommendations. */
  "incident.alarm_level": { alarmLevel: number; previousLevel: number; reason?: string };
  "incident.note": { text: string };
  /** This incident was merged into `into`: its calls and units moved there. */
  "incident.merged": { into: string; intoNumber: string; callIds: string[]; unitIds: string[]; reason?: string };
  /** Another incident was merged into this one. */
  "incident.absorbed": {
    from: string;
    fromNumber: string;
    calls: CallRecordPayload[];
    /** Active assignments handed over, with their original times so intervals stay true. */
    units: HandedOverAssignment[];
    reason?: string;
  };
  "incident.closed": { reason?: string };
}

export type IncidentEventType = keyof IncidentEventPayloads;

interface EventEnvelope<T extends IncidentEventType> {
  incidentId: string;
  /** 1-based, gap-free per incident. */
  seq: number;
  type: T;
  /** When it happened, by the source's clock (device, console, other center, history). */
  occurredAt: string;
  /** When the server durably recorded it. */
  recordedAt: string;
  source: EventSource;
  actor: Actor;
  payload: IncidentEventPayloads[T];
  /** sha-256 hex of the previous event of this incident ("" for seq 1). */
  prevHash: string;
  /** sha-256 hex over prevHash and this event's canonical content. */
  hash: string;
}

/** An event before the store gives it a global position. */
export type NewIncidentEvent = { [T in IncidentEventType]: EventEnvelope<T> }[IncidentEventType];

/** An event as stored: `position` is its place in the global log, strictly increasing. */
export type IncidentEvent = NewIncidentEvent & { position: number };
