// Runtime shapes of every stored event, checked when an event is read back from the store: a payload that was
// edited into something else, or no longer parses, is named instead of being folded or sent to a client.
// Objects are not strict here (an older event may lack a field a newer one has); what passes is returned exactly
// as stored, never re-shaped, because its hash covers every byte.
import { z } from "zod";
import { STREAM_TYPES } from "./events";
import {
  CALL_SOURCES,
  EVENT_SOURCES,
  INCIDENT_PHASES,
  INCIDENT_TYPES,
  ROLES,
  UNIT_STATUSES,
  UNIT_TYPES,
} from "./domain";
import { CIVIC_ELEMENTS } from "./schemas";
import { AGENTS, DECISION_FACTORS, DECISION_TYPES, FIRE_CLASSES, ICS_ROLES, LEGAL_BASES, NOZZLE_PATTERNS, STRATEGIES, WATER_CONCERNS } from "./decisions";
import { CASE_CHANNELS, CASE_DECISIONS, CASE_LINK_KINDS, type CaseEventPayloads } from "./cases";
import type {
  ExplanationEventPayloads,
  IncidentEventPayloads,
  LogEvent,
  RunCardEventPayloads,
  StreamPayloads,
  StreamType,
} from "./events";
import { EXPLANATION_LANGUAGES, PUBLIC_INTERVALS, TIMELINE_STEPS, type ExplanationContent } from "./explanation";

const text = z.string();
const time = z.string().refine((value) => !Number.isNaN(Date.parse(value)), "not a time");
const latLng = z.object({ lat: z.number(), lng: z.number() });
const civic = z.partialRecord(z.enum(CIVIC_ELEMENTS), text);
const placed = latLng.extend({ address: text.optional(), civic: civic.optional() });
/** Placed, or an address only until a dispatcher places it (`incident.located`). */
const location = z.union([placed, z.object({ confirmed: z.literal(false), address: text.optional(), civic: civic.optional() })]);
const unitStatus = z.enum(UNIT_STATUSES);
const unitType = z.enum(UNIT_TYPES);
const incidentType = z.enum(INCIDENT_TYPES);
const eventTime = z.object({ occurredAt: time, recordedAt: time });

const transfer = z.object({
  fromCenter: text,
  externalId: text,
  fromAgent: text.optional(),
  transferredAt: time.optional(),
  answeredAt: time.optional(),
  notes: text.optional(),
  callbackNumber: text.optional(),
  callbackUris: z.array(text).optional(),
  persons: z.array(z.object({ roles: z.array(text), name: text.optional(), callbackUris: z.array(text).optional() })).optional(),
  /** Set when the transfer arrived as a NENA EIDO document. */
  eido: z
    .object({
      id: text,
      lastUpdateTimeStamp: time,
      callComponentId: text.optional(),
      unmapped: z.record(z.string(), z.unknown()).optional(),
    })
    .optional(),
});

const call = z.object({
  callId: text,
  intakeId: text,
  source: z.enum(CALL_SOURCES),
  receivedAt: time,
  callerNumber: text.optional(),
  callerName: text.optional(),
  location,
  incidentType,
  description: text.optional(),
  transfer: transfer.optional(),
  externalId: text.optional(),
});

const handedOver = z.object({
  unitId: text,
  callSign: text,
  unitType,
  status: unitStatus,
  dispatchedAt: eventTime,
  times: z.partialRecord(unitStatus, eventTime),
});

const reason = { reason: text.optional() };

const icsRole = z.enum(ICS_ROLES);
const commander = z.object({ unitId: text, callSign: text, name: text, icsRole });
const radioRecord = { recordedFor: z.object({ name: text, icsRole: icsRole.optional(), unitId: text.optional() }).optional() };
const factors = z.array(z.enum(DECISION_FACTORS));

type PayloadSchemas<P> = { [T in keyof P]: z.ZodType<P[T]> };

const incidentPayloads = {
  "incident.created": z.object({
    number: text,
    incidentType,
    location,
    receivedAt: time,
    alarmLevel: z.number().int(),
    externalId: text.optional(),
    description: text.optional(),
  }),
  "call.received": call,
  "unit.dispatched": z.object({
    unitId: text,
    callSign: text,
    unitType,
    reassignedFrom: text.optional(),
    notes: text.optional(),
  }),
  "unit.status": z.object({
    unitId: text,
    status: unitStatus,
    previousStatus: unitStatus,
    position: latLng.optional(),
    override: z.object({ reason: text }).optional(),
    earlierAssignment: z.literal(true).optional(),
  }),
  "unit.reassigned": z.object({ unitId: text, toIncidentId: text }),
  "incident.phase": z.object({ phase: z.enum(INCIDENT_PHASES), note: text.optional() }),
  "incident.alarm_level": z.object({ alarmLevel: z.number().int(), previousLevel: z.number().int(), ...reason }),
  "incident.note": z.object({ text }),
  "incident.located": z.object({ location: placed, previous: location }),
  "incident.merged": z.object({
    into: text,
    intoNumber: text,
    callIds: z.array(text),
    unitIds: z.array(text),
    ...reason,
  }),
  "incident.absorbed": z.object({
    from: text,
    fromNumber: text,
    calls: z.array(call),
    units: z.array(handedOver),
    ...reason,
  }),
  "incident.closed": z.object(reason),
  "incident.command": z.object({
    action: z.enum(["established", "transferred"]),
    unitId: text,
    callSign: text,
    commanderName: text,
    icsRole,
    previous: commander.optional(),
  }),
  "incident.decision": z.object({
    decisionType: z.enum(DECISION_TYPES),
    reason: text,
    factors,
    legalBasis: z.enum(LEGAL_BASES).optional(),
    propertyAffected: z.object({ description: text, owner: text.optional() }).optional(),
    publicCandidate: z.boolean(),
    corrects: z.number().int().optional(),
    evacuationRadiusM: z.number().optional(),
    previousStrategy: z.enum(STRATEGIES).optional(),
    commander: commander.nullable(),
    ...radioRecord,
  }),
  "incident.water_use": z.object({
    unitId: text,
    callSign: text,
    agent: z.enum(AGENTS),
    nozzle: z.enum(NOZZLE_PATTERNS),
    fireClass: z.enum(FIRE_CLASSES),
    flameVisible: z.boolean(),
    waterEstimateL: z.number().optional(),
    concerns: z.array(z.enum(WATER_CONCERNS)),
    flagged: z.boolean(),
    reason: text.optional(),
    factors,
    commander: commander.nullable(),
    ...radioRecord,
  }),
} satisfies PayloadSchemas<IncidentEventPayloads>;

const runCardPayloads = {
  "run_card.replaced": z.object({
    incidentType,
    levels: z.array(z.object({ alarmLevel: z.number().int(), units: z.array(z.object({ type: unitType, count: z.number().int() })) })),
  }),
} satisfies PayloadSchemas<RunCardEventPayloads>;

const letter = z.object({ request: text, factsFound: text, decision: z.enum(CASE_DECISIONS), basis: text });
const reviewLevel = z.union([z.literal(1), z.literal(2)]);

const casePayloads = {
  "case.filed": z.object({
    caseNumber: text,
    channel: z.enum(CASE_CHANNELS),
    receivedAt: time,
    incidentNumber: text.optional(),
    explanationToken: text.optional(),
    request: text,
    facts: text,
    resident: z.object({ name: text, contact: text }),
    accessCodeHash: text,
  }),
  "case.accepted": z.object({ notice: text.optional() }),
  "case.referred": z.object({ to: text, reason: text, otherProcedure: z.boolean() }),
  "case.assigned": z.object({ userId: text, name: text }),
  "case.step": z.object({ text }),
  "case.linked": z.object({ kind: z.enum(CASE_LINK_KINDS), ref: text, note: text.optional() }),
  "case.extended": z.object({ days: z.number().int(), approver: text, reason: text }),
  "case.paused": z.object({ reason: text }),
  "case.resumed": z.object({}) as z.ZodType<Record<string, never>>,
  "case.answered": z.object({ letter }),
  "case.review_requested": z.object({ level: reviewLevel, receivedAt: time, reason: text }),
  "case.review_answered": z.object({ level: reviewLevel, letter }),
} satisfies PayloadSchemas<CaseEventPayloads>;
const explanationText = z.object({
  title: text,
  summary: text,
  response: text,
  decisions: z.array(text),
  known: text,
  unknown: text,
  contact: text,
});
const explanationContent: z.ZodType<ExplanationContent> = z.object({
  facts: z.object({
    incidentNumber: text,
    incidentType,
    area: text.nullable(),
    timeline: z.array(z.object({ step: z.enum(TIMELINE_STEPS), at: time })),
    intervals: z.array(
      z.object({
        name: z.enum(PUBLIC_INTERVALS),
        seconds: z.number().nullable(),
        targetSeconds: z.number(),
        standard: text,
        met: z.boolean().nullable(),
      }),
    ),
    cause: z.enum(["under_investigation", "determined"]),
    unitsSent: z.number().int(),
  }),
  texts: z.object({ "zh-CN": explanationText, "zh-TW": explanationText, en: explanationText }),
  languages: z.array(z.enum(EXPLANATION_LANGUAGES)),
  ownerAgreedAddress: z.boolean(),
});
const comment = { comment: text.optional() };

const explanationPayloads = {
  "explanation.drafted": z.object({ incidentId: text, incidentNumber: text, content: explanationContent }),
  "explanation.edited": z.object({ content: explanationContent, correctionNote: text.optional() }),
  "explanation.submitted": z.object({}) as z.ZodType<Record<string, never>>,
  "explanation.approved": z.object(comment),
  "explanation.returned": z.object(comment),
  "explanation.published": z.object({
    token: text,
    version: z.number().int().positive(),
    content: explanationContent,
    incidentLogHead: z.object({ seq: z.number().int(), hash: text }),
    note: text.optional(),
  }),
  "explanation.withdrawn": z.object({ reason: text }),
  "explanation.anchored": z.object({
    version: z.number().int().positive(),
    checkpoint: z.object({
      position: z.number().int().nonnegative(),
      createdAt: time,
      headsHash: text,
      bodyHash: text,
      keyFingerprint: text,
    }),
  }),
} satisfies PayloadSchemas<ExplanationEventPayloads>;

/** The payload schemas of each stream type, by event type. */
export const STREAM_PAYLOAD_SCHEMAS: { [S in StreamType]: PayloadSchemas<StreamPayloads[S]> } = {
  incident: incidentPayloads,
  run_card: runCardPayloads,
  case: casePayloads,
  explanation: explanationPayloads,
};

const envelope = z.object({
  position: z.number().int().positive(),
  streamType: z.enum(STREAM_TYPES),
  streamId: text.min(1),
  seq: z.number().int().positive(),
  type: text,
  occurredAt: time,
  recordedAt: time,
  source: z.enum(EVENT_SOURCES),
  actor: z.object({ userId: text, username: text, role: z.enum(ROLES), unitId: text.optional() }),
  payload: z.unknown(),
  prevHash: text,
  hash: text,
});

/** A stored event that does not have the shape its stream type and event type say. */
export class StoredEventError extends Error {
  constructor(
    readonly where: { streamType?: string; streamId?: string; seq?: number; position?: number },
    readonly problem: string,
  ) {
    super(
      `stored event ${where.streamType ?? "?"}/${where.streamId ?? "?"} seq ${where.seq ?? "?"} ` +
        `(position ${where.position ?? "?"}): ${problem}`,
    );
    this.name = "StoredEventError";
  }
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`).join("; ");
}

/**
 * Checks a stored event read back from the store and returns it, unchanged, as a typed log event. Throws
 * StoredEventError naming the event when it does not match its stream's schema.
 */
export function parseStoredEvent(raw: unknown): LogEvent {
  const parsed = envelope.safeParse(raw);
  const where = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
  const location = {
    ...(typeof where.streamType === "string" ? { streamType: where.streamType } : {}),
    ...(typeof where.streamId === "string" ? { streamId: where.streamId } : {}),
    ...(typeof where.seq === "number" ? { seq: where.seq } : {}),
    ...(typeof where.position === "number" ? { position: where.position } : {}),
  };
  if (!parsed.success) throw new StoredEventError(location, describeIssues(parsed.error));
  const schemas: Record<string, z.ZodType> = STREAM_PAYLOAD_SCHEMAS[parsed.data.streamType];
  const schema = Object.hasOwn(schemas, parsed.data.type) ? schemas[parsed.data.type] : undefined;
  if (!schema) throw new StoredEventError(location, `unknown event type ${parsed.data.type}`);
  const payload = schema.safeParse(parsed.data.payload);
  if (!payload.success) throw new StoredEventError(location, `payload: ${describeIssues(payload.error)}`);
  return raw as LogEvent;
}
