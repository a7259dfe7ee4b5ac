// The one place that answers "may this actor do or see this". The server's services ask it before every action
// and the realtime layer asks it before putting a socket in a room; the client asks the same functions to decide
// which screens and controls to show. A role is never compared anywhere else to decide anything (refusal
// messages may name it).
import type { Role } from "./domain";

export interface PolicyActor {
  role: Role;
  userId: string;
  /** Crew accounts are bound to one unit. */
  unitId?: string;
}

/** The slice of an incident the policy needs: which units were sent, and which are still working it. */
export interface PolicyIncident {
  assignments: readonly { unitId: string; active: boolean }[];
}

/** The slice of an explanation the policy needs: who wrote its current draft. */
export interface PolicyExplanation {
  authors: readonly string[];
}

const OPERATORS = ["dispatcher", "supervisor", "admin", "integration"] as const satisfies readonly Role[];
const CONSOLES = ["dispatcher", "supervisor", "admin"] as const satisfies readonly Role[];
const READERS = ["dispatcher", "supervisor", "admin", "pr", "integration", "caseworker"] as const satisfies readonly Role[];
/**
 * Residents' cases are handled by a role of their own, not by pr or supervisor: complaints are mostly about how the
 * control room and the crews worked (a late engine, water damage), and the people a complaint is about must never
 * see the complainant (信访工作条例 art. 46). Supervisors run that floor, and pr speaks for the service in public;
 * the petitions office (信访工作机构) is a separate function by the regulation, so it gets a separate account.
 */
const CASE_HANDLERS = ["caseworker", "admin"] as const satisfies readonly Role[];

/**
 * Actions whose answer depends on the role alone. Actions that also depend on the record (an incident, a unit, a
 * user) are the functions of `can` below, built on these.
 */
export const ROLE_PERMISSIONS = {
  takeCalls: OPERATORS,
  lookUpDuplicates: OPERATORS,
  lookUpAddresses: OPERATORS,
  seeRecommendations: OPERATORS,
  dispatch: OPERATORS,
  mergeIncidents: OPERATORS,
  closeIncidents: OPERATORS,
  changeAlarmLevel: OPERATORS,
  /** Phases and notes on any incident; crews may on the incident their unit is working (see `can`). */
  recordOnAnyIncident: OPERATORS,
  /** Status and position of any unit; crews may for their own unit (see `can`). */
  operateAnyUnit: OPERATORS,
  /**
   * Command, decisions and water use for a commander who radios them in (recorded so); crews record their own on
   * the incident their unit is working (see `can.recordFireground`). Not integration accounts: a decision has a
   * person behind it.
   */
  recordFiregroundForCommander: CONSOLES,
  /** Report a status out of the crew order, with a reason. */
  overrideStatusOrder: CONSOLES,
  /** Record history with any past time (`source: "import"`). */
  importHistory: ["admin", "integration"],
  configureUnits: ["admin", "integration"],
  readUnits: ["dispatcher", "crew", "supervisor", "pr", "admin", "integration"],
  readRunCards: OPERATORS,
  changeRunCards: ["admin"],
  readReports: READERS,
  /** List and read every incident; crews read only their unit's (see `can.readIncident`). */
  readAllIncidents: READERS,
  readEventLog: OPERATORS,
  /** Callers' names and numbers, transfer callback numbers. */
  seeCallerData: ["dispatcher", "crew", "supervisor", "admin", "integration"],
  createAccounts: ["admin"],
  /** Supervisors list accounts to end a user's sessions (shift change, lost tablet); only admins create them. */
  listAccounts: ["admin", "supervisor"],
  endOtherUsersSessions: ["supervisor", "admin"],
  /**
   * Change one's own password with the current one. Every account a person signs in to; not integration accounts:
   * a machine's password is part of the link an admin configured (a CAD feed, an importer), so an admin rotates it
   * with a reset and the link's configuration at the same time. A machine that changed its own secret, or a stolen
   * integration token that did, would silently stop the feed at its next login.
   */
  changeOwnPassword: ["dispatcher", "supervisor", "crew", "pr", "caseworker", "admin"],
  /** Set a new password for another account (forgotten password, a machine's rotated secret); see `can.resetPasswordOf`. */
  resetPasswords: ["admin"],
  /** Take another center's NENA EIDO document as a transfer (`POST /transfers/eido`). */
  receiveEidoTransfers: OPERATORS,
  /** Send an incident as a NENA EIDO document (`GET /incidents/:id/eido`): it carries callers' personal data. */
  exportEido: OPERATORS,
  /** Place an incident on the map, confirming the position of an address-only transfer. */
  placeIncidents: OPERATORS,
  /** Evidence bundles and the daily checkpoint digest: who answers for the records in a dispute. */
  exportEvidence: ["supervisor", "admin"],
  /** `GET /health` with store and instance details; anyone gets the bare answer a load balancer needs. */
  readHealthDetails: ["admin"],
  /** Receives every incident event live, with personal data (the control room). */
  joinConsoleStream: OPERATORS,
  /** Receives every incident event live, presented without personal data. */
  joinPrStream: ["pr"],
  /** Residents' cases: the board, each case with the resident's name and contact, the clock. */
  readCases: CASE_HANDLERS,
  /** Register, accept, refer, assign, investigate, extend, pause, answer, record reviews. */
  handleCases: CASE_HANDLERS,
  /** May be named as a case's assignee. */
  beAssignedCases: CASE_HANDLERS,
  /** Public explanations: draft, edit, submit and publish an approved version, withdraw. */
  draftExplanations: ["pr", "supervisor", "admin"],
  readExplanations: ["pr", "supervisor", "admin"],
  /** Approve or return a submitted draft (never one's own: see `can.approveExplanation`). */
  reviewExplanations: ["supervisor", "admin"],
} as const satisfies Record<string, readonly Role[]>;

export type RoleAction = keyof typeof ROLE_PERMISSIONS;
export const ROLE_ACTIONS = Object.keys(ROLE_PERMISSIONS) as RoleAction[];

export function allows(role: Role, action: RoleAction): boolean {
  return (ROLE_PERMISSIONS[action] as readonly Role[]).includes(role);
}

/**
 * Roles whose sessions only an admin may end (besides their own holder). A supervisor ends the sessions of the
 * operational accounts on the floor (dispatcher, crew, PR), not an admin's (who manages the supervisor), not another
 * supervisor's (peers: an admin settles that), not an integration's (CAD links an admin set up; ending one
 * silently stops a feed).
 */
const PROTECTED_SESSIONS: readonly Role[] = ["admin", "supervisor", "integration"];

export const can = {
  ...(Object.fromEntries(ROLE_ACTIONS.map((action) => [action, (actor: PolicyActor) => allows(actor.role, action)])) as {
    [A in RoleAction]: (actor: PolicyActor) => boolean;
  }),

  /** Crews read the incidents their unit was ever sent to; the reading roles read all. */
  readIncident(actor: PolicyActor, incident: PolicyIncident): boolean {
    if (actor.role === "crew") return incident.assignments.some((assignment) => assignment.unitId === actor.unitId);
    return allows(actor.role, "readAllIncidents");
  },

  /** Phases, notes and tactical records: operators anywhere, a crew on the incident its unit is working now. */
  recordOnIncident(actor: PolicyActor, incident: PolicyIncident): boolean {
    if (actor.role === "crew") {
      return incident.assignments.some((assignment) => assignment.active && assignment.unitId === actor.unitId);
    }
    return allows(actor.role, "recordOnAnyIncident");
  },

  /** Command, decisions and water use: the crew of a unit working the incident, or the control room for it. */
  recordFireground(actor: PolicyActor, incident: PolicyIncident): boolean {
    if (actor.role === "crew") {
      return incident.assignments.some((assignment) => assignment.active && assignment.unitId === actor.unitId);
    }
    return allows(actor.role, "recordFiregroundForCommander");
  },

  /** Water use is recorded for a unit: a crew for its own, the control room for any unit on the incident. */
  recordWaterUseOf(actor: PolicyActor, unitId: string): boolean {
    if (actor.role === "crew") return actor.unitId === unitId;
    return allows(actor.role, "recordFiregroundForCommander");
  },

  /** Status and position reports: operators for any unit, a crew for its own. */
  operateUnit(actor: PolicyActor, unitId: string): boolean {
    if (actor.role === "crew") return actor.unitId === unitId;
    return allows(actor.role, "operateAnyUnit");
  },

  /** A reviewer approves or returns a draft only if they wrote none of it: four eyes before anything is public. */
  approveExplanation(actor: PolicyActor, explanation: PolicyExplanation): boolean {
    return allows(actor.role, "reviewExplanations") && !explanation.authors.includes(actor.userId);
  },

  /**
   * An admin resets any other account's password, another admin's included (a locked-out admin). Never their own:
   * that is a change with the current password (`changeOwnPassword`), so a stolen admin token cannot take the
   * admin's own account over without the password.
   */
  resetPasswordOf(actor: PolicyActor, target: { id: string }): boolean {
    return allows(actor.role, "resetPasswords") && target.id !== actor.userId;
  },

  endSessionsOf(actor: PolicyActor, target: { role: Role; id: string }): boolean {
    if (target.id === actor.userId) return true;
    if (!allows(actor.role, "endOtherUsersSessions")) return false;
    return actor.role === "admin" || !PROTECTED_SESSIONS.includes(target.role);
  },
};

/**
 * Who a case is presented for: the handling staff (everything but the access code's hash), or the resident
 * holding the case number and access code (status, due dates, answers; no names, no staff). Nobody else reads a
 * case; in the global event log, case events reach other readers without the resident's name and contact.
 */
export type CaseAudience = { kind: "case_handler" } | { kind: "resident" } | { kind: "log_reader" };

export function caseAudienceOf(actor: PolicyActor): CaseAudience {
  return allows(actor.role, "readCases") ? { kind: "case_handler" } : { kind: "log_reader" };
}

/**
 * Who a payload is presented for. Every payload that leaves the server names one; there is no default that
 * shows everything. Which records an audience receives at all (which crew, which incident) is decided by the
 * `can` functions and by socket rooms; the audience decides how each record is shown.
 */
export type Audience = { kind: "console" } | { kind: "crew" } | { kind: "pr" } | { kind: "public" };

/** The audience an authenticated actor reads as. */
export function audienceOf(actor: PolicyActor): Audience {
  if (actor.role === "crew") return { kind: "crew" };
  if (allows(actor.role, "joinConsoleStream")) return { kind: "console" };
  // Caseworkers read incidents to answer residents, without callers' personal data, as pr does.
  if (actor.role === "pr" || actor.role === "caseworker") return { kind: "pr" };
  return { kind: "public" };
}

/** Audiences that may read callers' names and numbers: the control room and the crews sent to the call. */
export function seesPersonalData(audience: Audience): boolean {
  return audience.kind === "console" || audience.kind === "crew";
}

/** Which screen a signed-in user gets. */
export type Workspace = "console" | "tablet" | "pr" | "cases" | "none";

export function workspaceFor(actor: PolicyActor): Workspace {
  if (actor.role === "crew") return "tablet";
  if (actor.role === "pr") return "pr";
  if (actor.role === "caseworker") return "cases";
  // Integration accounts are machines: they use the API, not a screen.
  if (allows(actor.role, "joinConsoleStream") && actor.role !== "integration") return "console";
  return "none";
}
