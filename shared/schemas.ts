// Request schemas for every REST body/query and socket payload. Both sides parse with these;
// objects are strict so unknown fields (and `{"$gt": ""}` smuggled into a string field) are refused.
import { z } from "zod";
import {
  CallSource,
  IncidentPhase,
  IncidentType,
  ReportableUnitStatus,
  Role,
  UnitType,
} from "./domain";

export const LIMITS = {
  shortText: 120,
  address: 300,
  description: 4000,
  reason: 1000,
  dispatchUnits: 30,
  /** Incidents one tablet `sync` may name. */
  syncIncidents: 50,
  bodyBytes: 64 * 1024,
} as const;

const trimmed = (max: number) => z.string().trim().min(1).max(max);
/** ISO 8601 with a zone (Z or offset): a time without a zone is ambiguous across centers. */
export const IsoTime = z.iso.datetime({ offset: true });
export const Id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/, "letters, digits and _ . : - only");
export const OpId = z.string().min(8).max(100).regex(/^[A-Za-z0-9_.:-]+$/, "letters, digits and _ . : - only");

export const LatLng = z.strictObject({
  lat: z.number().min(-90).max(90),
  lng: z.number().min(-180).max(180),
});
export type LatLng = z.infer<typeof LatLng>;

export const Location = z.strictObject({
  lat: z.number().min(-90).max(90),
  lng: z.number().min(-180).max(180),
  address: trimmed(LIMITS.address).optional(),
});
export type Location = z.infer<typeof Location>;

export const PhoneNumber = z
  .string()
  .trim()
  .min(3)
  .max(32)
  .regex(/^[+0-9 ()-]+$/, "digits, spaces, + ( ) - only");

// ---- auth and users ----
export const LoginBody = z.strictObject({
  username: trimmed(64),
  password: z.string().min(1).max(200),
});
export type LoginBody = z.infer<typeof LoginBody>;

export const CreateUserBody = z
  .strictObject({
    username: z.string().trim().min(3).max(64).regex(/^[a-z0-9_.-]+$/, "lower-case letters, digits and _ . -"),
    password: z.string().min(10).max(200),
    role: Role,
    unitId: Id.optional(),
    displayName: trimmed(LIMITS.shortText).optional(),
  })
  .refine((user) => (user.role === "crew") === (user.unitId !== undefined), {
    message: "a crew account needs a unitId, and only a crew account may have one",
    path: ["unitId"],
  });
export type CreateUserBody = z.infer<typeof CreateUserBody>;

export const RevokeBody = z.strictObject({ userId: Id });

// ---- calls ----
/**
 * A transferred record from another center. Field names follow our API; README maps them onto NENA EIDO.
 */
export const TransferRecord = z.strictObject({
  fromCenter: trimmed(32),
  externalId: trimmed(64),
  fromAgent: trimmed(LIMITS.shortText).optional(),
  transferredAt: IsoTime.optional(),
  notes: z.string().trim().max(LIMITS.description).optional(),
  callbackNumber: PhoneNumber.optional(),
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
    description: z.string().trim().max(LIMITS.description).optional(),
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

const numberFromQuery = (schema: z.ZodNumber) => z.coerce.number().pipe(schema);

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
  q: z.string().trim().min(2).max(LIMITS.address),
  limit: z.coerce.number().int().min(1).max(20).default(8),
});
export type AddressQuery = z.infer<typeof AddressQuery>;

// ---- incidents ----
export const IncidentListQuery = z.strictObject({
  status: z.enum(["open", "closed", "merged", "all"]).default("open"),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});
export type IncidentListQuery = z.infer<typeof IncidentListQuery>;

export const DispatchBody = z.strictObject({
  unitIds: z.array(Id).min(1).max(LIMITS.dispatchUnits),
  opId: OpId,
  occurredAt: IsoTime.optional(),
  source: z.enum(["live", "import"]).default("live"),
  /** Take units that are committed elsewhere (re-routing), recorded on both incidents. */
  reassign: z.boolean().default(false),
  notes: z.string().trim().max(LIMITS.description).optional(),
});
export type DispatchBody = z.infer<typeof DispatchBody>;

export const MergeBody = z.strictObject({
  into: Id,
  opId: OpId.optional(),
  reason: z.string().trim().max(LIMITS.reason).optional(),
});
export type MergeBody = z.infer<typeof MergeBody>;

export const CloseBody = z.strictObject({
  opId: OpId,
  occurredAt: IsoTime.optional(),
  source: z.enum(["live", "import"]).default("live"),
  reason: z.string().trim().max(LIMITS.reason).optional(),
});
export type CloseBody = z.infer<typeof CloseBody>;

export const PhaseBody = z.strictObject({
  phase: IncidentPhase,
  opId: OpId,
  occurredAt: IsoTime.optional(),
  source: z.enum(["live", "import"]).default("live"),
  note: z.string().trim().max(LIMITS.reason).optional(),
});
export type PhaseBody = z.infer<typeof PhaseBody>;

export const AlarmLevelBody = z.strictObject({
  alarmLevel: z.number().int().min(1).max(5),
  opId: OpId,
  reason: z.string().trim().max(LIMITS.reason).optional(),
});
export type AlarmLevelBody = z.infer<typeof AlarmLevelBody>;

export const NoteBody = z.strictObject({
  opId: OpId,
  text: trimmed(LIMITS.description),
});
export type NoteBody = z.infer<typeof NoteBody>;

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
  source: z.enum(["live", "import"]).default("live"),
  /** Dispatcher/supervisor/admin only: accept an out-of-order step, with the reason logged. */
  override: Override.optional(),
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
export type RunCard = RunCardBody & { incidentType: IncidentType };

// ---- reports ----
export const ResponseTimeQuery = z.strictObject({
  from: IsoTime.optional(),
  to: IsoTime.optional(),
  incidentType: IncidentType.optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(1000),
});
export type ResponseTimeQuery = z.infer<typeof ResponseTimeQuery>;

export const EventsQuery = z.strictObject({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
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
