// Vocabulary of the 119 domain shared by server and client (field background: DOMAIN.md beside this repository).
// No zod here: the login shell and the crew tablet import these lists, and zod would ride along into their
// first load (issue 12). The lists' schemas (`IncidentType`, `DecisionType`, ...) are in schemas.ts.

export const INCIDENT_TYPES = [
  "structure_fire",
  "vehicle_fire",
  "outside_fire",
  "wildland_fire",
  "alarm",
  "hazmat",
  "rescue",
  "medical",
  "service",
  "other",
] as const;
export type IncidentType = (typeof INCIDENT_TYPES)[number];

export const UNIT_TYPES = [
  "engine",
  "ladder",
  "rescue",
  "tanker",
  "hazmat",
  "command",
  "medic",
  "ambulance",
  "wildland",
  "support",
  "other",
] as const;
export type UnitType = (typeof UNIT_TYPES)[number];

/** Statuses in the order a crew normally walks through them. */
export const UNIT_STATUSES = [
  "available",
  "dispatched",
  "acknowledged",
  "en_route",
  "on_scene",
  "transporting",
  "at_hospital",
  "returning",
  "out_of_service",
] as const;
export type UnitStatus = (typeof UNIT_STATUSES)[number];

/** Statuses a unit reports by itself; `dispatched` only comes from a dispatch. */
export const REPORTABLE_UNIT_STATUSES = UNIT_STATUSES.filter((status) => status !== "dispatched");
export type ReportableUnitStatus = Exclude<UnitStatus, "dispatched">;

/** Statuses in which a unit is committed to an incident. */
export const COMMITTED_STATUSES: readonly UnitStatus[] = [
  "dispatched",
  "acknowledged",
  "en_route",
  "on_scene",
  "transporting",
  "at_hospital",
];

/**
 * The live order rules: which status may follow which. Anything else needs a dispatcher override
 * with a reason (or comes from an import, where history is recorded as it happened).
 */
export const ALLOWED_TRANSITIONS: Record<UnitStatus, readonly UnitStatus[]> = {
  available: ["out_of_service"],
  dispatched: ["acknowledged", "en_route", "available"],
  acknowledged: ["en_route", "available"],
  en_route: ["on_scene", "available"],
  on_scene: ["transporting", "returning", "available"],
  transporting: ["at_hospital", "returning", "available"],
  at_hospital: ["returning", "available"],
  returning: ["available", "out_of_service"],
  out_of_service: ["available"],
};

/** Statuses that free a unit from its incident. */
export const RELEASING_STATUSES: readonly UnitStatus[] = ["available", "out_of_service"];

export function releasesUnit(status: UnitStatus): boolean {
  return RELEASING_STATUSES.includes(status);
}

export function isAllowedTransition(from: UnitStatus, to: UnitStatus): boolean {
  return ALLOWED_TRANSITIONS[from].includes(to);
}

export const ROLES = ["dispatcher", "crew", "supervisor", "pr", "admin", "integration", "caseworker"] as const;
export type Role = (typeof ROLES)[number];

// What each role may do is decided in policy.ts, nowhere else.

export const CALL_SOURCES = ["phone", "transfer", "import"] as const;
export type CallSource = (typeof CALL_SOURCES)[number];

/** Where an event's `occurredAt` came from: a live device/console clock or recorded history. */
export const EVENT_SOURCES = ["live", "transfer", "import"] as const;
export type EventSource = (typeof EVENT_SOURCES)[number];

/**
 * Fireground benchmarks (NERIS tactic times plus common ICS benchmarks), recorded as incident phases.
 */
export const INCIDENT_PHASES = [
  "command_established",
  "size_up_complete",
  "primary_search_begun",
  "all_clear",
  "water_on_fire",
  "under_control",
  "knocked_down",
  "loss_stopped",
  "suppression_complete",
  "extrication_complete",
  "par_check",
] as const;
export type IncidentPhase = (typeof INCIDENT_PHASES)[number];

export const INCIDENT_STATUSES = ["open", "closed", "merged"] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/** Centers that transfer calls in (110 police, 120 medical, 122 traffic, a neighbouring 119). */
export const TRANSFER_CENTERS = ["110", "120", "122", "119"] as const;

/** NFPA 1710 / NFPA 1225 figures the console and reports compare against, in seconds. */
export const RESPONSE_STANDARDS = {
  alarmProcessing: 60,
  turnoutFire: 80,
  turnoutEms: 60,
  travelFirstEngine: 240,
  travelFullFirstAlarm: 480,
} as const;

export function turnoutStandardFor(type: IncidentType): number {
  return type === "medical" ? RESPONSE_STANDARDS.turnoutEms : RESPONSE_STANDARDS.turnoutFire;
}

/** Limits on what live clocks may claim: small skew into the future, at most a day into the past. */
export const CLOCK_SKEW_TOLERANCE_MS = 2 * 60 * 1000;
export const LIVE_MAX_AGE_MS = 24 * 60 * 60 * 1000;
