// The only place that shapes output. Every incident payload is presented for a named audience: the console and
// the crews sent see callers' personal data; pr sees none of it, and free text reaching pr is scrubbed of every
// caller name and number known to the incident and of anything that looks like a phone or ID number. The
// public never receives incident records or events: its pages are built from reviewed explanations.
import type { AddressMatch, UnitView, UserView, IncidentView, CallView } from "../../shared/api";
import type { CallRecordPayload, IncidentEvent } from "../../shared/events";
import { computeIntervals, type IncidentCall, type IncidentState } from "../../shared/incident";
import { audienceOf, seesPersonalData, type Audience, type PolicyActor } from "../../shared/policy";
import { errors } from "../core/errors";
import { personalStringsOf, scrubText } from "../../shared/redaction";
import type { KnownAddress, UnitRecord, UserRecord } from "../store/types";
import { redactFiregroundEvent, redactFiregroundState } from "./firegroundRedaction";

/** Audiences an incident record or event may be presented to at all. */
export type IncidentAudience = Exclude<Audience, { kind: "public" }>;

/** What scrubbing needs to know about the incident an event belongs to. */
export interface PersonalData {
  strings: readonly string[];
}

export function personalDataOf(state: Pick<IncidentState, "calls">): PersonalData {
  return { strings: personalStringsOf(state.calls) };
}

function scrubOptional<T extends string | undefined>(text: T, personal: PersonalData): T {
  return (text === undefined ? undefined : scrubText(text, personal.strings)) as T;
}

function redactCall<T extends CallRecordPayload>(call: T, personal: PersonalData): T {
  const { callerName: _name, callerNumber: _number, ...rest } = call;
  const redacted = { ...rest, ...(rest.description !== undefined ? { description: scrubText(rest.description, personal.strings) } : {}) };
  if (redacted.transfer) {
    // Callback addresses, persons' names and numbers, and whatever unmapped EIDO components carried are personal.
    const { callbackNumber: _callback, callbackUris: _uris, persons, eido, ...transfer } = redacted.transfer;
    const unmappedFree = eido ? (({ unmapped: _unmapped, ...origin }) => origin)(eido) : undefined;
    return {
      ...redacted,
      transfer: {
        ...transfer,
        ...(transfer.notes !== undefined ? { notes: scrubText(transfer.notes, personal.strings) } : {}),
        ...(persons ? { persons: persons.map((person) => ({ roles: person.roles })) } : {}),
        ...(unmappedFree ? { eido: unmappedFree } : {}),
      },
    } as T;
  }
  return redacted as T;
}

export function presentIncident(state: IncidentState, audience: IncidentAudience): IncidentView {
  if (seesPersonalData(audience)) return { ...state, intervals: computeIntervals(state) };
  const personal = personalDataOf(state);
  const calls: IncidentCall[] = state.calls.map((call) => redactCall(call, personal));
  return {
    ...redactFiregroundState(state, (text) => scrubText(text, personal.strings)),
    calls,
    ...(state.description !== undefined ? { description: scrubText(state.description, personal.strings) } : {}),
    notes: state.notes.map((note) => ({ ...note, text: scrubText(note.text, personal.strings) })),
    intervals: computeIntervals(state),
  };
}

/**
 * Presents one event. `personal` is what the incident knows of its callers (from its state): needed only by
 * audiences without personal data, whose free text is scrubbed.
 */
export function presentEvent(event: IncidentEvent, audience: IncidentAudience, personal: PersonalData): IncidentEvent {
  if (seesPersonalData(audience)) return event;
  switch (event.type) {
    case "incident.created":
      return { ...event, payload: { ...event.payload, description: scrubOptional(event.payload.description, personal) } };
    case "call.received":
      return { ...event, payload: redactCall(event.payload, personal) };
    case "incident.absorbed":
      return {
        ...event,
        payload: {
          ...event.payload,
          calls: event.payload.calls.map((call) => redactCall(call, personal)),
          reason: scrubOptional(event.payload.reason, personal),
        },
      };
    case "incident.note":
      return { ...event, payload: { text: scrubText(event.payload.text, personal.strings) } };
    case "incident.phase":
      return { ...event, payload: { ...event.payload, note: scrubOptional(event.payload.note, personal) } };
    case "unit.dispatched":
      return { ...event, payload: { ...event.payload, notes: scrubOptional(event.payload.notes, personal) } };
    case "unit.status": {
      const { override } = event.payload;
      if (!override) return event;
      return { ...event, payload: { ...event.payload, override: { reason: scrubText(override.reason, personal.strings) } } };
    }
    case "incident.alarm_level":
      return { ...event, payload: { ...event.payload, reason: scrubOptional(event.payload.reason, personal) } };
    case "incident.merged":
      return { ...event, payload: { ...event.payload, reason: scrubOptional(event.payload.reason, personal) } };
    case "incident.closed":
      return { ...event, payload: { ...event.payload, reason: scrubOptional(event.payload.reason, personal) } };
    case "unit.reassigned":
    case "incident.located":
      return event;
    case "incident.command":
    case "incident.decision":
    case "incident.water_use":
      return redactFiregroundEvent(event, (text) => scrubText(text, personal.strings));
  }
}

export function presentCall(call: IncidentCall, incidentId: string, recordedAt: string): CallView {
  return { ...call, incidentId, recordedAt };
}

export function presentUnit(unit: UnitRecord): UnitView {
  return {
    id: unit.id,
    callSign: unit.callSign,
    type: unit.type,
    station: unit.station,
    home: unit.home,
    status: unit.status,
    statusSince: unit.statusSince,
    incidentId: unit.incidentId,
    position: unit.position,
    version: unit.version,
  };
}

export function presentUser(user: UserRecord): UserView {
  return {
    id: user.id,
    username: user.username,
    role: user.role,
    ...(user.unitId ? { unitId: user.unitId } : {}),
    ...(user.displayName ? { displayName: user.displayName } : {}),
    ...(user.passwordChangeRequiredAt !== null ? { mustChangePassword: true as const } : {}),
  };
}

export function presentKnownAddress(known: KnownAddress): AddressMatch {
  return {
    address: known.address,
    lat: known.lat,
    lng: known.lng,
    lastSeenAt: new Date(known.lastSeenMs).toISOString(),
    incidents: known.incidents,
  };
}

/** The incident audience an authenticated actor reads as; accounts that map to the public read no incident. */
export function incidentAudienceOf(actor: PolicyActor): IncidentAudience {
  const audience = audienceOf(actor);
  if (audience.kind === "public") throw errors.forbidden(`A ${actor.role} account may not read incident records.`);
  return audience;
}
