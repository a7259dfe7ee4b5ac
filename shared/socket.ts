// The typed socket.io contract. Server and client both import these types.
import type { IncidentType, UnitStatus } from "./domain";
import type { Ack } from "./errors";
import type { IncidentEvent } from "./events";
import type { UnitView } from "./api";
import type {
  CommandPayload,
  DecisionPayload,
  DispatchAckPayload,
  IncidentLocation,
  NotePayload,
  PhasePayload,
  SyncPayload,
  UnitPositionPayload,
  UnitStatusPayload,
  WaterUsePayload,
} from "./schemas";
import type { FiregroundResult, IncidentView, UnitStatusResult } from "./api";

export interface DispatchAlert {
  incidentId: string;
  incidentNumber: string;
  unitId: string;
  callSign: string;
  incidentType: IncidentType;
  /** May be an address only (`confirmed: false`) when the incident has not been placed on the map yet. */
  location: IncidentLocation;
  description?: string;
  notes?: string;
  /** Other units on the incident, so the crew knows who else is rolling. */
  otherUnits: { unitId: string; callSign: string; status: UnitStatus }[];
  dispatchedAt: string;
  /** 1 for the first alert, then 2, 3... for re-sends. */
  attempt: number;
}

export interface DispatchOverdue {
  incidentId: string;
  incidentNumber: string;
  unitId: string;
  callSign: string;
  dispatchedAt: string;
  secondsWaiting: number;
}

export interface UnitPositionUpdate {
  unitId: string;
  lat: number;
  lng: number;
  at: string;
  heading?: number;
  speed?: number;
}

/** Whether a unit's crew tablet is connected, and since when (server clock). Not a log event. */
export interface UnitPresence {
  unitId: string;
  online: boolean;
  since: string;
}

export interface SyncResult {
  /** Number of events re-sent (as `incident.event`) before this ack. */
  replayed: number;
  /** Latest global position the client now has. */
  position: number;
  /**
   * True when the replay stopped at the per-sync cap (SYNC_MAX_EVENTS) before reaching the end of the log: the
   * socket is not live yet, and the client must sync again from `position`.
   */
  more?: boolean;
}

export interface ServerToClientEvents {
  /** Every appended incident event, once, in log order, to everyone allowed to see it. */
  "incident.event": (event: IncidentEvent) => void;
  /**
   * A console's or pr's replay after `sync`: the missed events in log order, as many as one read of the log gave
   * (up to 500), in one message rather than one each, so a thousand consoles reconnecting at once cost a
   * thousand messages, not forty thousand. Apply them in order, as if each came as `incident.event`.
   */
  "incident.events": (events: IncidentEvent[]) => void;
  "dispatch.alert": (alert: DispatchAlert) => void;
  "dispatch.overdue": (overdue: DispatchOverdue) => void;
  /** A unit's record changed (status, incident, configuration). */
  "unit.updated": (unit: UnitView) => void;
  /** Volatile: may be dropped under load; the next report supersedes it. */
  "unit.position": (update: UnitPositionUpdate) => void;
  /**
   * Crew tablets connecting and disconnecting, to consoles: the full list after a console's sync, then each
   * change. Units whose tablet was never seen since the server started are not listed.
   */
  "unit.presence": (presence: UnitPresence[]) => void;
  /** The session's token was revoked: the client must log in again. */
  "session.revoked": () => void;
  /** The session reached its expiry: sent just before its sockets are disconnected; the client must log in again. */
  "session.expired": () => void;
}

export interface ClientToServerEvents {
  /** Replays what the client missed since its cursor, then acks; live events follow without a gap. */
  sync: (payload: SyncPayload, ack: Ack<SyncResult>) => void;
  "dispatch.ack": (payload: DispatchAckPayload, ack: Ack<UnitStatusResult>) => void;
  "unit.status": (payload: UnitStatusPayload, ack: Ack<UnitStatusResult>) => void;
  "unit.position": (payload: UnitPositionPayload, ack: Ack<{ received: true }>) => void;
  /** The tablet's fireground writes: the REST routes of the same names, with `incidentId` in the payload. */
  "incident.phase": (payload: PhasePayload, ack: Ack<IncidentView>) => void;
  "incident.note": (payload: NotePayload, ack: Ack<IncidentView>) => void;
  "incident.command": (payload: CommandPayload, ack: Ack<FiregroundResult>) => void;
  "incident.decision": (payload: DecisionPayload, ack: Ack<FiregroundResult>) => void;
  "incident.water_use": (payload: WaterUsePayload, ack: Ack<FiregroundResult>) => void;
}

export const ROOMS = {
  /** Every incident event with personal data: the control room and integrations. */
  consoles: "consoles",
  /** Every incident event presented without personal data: public-relations staff. */
  pr: "pr",
  unit: (unitId: string) => `unit:${unitId}`,
  incident: (incidentId: string) => `incident:${incidentId}`,
} as const;
