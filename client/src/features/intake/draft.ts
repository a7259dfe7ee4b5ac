// The call form as plain data: what the dispatcher typed, how it becomes a CallIntakeBody, and how a
// transferred record fills it so nobody asks the caller again.
import { z } from "zod";
import { INCIDENT_TYPES, type IncidentType } from "../../../../shared/domain";
import type { AddressMatch } from "../../../../shared/api";
import { CallIntakeBody, IncidentType as IncidentTypeSchema, TransferRecord, type LatLng } from "../../../../shared/schemas";
import { parseLatLng } from "../../format/time";
import { describeIssues } from "../../lib/validation";

export interface IntakeDraft {
  intakeId: string;
  source: "phone" | "transfer";
  callerNumber: string;
  callerName: string;
  incidentType: IncidentType | "";
  description: string;
  address: string;
  /** "lat, lng" as typed, or as filled from a map click. */
  coordinates: string;
  fromCenter: string;
  externalId: string;
  fromAgent: string;
  transferredAt: string;
  transferNotes: string;
  callbackNumber: string;
  receivedAt: string;
}

export function emptyDraft(intakeId: string): IntakeDraft {
  return {
    intakeId,
    source: "phone",
    callerNumber: "",
    callerName: "",
    incidentType: "",
    description: "",
    address: "",
    coordinates: "",
    fromCenter: "",
    externalId: "",
    fromAgent: "",
    transferredAt: "",
    transferNotes: "",
    callbackNumber: "",
    receivedAt: "",
  };
}

/** Nothing typed yet: F2 may start a new call without asking. The ids and the source choice are not typing. */
export function isDraftBlank(draft: IntakeDraft): boolean {
  const blank = emptyDraft(draft.intakeId);
  return (Object.keys(blank) as (keyof IntakeDraft)[]).every((key) => key === "source" || draft[key].trim() === blank[key]);
}

export function draftLocation(draft: IntakeDraft): { lat: number; lng: number } | null {
  return parseLatLng(draft.coordinates);
}

/**
 * The draft change that puts the call at a chosen point (a map click, a known address): the coordinates field,
 * which then drives the duplicate lookup and the marker like typed coordinates do.
 */
export function locationFill(position: LatLng): Pick<IntakeDraft, "coordinates"> {
  return { coordinates: `${position.lat.toFixed(6)}, ${position.lng.toFixed(6)}` };
}

/** The draft change when a known address is picked: its text as recorded, and its location. */
export function addressFill(match: Pick<AddressMatch, "address" | "lat" | "lng">): Pick<IntakeDraft, "address" | "coordinates"> {
  return { address: match.address, ...locationFill(match) };
}

const opt = (value: string) => {
  const trimmed = value.trim();
  return trimmed === "" ? undefined : trimmed;
};

export type DraftResult =
  | { ok: true; body: CallIntakeBody }
  | { ok: false; issues: { path: string; message: string }[] };

/** Builds the request with the shared schema, so the form refuses exactly what the server would. */
export function draftToBody(draft: IntakeDraft, linkTo?: string): DraftResult {
  const position = draftLocation(draft);
  const transfer =
    draft.source === "transfer"
      ? {
          fromCenter: opt(draft.fromCenter),
          externalId: opt(draft.externalId),
          fromAgent: opt(draft.fromAgent),
          transferredAt: opt(draft.transferredAt),
          notes: opt(draft.transferNotes),
          callbackNumber: opt(draft.callbackNumber),
        }
      : undefined;
  const candidate = {
    intakeId: draft.intakeId,
    source: draft.source,
    receivedAt: opt(draft.receivedAt),
    callerNumber: opt(draft.callerNumber),
    callerName: opt(draft.callerName),
    location: position ? { ...position, address: opt(draft.address) } : undefined,
    incidentType: draft.incidentType === "" ? undefined : draft.incidentType,
    description: opt(draft.description),
    incidentId: linkTo,
    transfer: transfer ? Object.fromEntries(Object.entries(transfer).filter(([, v]) => v !== undefined)) : undefined,
  };
  const withoutUndefined = JSON.parse(JSON.stringify(candidate)) as unknown;
  const parsed = CallIntakeBody.safeParse(withoutUndefined);
  if (parsed.success) return { ok: true, body: parsed.data };
  return {
    ok: false,
    issues: parsed.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message })),
  };
}

/**
 * A transfer as another center sends it: the transfer record's fields plus the call's. Field names follow
 * our API (README maps them onto NENA EIDO). Unknown fields are ignored: a paste is not a security boundary,
 * the server validates the submitted call.
 */
const TransferInput = z.object({
  fromCenter: z.string(),
  externalId: z.string(),
  fromAgent: z.string().optional(),
  transferredAt: z.string().optional(),
  notes: z.string().optional(),
  callbackNumber: z.string().optional(),
  callerNumber: z.string().optional(),
  callerName: z.string().optional(),
  incidentType: IncidentTypeSchema.optional().catch(undefined),
  description: z.string().optional(),
  receivedAt: z.string().optional(),
  location: z
    .object({ lat: z.number(), lng: z.number(), address: z.string().optional() })
    .optional(),
  address: z.string().optional(),
});

/** Accepts `{...record}` or `{ transfer: {...}, ...call }` (a CallIntakeBody-like object). */
function flatten(raw: unknown): unknown {
  if (typeof raw !== "object" || raw === null) return raw;
  const record = raw as Record<string, unknown>;
  const transfer = record.transfer;
  if (typeof transfer === "object" && transfer !== null) return { ...record, ...(transfer as Record<string, unknown>) };
  return record;
}

export function parseTransfer(text: string): { ok: true; fill: Partial<IntakeDraft> } | { ok: false; message: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, message: "not JSON" };
  }
  const parsed = TransferInput.safeParse(flatten(raw));
  if (!parsed.success) {
    return { ok: false, message: describeIssues(parsed.error) };
  }
  const t = parsed.data;
  const checkedRecord = TransferRecord.safeParse({ fromCenter: t.fromCenter, externalId: t.externalId });
  if (!checkedRecord.success) return { ok: false, message: "fromCenter and externalId are required" };
  const fill: Partial<IntakeDraft> = {
    source: "transfer",
    fromCenter: t.fromCenter,
    externalId: t.externalId,
    fromAgent: t.fromAgent ?? "",
    transferredAt: t.transferredAt ?? "",
    transferNotes: t.notes ?? "",
    callbackNumber: t.callbackNumber ?? "",
    callerNumber: t.callerNumber ?? t.callbackNumber ?? "",
    callerName: t.callerName ?? "",
    description: t.description ?? t.notes ?? "",
    receivedAt: t.receivedAt ?? "",
    address: t.location?.address ?? t.address ?? "",
    coordinates: t.location ? `${t.location.lat}, ${t.location.lng}` : "",
  };
  if (t.incidentType && (INCIDENT_TYPES as readonly string[]).includes(t.incidentType)) fill.incidentType = t.incidentType;
  return { ok: true, fill };
}

/** Reads `?transfer=<json>` (URL-encoded) from a location search string. */
export function transferFromSearch(search: string): string | null {
  const value = new URLSearchParams(search).get("transfer");
  return value && value.trim() !== "" ? value : null;
}
