// The log: a log of streams (an incident, a run card, ...). Every change to a record that matters to a resident or
// a court is one of these events, appended to its stream, never edited.
import type {
  CallSource,
  EventSource,
  IncidentPhase,
  IncidentType,
  Role,
  UnitStatus,
  UnitType,
} from "./domain";
import type {
  Agent,
  CommanderRef,
  DecisionFactor,
  DecisionType,
  FireClass,
  IcsRole,
  LegalBasis,
  NozzlePattern,
  RadioedFor,
  Strategy,
  WaterConcern,
} from "./decisions";
import type { IncidentLocation, LatLng, Location, PropertyAffected, TransferRecord } from "./schemas";
import type { CaseEventPayloads } from "./cases";
import type { ExplanationContent, LogHead } from "./explanation";

export interface Actor {
  userId: string;
  username: string;
  role: Role;
  unitId?: string;
}

/** Where a call came from when it arrived as a NENA EIDO document (see shared/eido.ts). */
export interface EidoOrigin {
  /** The document's `$id`: the sender's incident tracking identifier. */
  id: string;
  lastUpdateTimeStamp: string;
  /** The `$id` of the EIDO call component this call record was made from, if any. */
  callComponentId?: string;
  /** Components and fields we do not map, kept as received (personal data: never shown to PR). */
  unmapped?: Record<string, unknown>;
}

export interface CallRecordPayload {
  callId: string;
  intakeId: string;
  source: CallSource;
  receivedAt: string;
  callerNumber?: string;
  callerName?: string;
  location: IncidentLocation;
  incidentType: IncidentType;
  description?: string;
  transfer?: TransferRecord & { eido?: EidoOrigin };
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

/** Set when a dispatcher, supervisor or admin recorded what a commander radioed in. */
export interface RadioRecord {
  recordedFor?: RadioedFor;
}

export interface DecisionEventPayload extends RadioRecord {
  decisionType: DecisionType;
  reason: string;
  factors: DecisionFactor[];
  legalBasis?: LegalBasis;
  propertyAffected?: PropertyAffected;
  publicCandidate: boolean;
  /** Seq of the decision this one corrects; the corrected entry stays in the log unchanged. */
  corrects?: number;
  evacuationRadiusM?: number;
  /** For a strategy decision: the strategy it switched from, if one was in force. */
  previousStrategy?: Strategy;
  /** Who was in command at `occurredAt`, per the log (null before command was established). */
  commander: CommanderRef | null;
}

export interface WaterUseEventPayload extends RadioRecord {
  unitId: string;
  callSign: string;
  agent: Agent;
  nozzle: NozzlePattern;
  fireClass: FireClass;
  flameVisible: boolean;
  waterEstimateL?: number;
  /** What the guard found; `flagged` when any, and then `reason` is always present. */
  concerns: WaterConcern[];
  flagged: boolean;
  reason?: string;
  factors: DecisionFactor[];
  commander: CommanderRef | null;
}

export interface IncidentEventPayloads {
  "incident.created": {
    number: string;
    incidentType: IncidentType;
    location: IncidentLocation;
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
    /**
     * Imported history for an assignment the unit had already left (re-routed): it completes that assignment's
     * times and does not make it active again.
     */
    earlierAssignment?: true;
  };
  /** The unit left this incident for another one before clearing. */
  "unit.reassigned": { unitId: string; toIncidentId: string };
  "incident.phase": { phase: IncidentPhase; note?: string };
  /** A greater (or smaller) alarm: the run card for the new level applies to recommendations. */
  "incident.alarm_level": { alarmLevel: number; previousLevel: number; reason?: string };
  "incident.note": { text: string };
  /** A dispatcher placed the incident on the map (confirming an address-only position) or moved it. */
  "incident.located": { location: Location; previous: IncidentLocation };
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
  /** Command established (no one was in command) or transferred (someone was: `previous`). */
  "incident.command": {
    action: "established" | "transferred";
    unitId: string;
    callSign: string;
    commanderName: string;
    icsRole: IcsRole;
    previous?: CommanderRef;
  };
  /** A fireground decision with its reason; never edited, corrected by a new one (`corrects`). */
  "incident.decision": DecisionEventPayload;
  /** Water or another agent put on the fire, with the guard's verdict. */
  "incident.water_use": WaterUseEventPayload;
}

export type IncidentEventType = keyof IncidentEventPayloads;

/**
 * Run cards (which units an incident type gets at each alarm level) are a stream of their own: who changed the
 * card and when matters when a resident asks why only one engine came.
 */
export interface RunCardEventPayloads {
  "run_card.replaced": { incidentType: IncidentType; levels: { alarmLevel: number; units: { type: UnitType; count: number }[] }[] };
}

/**
 * Public explanations of an incident (stream id: a random id of the explanation): drafts, reviews, publications,
 * corrections and withdrawals, with who and when.
 */
export interface ExplanationEventPayloads {
  "explanation.drafted": { incidentId: string; incidentNumber: string; content: ExplanationContent };
  /** The whole working content after the edit; on a published page it starts a correction. */
  "explanation.edited": { content: ExplanationContent; correctionNote?: string };
  "explanation.submitted": Record<string, never>;
  "explanation.approved": { comment?: string };
  "explanation.returned": { comment?: string };
  /** The exact content published as `version`, and the head of the incident's log at that moment. */
  "explanation.published": {
    token: string;
    version: number;
    content: ExplanationContent;
    incidentLogHead: LogHead;
    note?: string;
  };
  "explanation.withdrawn": { reason: string };
  /**
   * The signed checkpoint written right after `version` was published, which covers it: recorded so the page can
   * name the anchor outside the database that a resident or a court can check the record against.
   */
  "explanation.anchored": { version: number; checkpoint: CheckpointRef };
}

/** A signed checkpoint of the log head, as a published page names it (README, Evidence). */
export interface CheckpointRef {
  /** Global log position the checkpoint covers (everything up to it). */
  position: number;
  createdAt: string;
  headsHash: string;
  /** sha-256 of the signed body: which checkpoint file this is. */
  bodyHash: string;
  /** sha-256 of the signing public key. */
  keyFingerprint: string;
}

/** Every stream type of the log, with its event payloads. A new workflow adds its stream here. */
export interface StreamPayloads {
  incident: IncidentEventPayloads;
  run_card: RunCardEventPayloads;
  /** A resident's question or complaint (shared/cases.ts); id: the case number. */
  case: CaseEventPayloads;
  explanation: ExplanationEventPayloads;
}
export type StreamType = keyof StreamPayloads;
export const STREAM_TYPES = ["incident", "run_card", "case", "explanation"] as const satisfies readonly StreamType[];

interface EventEnvelope<S extends StreamType, T extends keyof StreamPayloads[S]> {
  streamType: S;
  /** The incident id, the run card's incident type, ... */
  streamId: string;
  /** 1-based, gap-free per stream. */
  seq: number;
  type: T;
  /** When it happened, by the source's clock (device, console, other center, history). */
  occurredAt: string;
  /** When the server durably recorded it. */
  recordedAt: string;
  source: EventSource;
  actor: Actor;
  payload: StreamPayloads[S][T];
  /** sha-256 hex of the previous event of this stream ("" for seq 1). */
  prevHash: string;
  /** sha-256 hex over prevHash and this event's canonical content. */
  hash: string;
}

/** An event of one stream type before the store gives it a global position. */
export type NewStreamEvent<S extends StreamType> = {
  [T in keyof StreamPayloads[S]]: EventEnvelope<S, T>;
}[keyof StreamPayloads[S]];

/** An event as stored: `position` is its place in the global log, strictly increasing. */
export type StreamEvent<S extends StreamType> = NewStreamEvent<S> & { position: number };

export type NewIncidentEvent = NewStreamEvent<"incident">;
export type IncidentEvent = StreamEvent<"incident">;
export type CaseEvent = StreamEvent<"case">;

/** Any event of the log. */
export type NewLogEvent = { [S in StreamType]: NewStreamEvent<S> }[StreamType];
export type LogEvent = { [S in StreamType]: StreamEvent<S> }[StreamType];

export function isIncidentEvent(event: LogEvent): event is IncidentEvent {
  return event.streamType === "incident";
}
