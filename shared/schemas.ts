// Request schemas for every REST body/query and socket payload. Both sides parse with these;
// objects are strict so unknown fields (and `{"$gt": ""}` smuggled into a string field) are refused.
import { z } from "zod";
import { EXPLANATION_STATUSES, ExplanationLanguage } from "./explanation";
import {
  CALL_SOURCES,
  INCIDENT_PHASES,
  INCIDENT_TYPES,
  REPORTABLE_UNIT_STATUSES,
  ROLES,
  UNIT_STATUSES,
  UNIT_TYPES,
  type ReportableUnitStatus as ReportableUnitStatusValue,
} from "./domain";
import { AGENTS, DECISION_FACTORS, DECISION_TYPES, FIRE_CLASSES, ICS_ROLES, LEGAL_BASES, NOZZLE_PATTERNS } from "./decisions";
import { LIMITS } from "./limits";

export { isPlaced, LIMITS, positionOf } from "./limits";

// The domain's vocabularies as schemas. They live here, not beside the lists in domain.ts and decisions.ts, so a
// screen that needs only the lists (the crew tablet, the login shell) does not load zod.
export const IncidentType = z.enum(INCIDENT_TYPES);
export const UnitType = z.enum(UNIT_TYPES);
export const UnitStatus = z.enum(UNIT_STATUSES);
export const ReportableUnitStatus = z.enum(REPORTABLE_UNIT_STATUSES as [ReportableUnitStatusValue, ...ReportableUnitStatusValue[]]);
export const Role = z.enum(ROLES);
export const CallSource = z.enum(CALL_SOURCES);
export const IncidentPhase = z.enum(INCIDENT_PHASES);
export const DecisionType = z.enum(DECISION_TYPES);
export const DecisionFactor = z.enum(DECISION_FACTORS);
export const LegalBasis = z.enum(LEGAL_BASES);
export const IcsRole = z.enum(ICS_ROLES);
export const FireClass = z.enum(FIRE_CLASSES);
export const Agent = z.enum(AGENTS);
export const NozzlePattern = z.enum(NOZZLE_PATTERNS);

/** A lone UTF-16 surrogate cannot be stored as text: drivers silently turn it into U+FFFD. */
const LONE_SURROGATE = /\p{Cs}/u;
export const hasLoneSurrogate = (value: string): boolean => LONE_SURROGATE.test(value);
/** Something a person can see: not only whitespace, zero-width or other format/control characters. */
const VISIBLE = /[^\p{White_Space}\p{Cf}\p{Cc}]/u;

/**
 * Every free string of a request goes through here, so well-formedness is checked once for all of them.
 * `required` text (names, call signs, note text) must contain a visible character after trimming.
 */
export const text = (options: { max: number; min?: number; required?: boolean; trim?: boolean }) => {
  const base = options.trim === false ? z.string() : z.string().trim();
  const bounded = base.min(options.min ?? (options.required ? 1 : 0)).max(options.max);
  const wellFormed = bounded.refine((value) => !LONE_SURROGATE.test(value), {
    message: "contains an unpaired UTF-16 surrogate (not valid text)",
  });
  return options.required
    ? wellFormed.refine((value) => VISIBLE.test(value), { message: "must contain visible text" })
    : wellFormed;
};
const trimmed = (max: number) => text({ max, required: true });

/** Earliest time we accept anywhere: older records are typos (year 0000 made incident "0-00001"). */
export const EARLIEST_YEAR = 1900;
/** ISO 8601 with a zone (Z or offset): a time without a zone is ambiguous across centers. */
export const IsoTime = z.iso
  .datetime({ offset: true })
  .refine((value) => {
    const ms = Date.parse(value);
    return Number.isFinite(ms) && new Date(ms).getUTCFullYear() >= EARLIEST_YEAR && new Date(ms).getUTCFullYear() <= 9999;
  }, { message: `must be a real time from the year ${EARLIEST_YEAR} on` });
export const Id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/, "letters, digits and _ . : - only");
export const OpId = z.string().min(8).max(100).regex(/^[A-Za-z0-9_.:-]+$/, "letters, digits and _ . : - only");
/** Where a write's `occurredAt` comes from: the console now, or recorded history (the SF import). */
const WriteSource = z.enum(["live", "import"]).default("live");

/** A number from a query string; an empty or blank value is missing, not 0 (`?lat=&lng=` searched at 0,0). */
const numberFromQuery = (schema: z.ZodNumber) =>
  z
    .string()
    .trim()
    .min(1, "required")
    .regex(/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/, "must be a number")
    .transform(Number)
    .pipe(schema);

export const LatLng = z.strictObject({
  lat: z.number().min(-90).max(90),
  lng: z.number().min(-180).max(180),
});
export type LatLng = z.infer<typeof LatLng>;

/**
 * PIDF-LO civic address elements (RFC 4776 / RFC 5139 names, as NENA EIDO carries them): kept as received so an
 * exported EIDO sends them on unchanged.
 */
export const CIVIC_ELEMENTS = [
  "country", "A1", "A2", "A3", "A4", "A5", "A6", "PRM", "PRD", "RD", "STS", "POD", "POM", "RDSEC", "RDBR",
  "RDSUBBR", "HNO", "HNS", "LMK", "LOC", "FLR", "NAM", "PC", "BLD", "UNIT", "ROOM", "SEAT", "PLC", "PCN", "POBOX",
  "ADDCODE",
] as const;
export type CivicElement = (typeof CIVIC_ELEMENTS)[number];
export const CivicAddress = z.partialRecord(z.enum(CIVIC_ELEMENTS), trimmed(LIMITS.shortText));
export type CivicAddress = z.infer<typeof CivicAddress>;

/** A placed location: where the incident is on the map. */
export const Location = z.strictObject({
  lat: z.number().min(-90).max(90),
  lng: z.number().min(-180).max(180),
  address: trimmed(LIMITS.address).optional(),
  civic: CivicAddress.optional(),
});
export type Location = z.infer<typeof Location>;

/**
 * A location known only as an address (a civic-only EIDO transfer): shown as text and marked "position not
 * confirmed" until a dispatcher places it (`incident.located`). Never given made-up coordinates.
 */
export const UnplacedLocation = z.strictObject({
  confirmed: z.literal(false),
  address: trimmed(LIMITS.address).optional(),
  civic: CivicAddress.optional(),
});
export type UnplacedLocation = z.infer<typeof UnplacedLocation>;

/** Where an incident or call is: placed (coordinates) or, for some transfers, an address still to be placed. */
export const IncidentLocation = z.union([Location, UnplacedLocation]);
export type IncidentLocation = Location | UnplacedLocation;

export const PhoneNumber = z
  .string()
  .trim()
  .min(3)
  .max(32)
  .regex(/^[+0-9 ()-]+$/, "digits, spaces, + ( ) - only");

// ---- auth and users ----
export const LoginBody = z.strictObject({
  username: trimmed(64),
  password: text({ min: 1, max: 200, trim: false }),
});
export type LoginBody = z.infer<typeof LoginBody>;

export const CreateUserBody = z
  .strictObject({
    username: z.string().trim().min(3).max(64).regex(/^[a-z0-9_.-]+$/, "lower-case letters, digits and _ . -"),
    password: text({ min: 1, max: 200, trim: false }),
    role: Role,
    unitId: Id.optional(),
    displayName: trimmed(LIMITS.shortText).optional(),
    /** The person must choose their own password at the first login (the admin chose this one). */
    mustChangePassword: z.boolean().optional(),
  })
  .refine((user) => (user.role === "crew") === (user.unitId !== undefined), {
    message: "a crew account needs a unitId, and only a crew account may have one",
    path: ["unitId"],
  })
  .refine((user) => !(user.mustChangePassword && user.role === "integration"), {
    message: "an integration account never changes its own password (it has no screen); an admin rotates it",
    path: ["mustChangePassword"],
  });
export type CreateUserBody = z.infer<typeof CreateUserBody>;

export const RevokeBody = z.strictObject({ userId: Id });

/** A user's own change: the current password proves it is the user at the keyboard, not a stolen token. */
export const ChangePasswordBody = z.strictObject({
  currentPassword: text({ min: 1, max: 200, trim: false }),
  newPassword: text({ min: 1, max: 200, trim: false }),
});
export type ChangePasswordBody = z.infer<typeof ChangePasswordBody>;

/** An admin sets another account's password (a forgotten password, a machine's rotated secret). */
export const ResetPasswordBody = z.strictObject({
  newPassword: text({ min: 1, max: 200, trim: false }),
  /** The person must choose their own password at the next login (the admin chose this one). */
  mustChangePassword: z.boolean().optional(),
});
export type ResetPasswordBody = z.infer<typeof ResetPasswordBody>;

// ---- calls ----
/**
 * A transferred record from another center. Field names follow our API; README maps them onto NENA EIDO.
 */
/** A callback address as SIP and EIDO carry it: a tel: or sip:/sips: URI. */
export const CallbackUri = z
  .string()
  .trim()
  .max(256)
  .regex(/^(tel:\+?[0-9][0-9().-]*(;[^\s]*)?|sips?:[^\s@]+@[^\s]+|sips?:[^\s]+)$/i, "a tel: or sip: URI");

/** A person the other center recorded (caller, patient, witness ...). Personal data: shown where callers are. */
export const TransferPerson = z.strictObject({
  /** Roles as the sender names them (EIDO person role registry: Caller, Patient, Witness ...). */
  roles: z.array(trimmed(64)).max(10).default([]),
  name: trimmed(LIMITS.shortText).optional(),
  callbackUris: z.array(CallbackUri).max(5).optional(),
});
export type TransferPerson = z.infer<typeof TransferPerson>;

export const TransferRecord = z.strictObject({
  fromCenter: trimmed(64),
  externalId: trimmed(256),
  fromAgent: trimmed(LIMITS.shortText).optional(),
  transferredAt: IsoTime.optional(),
  /** When the first center answered the call (receivedAt is when it started ringing there). */
  answeredAt: IsoTime.optional(),
  notes: text({ max: LIMITS.description }).optional(),
  callbackNumber: PhoneNumber.optional(),
  callbackUris: z.array(CallbackUri).max(5).optional(),
  persons: z.array(TransferPerson).max(20).optional(),
});
export type TransferRecord = z.infer<typeof TransferRecord>;

export const CallIntakeBody = z
  .strictObject({
    intakeId: z.uuid(),
    source: CallSource,
    receivedAt: IsoTime.optional(),
    callerNumber: PhoneNumber.optional(),
    callerName: trimmed(LIMITS.shortText).optional(),
    location: Location,
    incidentType: IncidentType,
    description: text({ max: LIMITS.description }).optional(),
    incidentId: Id.optional(),
    transfer: TransferRecord.optional(),
    /** The incident number in the system the history came from (imports). */
    externalId: trimmed(64).optional(),
  })
  .refine((call) => (call.source === "transfer") === (call.transfer !== undefined), {
    message: "source 'transfer' needs a transfer record, and only a transfer may carry one",
    path: ["transfer"],
  })
  .refine((call) => call.externalId === undefined || call.source === "import", {
    message: "externalId is for imports; a transfer carries it in transfer.externalId",
    path: ["externalId"],
  });
export type CallIntakeBody = z.infer<typeof CallIntakeBody>;


export const DuplicateQuery = z.strictObject({
  lat: numberFromQuery(z.number().min(-90).max(90)),
  lng: numberFromQuery(z.number().min(-180).max(180)),
  incidentType: IncidentType,
  callerNumber: PhoneNumber.optional(),
  address: trimmed(LIMITS.address).optional(),
  at: IsoTime.optional(),
});
export type DuplicateQuery = z.infer<typeof DuplicateQuery>;

/** Known addresses starting with `q`, compared as normalizeAddress forms (case and punctuation do not matter). */
export const AddressQuery = z.strictObject({
  q: text({ min: 2, max: LIMITS.address, required: true }),
  limit: numberFromQuery(z.number().int().min(1).max(20)).default(8),
});
export type AddressQuery = z.infer<typeof AddressQuery>;

// ---- incidents ----
export const IncidentListQuery = z.strictObject({
  status: z.enum(["open", "closed", "merged", "all"]).default("open"),
  limit: numberFromQuery(z.number().int().min(1).max(500)).default(200),
});
export type IncidentListQuery = z.infer<typeof IncidentListQuery>;

export const DispatchBody = z.strictObject({
  unitIds: z.array(Id).min(1).max(LIMITS.dispatchUnits),
  opId: OpId,
  occurredAt: IsoTime.optional(),
  source: WriteSource,
  /** Take units that are committed elsewhere (re-routing), recorded on both incidents. */
  reassign: z.boolean().default(false),
  notes: text({ max: LIMITS.description }).optional(),
});
export type DispatchBody = z.infer<typeof DispatchBody>;

export const MergeBody = z.strictObject({
  into: Id,
  opId: OpId.optional(),
  reason: text({ max: LIMITS.reason }).optional(),
});
export type MergeBody = z.infer<typeof MergeBody>;

export const CloseBody = z.strictObject({
  opId: OpId,
  occurredAt: IsoTime.optional(),
  source: WriteSource,
  reason: text({ max: LIMITS.reason }).optional(),
});
export type CloseBody = z.infer<typeof CloseBody>;

export const PhaseBody = z.strictObject({
  phase: IncidentPhase,
  opId: OpId,
  occurredAt: IsoTime.optional(),
  source: WriteSource,
  note: text({ max: LIMITS.reason }).optional(),
});
export type PhaseBody = z.infer<typeof PhaseBody>;

export const AlarmLevelBody = z.strictObject({
  alarmLevel: z.number().int().min(1).max(5),
  opId: OpId,
  reason: text({ max: LIMITS.reason }).optional(),
});
export type AlarmLevelBody = z.infer<typeof AlarmLevelBody>;

/** Places (or moves) an incident on the map: confirms a position that came in as an address only. */
export const LocateBody = z.strictObject({
  opId: OpId,
  lat: z.number().min(-90).max(90),
  lng: z.number().min(-180).max(180),
  address: trimmed(LIMITS.address).optional(),
});
export type LocateBody = z.infer<typeof LocateBody>;

export const NoteBody = z.strictObject({
  opId: OpId,
  text: trimmed(LIMITS.description),
  /** The tablet's tap time (a note written offline keeps when it was written). */
  occurredAt: IsoTime.optional(),
});
export type NoteBody = z.infer<typeof NoteBody>;

// ---- fireground: command, decisions, water use ----
export const PersonName = trimmed(LIMITS.shortText);

export const PropertyAffected = z.strictObject({
  description: trimmed(LIMITS.reason),
  /** Who owns it, if known: property used or destroyed under art. 45 may be owed compensation. */
  owner: trimmed(LIMITS.shortText).optional(),
});
export type PropertyAffected = z.infer<typeof PropertyAffected>;

/** Dispatchers, supervisors and admins record for the commander who radioed the order in. */
export const RadioedForBody = z.strictObject({
  name: PersonName,
  icsRole: IcsRole.optional(),
  unitId: Id.optional(),
});

export const CommandBody = z.strictObject({
  opId: OpId,
  /** The unit in command; a crew may leave it out for its own unit. */
  unitId: Id.optional(),
  commanderName: PersonName,
  icsRole: IcsRole.default("incident_commander"),
  occurredAt: IsoTime.optional(),
});
export type CommandBody = z.infer<typeof CommandBody>;

const DecisionFields = z.strictObject({
  opId: OpId,
  decisionType: DecisionType,
  reason: trimmed(LIMITS.reason),
  factors: z.array(DecisionFactor).max(20).default([]),
  legalBasis: LegalBasis.optional(),
  propertyAffected: PropertyAffected.optional(),
  publicCandidate: z.boolean().default(false),
  /** Seq of the decision (in this incident's log) that this entry corrects; both stay in the record. */
  corrects: z.number().int().min(1).optional(),
  /** Evacuation only, and required for it. */
  evacuationRadiusM: z.number().int().min(1).max(100_000).optional(),
  /** When it was decided, by the tablet's clock. */
  occurredAt: IsoTime.optional(),
  recordedFor: RadioedForBody.optional(),
});

function decisionRules<T extends z.ZodType<z.infer<typeof DecisionFields>>>(schema: T) {
  return schema
    .refine((body) => (body.decisionType === "evacuation") === (body.evacuationRadiusM !== undefined), {
      message: "an evacuation needs its radius (evacuationRadiusM), and only an evacuation may carry one",
      path: ["evacuationRadiusM"],
    })
    .refine((body) => new Set(body.factors).size === body.factors.length, { message: "a factor is listed twice", path: ["factors"] });
}

export const DecisionBody = decisionRules(DecisionFields);
export type DecisionBody = z.infer<typeof DecisionBody>;

export const WaterUseBody = z.strictObject({
  opId: OpId,
  /** The unit applying it; a crew may leave it out for its own unit. */
  unitId: Id.optional(),
  agent: Agent,
  nozzle: NozzlePattern,
  fireClass: FireClass,
  flameVisible: z.boolean(),
  /** Litres, an estimate. */
  waterEstimateL: z.number().int().min(0).max(10_000_000).optional(),
  /** Required when the guard flags the use (water on class B, D, E or F, or without visible flame). */
  reason: trimmed(LIMITS.reason).optional(),
  factors: z.array(DecisionFactor).max(20).default([]),
  occurredAt: IsoTime.optional(),
  recordedFor: RadioedForBody.optional(),
});
export type WaterUseBody = z.infer<typeof WaterUseBody>;

export const IncidentEventsQuery = z.strictObject({
  afterSeq: z.coerce.number().int().min(0).default(0),
});

// ---- units ----
export const UnitUpsertBody = z.strictObject({
  callSign: trimmed(32),
  type: UnitType,
  station: trimmed(64),
  home: LatLng,
});
export type UnitUpsertBody = z.infer<typeof UnitUpsertBody>;

export const Override = z.strictObject({ reason: trimmed(LIMITS.reason) });

export const UnitStatusBody = z.strictObject({
  status: ReportableUnitStatus,
  opId: OpId,
  occurredAt: IsoTime.optional(),
  position: LatLng.optional(),
  source: WriteSource,
  /** Dispatcher/supervisor/admin only: accept an out-of-order step, with the reason logged. */
  override: Override.optional(),
  /**
   * Imports only: the incident this status belongs to. History may record a unit's later times on a call it was
   * re-routed from; they are folded onto its earlier assignment there, and the unit itself stays where it is.
   */
  incidentId: Id.optional(),
});
export type UnitStatusBody = z.infer<typeof UnitStatusBody>;

export const UnitPositionPayload = z.strictObject({
  unitId: Id,
  lat: z.number().min(-90).max(90),
  lng: z.number().min(-180).max(180),
  accuracy: z.number().min(0).max(100_000).optional(),
  heading: z.number().min(0).max(360).optional(),
  speed: z.number().min(0).max(200).optional(),
  occurredAt: IsoTime.optional(),
});
export type UnitPositionPayload = z.infer<typeof UnitPositionPayload>;

// ---- run cards ----
export const RunCardLevel = z.strictObject({
  alarmLevel: z.number().int().min(1).max(5),
  units: z.array(z.strictObject({ type: UnitType, count: z.number().int().min(1).max(20) })).min(1).max(20),
});
export const RunCardBody = z.strictObject({
  levels: z.array(RunCardLevel).min(1).max(5),
});
export type RunCardBody = z.infer<typeof RunCardBody>;
export type RunCard = RunCardBody & { incidentType: z.infer<typeof IncidentType> };

// ---- reports ----
export const ResponseTimeQuery = z.strictObject({
  from: IsoTime.optional(),
  to: IsoTime.optional(),
  incidentType: IncidentType.optional(),
  cursor: text({ max: 200, trim: false }).optional(),
  limit: numberFromQuery(z.number().int().min(1).max(5000)).default(1000),
});
export type ResponseTimeQuery = z.infer<typeof ResponseTimeQuery>;

export const EventsQuery = z.strictObject({
  after: numberFromQuery(z.number().int().min(0)).default(0),
  limit: numberFromQuery(z.number().int().min(1).max(1000)).default(500),
});

/** The day's checkpoint digest: `date` in the center's time zone (default today); text for printing. */
export const CheckpointDigestQuery = z.strictObject({
  date: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "must be YYYY-MM-DD")
    .refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)), "must be a real date")
    .optional(),
  format: z.enum(["json", "text"]).optional(),
});

// ---- socket payloads ----
export const SyncPayload = z.strictObject({
  /** Last global log position the client has applied (consoles). */
  position: z.number().int().min(0).optional(),
  /** Last per-incident sequence the client has applied (tablets, detail views). */
  incidents: z
    .record(Id, z.number().int().min(0))
    .refine((incidents) => Object.keys(incidents).length <= LIMITS.syncIncidents, {
      message: `at most ${LIMITS.syncIncidents} incidents`,
    })
    .optional(),
});
export type SyncPayload = z.infer<typeof SyncPayload>;

export const DispatchAckPayload = z.strictObject({
  incidentId: Id,
  unitId: Id,
  opId: OpId,
  occurredAt: IsoTime.optional(),
});
export type DispatchAckPayload = z.infer<typeof DispatchAckPayload>;

export const UnitStatusPayload = UnitStatusBody.extend({ unitId: Id });
export type UnitStatusPayload = z.infer<typeof UnitStatusPayload>;

// The tablet's fireground writes: the REST bodies plus the incident they are for. Their types are what a client
// sends (z.input: fields with defaults may be left out); the server parses them into the full shape.
const withIncident = { incidentId: Id };
export const PhasePayload = PhaseBody.extend(withIncident);
export type PhasePayload = z.input<typeof PhasePayload>;
export const NotePayload = NoteBody.extend(withIncident);
export type NotePayload = z.input<typeof NotePayload>;
export const CommandPayload = CommandBody.extend(withIncident);
export type CommandPayload = z.input<typeof CommandPayload>;
export const DecisionPayload = decisionRules(DecisionFields.extend(withIncident));
export type DecisionPayload = z.input<typeof DecisionPayload>;
export const WaterUsePayload = WaterUseBody.extend(withIncident);
export type WaterUsePayload = z.input<typeof WaterUsePayload>;
// ---- public explanations ----
const ExplanationTextInput = z.strictObject({
  title: z.string().trim().min(1).max(LIMITS.shortText * 2),
  summary: z.string().trim().max(LIMITS.description),
  response: z.string().trim().max(LIMITS.description),
  decisions: z.array(z.string().trim().min(1).max(LIMITS.description)).max(50),
  known: z.string().trim().max(LIMITS.description),
  unknown: z.string().trim().max(LIMITS.description),
  contact: z.string().trim().max(LIMITS.description),
});

export const CreateExplanationBody = z.strictObject({
  opId: OpId,
  /** The owner of the fire building agreed to its full address being shown. */
  ownerAgreedAddress: z.boolean().default(false),
});
export type CreateExplanationBody = z.infer<typeof CreateExplanationBody>;

export const EditExplanationBody = z.strictObject({
  opId: OpId,
  /** Languages sent replace that language's text whole; languages left out stay as they are. */
  texts: z.partialRecord(ExplanationLanguage, ExplanationTextInput).optional(),
  languages: z.array(ExplanationLanguage).min(1).max(3).optional(),
  ownerAgreedAddress: z.boolean().optional(),
  /** What changed: required before a correction of a published page can be published. */
  correctionNote: z.string().trim().min(1).max(LIMITS.reason).optional(),
});
export type EditExplanationBody = z.infer<typeof EditExplanationBody>;

export const ExplanationOpBody = z.strictObject({ opId: OpId });
export type ExplanationOpBody = z.infer<typeof ExplanationOpBody>;

export const ReviewExplanationBody = z.strictObject({
  opId: OpId,
  comment: z.string().trim().min(1).max(LIMITS.reason).optional(),
});
export type ReviewExplanationBody = z.infer<typeof ReviewExplanationBody>;

export const ReturnExplanationBody = z.strictObject({
  opId: OpId,
  comment: z.string().trim().min(1).max(LIMITS.reason),
});

export const WithdrawExplanationBody = z.strictObject({
  opId: OpId,
  reason: z.string().trim().min(1).max(LIMITS.reason),
});
export type WithdrawExplanationBody = z.infer<typeof WithdrawExplanationBody>;

export const ExplanationListQuery = z.strictObject({
  status: z.enum(EXPLANATION_STATUSES).optional(),
  incidentId: Id.optional(),
});
export type ExplanationListQuery = z.infer<typeof ExplanationListQuery>;

/** PR search: a page of incidents, newest first; pass `nextCursor` back as `cursor`. */
export const IncidentSearchQuery = z.strictObject({
  number: z.string().trim().min(1).max(40).optional(),
  address: z.string().trim().min(2).max(LIMITS.address).optional(),
  from: IsoTime.optional(),
  to: IsoTime.optional(),
  incidentType: IncidentType.optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});
export type IncidentSearchQuery = z.infer<typeof IncidentSearchQuery>;

export const PublicExplanationQuery = z.strictObject({
  version: z.coerce.number().int().min(1).max(1000).optional(),
});
