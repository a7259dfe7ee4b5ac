// NENA Emergency Incident Data Object (EIDO, NENA-STA-021) in and out: what we accept, and the pure mapping both
// ways between an EIDO document and our incidents and calls. No I/O here: the server runs it (services/eido.ts),
// tests run it directly. We read the components we map and keep every other top-level member as received.
import { z } from "zod";
import { INCIDENT_TYPES, type IncidentType, type UnitStatus, type UnitType } from "./domain";
import type { EidoOrigin } from "./events";
import type { Assignment, IncidentCall, IncidentState } from "./incident";
import {
  CallbackUri,
  CIVIC_ELEMENTS,
  IsoTime,
  isPlaced,
  LIMITS,
  PhoneNumber,
  type CivicAddress,
  type CivicElement,
  type IncidentLocation,
  type TransferPerson,
  type TransferRecord,
} from "./schemas";

// ---------------------------------------------------------------------------------------------------------------
// What we accept. Loose objects throughout: senders add fields, and the standard has had several revisions
// (2021 drafts with `locationInformationComponent`, 2022 with `locationComponent` ...); what we do not read is
// kept, never a reason to refuse.

const Reference = z.looseObject({ $ref: z.string().min(1).max(512) });
type Reference = z.infer<typeof Reference>;
/** A reference or a list of them (the standard uses both shapes for the same member across revisions). */
const References = z.union([Reference, z.array(Reference)]).optional();

const Prologue = {
  $id: z.string().trim().min(1).max(512),
  lastUpdateTimeStamp: z.string().max(64).optional(),
  updatedByAgencyReference: Reference.optional(),
  updatedByAgentReference: Reference.optional(),
};

/** Some senders put a component where the standard has a one-element list, and the reverse. */
function listOf<T extends z.ZodType>(item: T) {
  return z
    .union([item, z.array(item)])
    .optional()
    .transform((value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]) as z.infer<T>[]);
}

const IncidentComponent = z.looseObject({
  ...Prologue,
  incidentTrackingIdentifier: z.string().max(512).optional(),
  incidentTypeCommonRegistryText: z.string().max(LIMITS.shortText).optional(),
  incidentTypeInternalCode: z.string().max(LIMITS.shortText).optional(),
  incidentTypeInternalText: z.string().max(LIMITS.reason).optional(),
  locationReference: References,
  personReference: References,
  notesReference: References,
});

const CallComponent = z.looseObject({
  ...Prologue,
  callIdentifier: z.string().max(512).optional(),
  callStartTimestamp: IsoTime.optional(),
  answerDate: IsoTime.optional(),
  callBackReference: References,
  /** 2021 revision: callback URIs on the call itself. */
  deviceCallBackInformationUrl: z.union([z.string(), z.array(z.string())]).optional(),
  callerCallBackInformationUrl: z.string().optional(),
  agentReference: References,
  locationReference: References,
  personReference: References,
  notesReference: References,
});

const CallbackComponent = z.looseObject({
  ...Prologue,
  callBackInformationUri: z.union([z.string(), z.array(z.string())]).optional(),
});

const AgencyComponent = z.looseObject({
  ...Prologue,
  organizationIdentification: z.string().max(512).optional(),
  incidentOwningAgencyIndicator: z.boolean().optional(),
});

const AgentComponent = z.looseObject({
  ...Prologue,
  agentIdentification: z.string().max(512).optional(),
  agentWorkstationPositionIdentification: z.string().max(512).optional(),
  agencyReference: Reference.optional(),
});

const LocationComponent = z.looseObject({
  ...Prologue,
  locationTypeDescriptionRegistryText: z.string().max(LIMITS.shortText).optional(),
  /** A PIDF-LO document (XML) as a string. */
  locationByValue: z.unknown().optional(),
  locationDescriptionText: z.string().max(LIMITS.reason).optional(),
  locationByReferenceUrl: z.string().optional(),
});

const PersonName = z.looseObject({
  personFullName: z.string().optional(),
  personGivenName: z.string().optional(),
  personMiddleName: z.string().optional(),
  personSurName: z.string().optional(),
});

const PersonComponent = z.looseObject({
  ...Prologue,
  personIncidentRoleRegistryText: z.union([z.string(), z.array(z.string())]).optional(),
  ncPersonComponent: z
    .looseObject({ personName: z.union([PersonName, z.array(PersonName)]).optional() })
    .optional(),
  callIdentifier: z.union([z.string(), z.array(z.string())]).optional(),
  callBackReference: References,
});

const NotesComponent = z.looseObject({
  ...Prologue,
  notesActionComments: z.string().max(LIMITS.description * 4).optional(),
  agentReference: References,
});

/** The components we read; everything else at the top level is kept as received (`EidoOrigin.unmapped`). */
const MAPPED_MEMBERS = [
  "$id",
  "lastUpdateTimeStamp",
  "updatedByAgencyReference",
  "updatedByAgentReference",
  "eidoVersion",
  "issuingElementIdentification",
  "incidentComponent",
  "callComponent",
  "callbackComponent",
  "agencyComponent",
  "agentComponent",
  "locationComponent",
  "locationInformationComponent",
  "personComponent",
  "personInformationComponent",
  "notesComponent",
  "@context",
] as const;

export const EidoDocument = z.looseObject({
  $id: z.string().trim().min(1).max(512),
  lastUpdateTimeStamp: IsoTime,
  updatedByAgencyReference: Reference.optional(),
  updatedByAgentReference: Reference.optional(),
  eidoVersion: z.string().max(16).optional(),
  issuingElementIdentification: z.string().max(512).optional(),
  incidentComponent: listOf(IncidentComponent),
  callComponent: listOf(CallComponent),
  callbackComponent: listOf(CallbackComponent),
  agencyComponent: listOf(AgencyComponent),
  agentComponent: listOf(AgentComponent),
  locationComponent: listOf(LocationComponent),
  /** The 2021 name of locationComponent. */
  locationInformationComponent: listOf(LocationComponent),
  personComponent: listOf(PersonComponent),
  personInformationComponent: listOf(PersonComponent),
  notesComponent: listOf(NotesComponent),
});
export type EidoDocument = z.infer<typeof EidoDocument>;
type EidoCall = EidoDocument["callComponent"][number];
type EidoLocation = EidoDocument["locationComponent"][number];
type EidoPerson = EidoDocument["personComponent"][number];

/** Why a document is not an EIDO we can take; each reason is a stable error code (shared/errors.ts). */
export type EidoRefusal =
  | { code: "eido_missing_id"; message: string }
  | { code: "eido_missing_timestamp"; message: string }
  | { code: "eido_missing_component"; message: string }
  | { code: "validation_failed"; message: string; issues: { path: string; message: string }[] };

/**
 * Checks the three things without which a document is not an EIDO for us (a `$id`, a `lastUpdateTimeStamp`
 * with a zone, a call or incident component), each with its own code, then parses the members we read.
 */
export function parseEido(input: unknown): { ok: true; document: EidoDocument } | { ok: false; refusal: EidoRefusal } {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    return { ok: false, refusal: { code: "eido_missing_id", message: "An EIDO is a JSON object with a $id; this is not one." } };
  }
  const raw = input as Record<string, unknown>;
  if (typeof raw.$id !== "string" || raw.$id.trim() === "") {
    return { ok: false, refusal: { code: "eido_missing_id", message: "The document has no $id (the EIDO's incident tracking identifier)." } };
  }
  if (typeof raw.lastUpdateTimeStamp !== "string") {
    return {
      ok: false,
      refusal: { code: "eido_missing_timestamp", message: "The document has no lastUpdateTimeStamp, so updates of it cannot be ordered." },
    };
  }
  const hasComponent = (name: string) => {
    const value = raw[name];
    return Array.isArray(value) ? value.length > 0 : typeof value === "object" && value !== null;
  };
  if (!hasComponent("callComponent") && !hasComponent("incidentComponent")) {
    return {
      ok: false,
      refusal: { code: "eido_missing_component", message: "The document has neither a callComponent nor an incidentComponent." },
    };
  }
  const parsed = EidoDocument.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 20).map((issue) => ({
      path: issue.path.map(String).join(".") || "document",
      message: issue.message,
    }));
    return {
      ok: false,
      refusal: { code: "validation_failed", message: `Invalid EIDO: ${issues[0]?.path} - ${issues[0]?.message}`, issues },
    };
  }
  return { ok: true, document: parsed.data };
}

// ---------------------------------------------------------------------------------------------------------------
// PIDF-LO (RFC 4119 / 5139 / 5491) inside locationByValue: read without an XML parser (shared/ has no DOM), by
// the few element names that matter. Namespace prefixes vary between senders, so they are ignored.

const XML_ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decodeXml(text: string): string {
  return text
    .replace(/&(#x[0-9a-f]+|#[0-9]+|amp|lt|gt|quot|apos);/gi, (_match, entity: string) => {
      if (entity[0] === "#") {
        const code = entity[1]?.toLowerCase() === "x" ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10);
        return Number.isFinite(code) ? String.fromCodePoint(code) : "";
      }
      return XML_ENTITIES[entity.toLowerCase()] ?? "";
    })
    .replace(/\s+/g, " ")
    .trim();
}

function encodeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&${({ "&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "apos" } as const)[c as "&"]};`);
}

/** The first `<pos>` (a gml Point, or the centre of a Circle/Ellipse/Ellipsoid): latitude then longitude. */
export function readGeodetic(pidf: string): { lat: number; lng: number } | null {
  const match = /<(?:[\w.-]+:)?pos(?:\s[^>]*)?>([^<]*)<\/(?:[\w.-]+:)?pos>/i.exec(pidf);
  if (!match?.[1]) return null;
  const [lat, lng] = match[1].trim().split(/\s+/).map(Number);
  if (lat === undefined || lng === undefined || !Number.isFinite(lat) || !Number.isFinite(lng)) return null;
  if (lat < -90 || lat > 90 || lng < -180 || lng > 180) return null;
  return { lat, lng };
}

/** The civic address elements of the first `<civicAddress>`, as received (trimmed, entities decoded). */
export function readCivic(pidf: string): CivicAddress | null {
  const block = /<(?:[\w.-]+:)?civicAddress(?:\s[^>]*)?>([\s\S]*?)<\/(?:[\w.-]+:)?civicAddress>/i.exec(pidf);
  if (!block?.[1]) return null;
  const civic: CivicAddress = {};
  const element = /<(?:[\w.-]+:)?([A-Za-z0-9]+)(?:\s[^>]*)?>([^<]*)<\/(?:[\w.-]+:)?\1>/g;
  for (let match = element.exec(block[1]); match; match = element.exec(block[1])) {
    const name = CIVIC_ELEMENTS.find((known) => known.toLowerCase() === match![1]!.toLowerCase());
    const value = decodeXml(match[2] ?? "").slice(0, LIMITS.shortText);
    if (name && value && civic[name] === undefined) civic[name] = value;
  }
  return Object.keys(civic).length > 0 ? civic : null;
}

/**
 * One line for the console from civic elements, house number and street first:
 * "42 W Cellular Street, Wilmington, DE, US". LOC (free text) alone is used as is: our own export writes the
 * dispatcher's address there.
 */
export function formatCivicAddress(civic: CivicAddress): string {
  const join = (parts: (string | undefined)[], separator: string) => parts.filter((part) => part && part.trim()).join(separator);
  const house = join([civic.HNO, civic.HNS], "");
  const street = join([house, civic.PRD, civic.RD ?? civic.A6, civic.STS, civic.POD], " ");
  const building = join([civic.BLD, civic.UNIT, civic.FLR ? `FL ${civic.FLR}` : undefined, civic.ROOM], " ");
  const line = join(
    [civic.NAM, street, building, civic.LOC, civic.LMK, civic.A5, civic.A4, civic.A3, civic.A2, join([civic.A1, civic.PC], " "), civic.country],
    ", ",
  );
  return line.slice(0, LIMITS.address);
}

/** A location component as one of ours: placed when it has coordinates, else address-only, else nothing. */
export function readLocationComponent(component: EidoLocation): IncidentLocation | null {
  const pidf = typeof component.locationByValue === "string" ? component.locationByValue : "";
  const point = pidf ? readGeodetic(pidf) : null;
  const civic = pidf ? readCivic(pidf) : null;
  const described = component.locationDescriptionText?.trim().slice(0, LIMITS.address);
  const address = (civic ? formatCivicAddress(civic) : "") || described || undefined;
  if (point) {
    return { lat: point.lat, lng: point.lng, ...(address ? { address } : {}), ...(civic ? { civic } : {}) };
  }
  if (civic || address) return { confirmed: false, ...(address ? { address } : {}), ...(civic ? { civic } : {}) };
  return null;
}

// ---------------------------------------------------------------------------------------------------------------
// Incident types: the EIDO incident type registry text is free enough across senders that we match words; our
// own export also writes our code into incidentTypeInternalCode, which is read first, so a round trip is exact.

const TYPE_RULES: [RegExp, IncidentType][] = [
  [/vehicle fire|car fire|auto fire|\bvehicle\.fire/i, "vehicle_fire"],
  [/wildland|brush|grass|forest|vegetation|bush ?fire/i, "wildland_fire"],
  [/outside fire|outdoor fire|rubbish|trash|dumpster|refuse fire/i, "outside_fire"],
  [/alarm/i, "alarm"],
  [/structure|building|residential fire|commercial fire|house fire|dwelling/i, "structure_fire"],
  [/hazmat|haz-mat|hazardous|gas leak|chemical|spill|odou?r of gas/i, "hazmat"],
  [/rescue|entrap|extricat|trapped|collision|crash|\bmva|traffic|accident|drown/i, "rescue"],
  [/medical|\bems\b|cardiac|injur|sick|unconscious|breathing|overdose|stroke|fall/i, "medical"],
  [/service|assist|lockout|flood|water leak/i, "service"],
  [/fire/i, "structure_fire"],
];

export const EXPORT_TYPE_TEXT: Record<IncidentType, string> = {
  structure_fire: "Structure Fire",
  vehicle_fire: "Vehicle Fire",
  outside_fire: "Outside Fire",
  wildland_fire: "Wildland Fire",
  alarm: "Fire Alarm",
  hazmat: "Hazmat",
  rescue: "Rescue",
  medical: "Medical",
  service: "Public Service",
  other: "Other",
};

export function mapIncidentType(component: { incidentTypeInternalCode?: string | undefined; incidentTypeCommonRegistryText?: string | undefined; incidentTypeInternalText?: string | undefined } | undefined): IncidentType {
  const code = component?.incidentTypeInternalCode;
  if (code && (INCIDENT_TYPES as readonly string[]).includes(code)) return code as IncidentType;
  for (const text of [component?.incidentTypeCommonRegistryText, component?.incidentTypeInternalText]) {
    if (!text) continue;
    for (const [pattern, type] of TYPE_RULES) if (pattern.test(text)) return type;
  }
  return "other";
}

// ---------------------------------------------------------------------------------------------------------------
// EIDO -> our transfer

export interface EidoCallPlan {
  receivedAt: string;
  callerNumber?: string;
  callerName?: string;
  location: IncidentLocation;
  transfer: TransferRecord & { eido: EidoOrigin };
}

export interface EidoImportPlan {
  id: string;
  lastUpdateTimeStamp: string;
  incidentType: IncidentType;
  /** From the incident's location reference, else the first call's, else any location component. */
  location: IncidentLocation | null;
  description?: string;
  /** The sender's incident tracking identifier: our incident.externalId. */
  externalId: string;
  /** One per call component (or one for the document when it has only an incident component). */
  calls: EidoCallPlan[];
  /** Note texts in document order (HTML reduced to text), with their component ids. */
  notes: { id: string; text: string }[];
}

function refs(value: Reference | Reference[] | undefined): string[] {
  if (!value) return [];
  return (Array.isArray(value) ? value : [value]).map((reference) => reference.$ref);
}

function strings(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map((item) => item.trim()).filter(Boolean);
}

function htmlToText(html: string): string {
  return decodeXml(html.replace(/<br\s*\/?>/gi, "\n").replace(/<[^>]*>/g, " "));
}

/** The digits of a tel: URI, or of the user part of a sip: URI that is a phone number. */
export function phoneNumberOf(uri: string): string | undefined {
  const tel = /^tel:([^;]+)/i.exec(uri)?.[1];
  const sip = /^sips?:(\+?[0-9][0-9().-]*)@/i.exec(uri)?.[1];
  const candidate = (tel ?? sip)?.replace(/[.]/g, "");
  return candidate && PhoneNumber.safeParse(candidate).success ? candidate : undefined;
}

function validUris(uris: string[]): string[] {
  return [...new Set(uris.filter((uri) => CallbackUri.safeParse(uri).success))].slice(0, 5);
}

function personName(person: EidoPerson): string | undefined {
  const names = person.ncPersonComponent?.personName;
  const name = Array.isArray(names) ? names[0] : names;
  if (!name) return undefined;
  const full = name.personFullName?.trim() || [name.personGivenName, name.personMiddleName, name.personSurName].filter(Boolean).join(" ").trim();
  return full ? full.slice(0, LIMITS.shortText) : undefined;
}

function isCaller(person: EidoPerson): boolean {
  return strings(person.personIncidentRoleRegistryText).some((role) => /caller|reporting/i.test(role));
}

/**
 * Maps a parsed EIDO onto calls for our intake. `unmapped` carries every top-level member we do not read, so it
 * is stored with the transfer.
 */
export function planEidoImport(document: EidoDocument, raw: Record<string, unknown>): EidoImportPlan {
  const incident = document.incidentComponent[0];
  const locations = [...document.locationComponent, ...document.locationInformationComponent];
  const persons = [...document.personComponent, ...document.personInformationComponent];
  const byId = <T extends { $id: string }>(list: T[], id: string) => list.find((item) => item.$id === id);
  const locationFrom = (ids: string[]): IncidentLocation | null => {
    let civicOnly: IncidentLocation | null = null;
    for (const id of ids) {
      const component = byId(locations, id);
      const location = component ? readLocationComponent(component) : null;
      if (location && isPlaced(location)) return location;
      civicOnly ??= location;
    }
    return civicOnly;
  };

  const callbackUris = (referenceIds: string[], extra: string[] = []) =>
    validUris([
      ...referenceIds.flatMap((id) => strings(byId(document.callbackComponent, id)?.callBackInformationUri)),
      ...extra,
    ]);

  const agencyId =
    document.updatedByAgencyReference?.$ref ??
    document.agencyComponent.find((agency) => agency.incidentOwningAgencyIndicator)?.$id ??
    document.agencyComponent[0]?.organizationIdentification ??
    document.agencyComponent[0]?.$id ??
    document.issuingElementIdentification ??
    "unknown";
  const agentLabel = (id: string | undefined): string | undefined => {
    if (!id) return undefined;
    const agent = byId(document.agentComponent, id);
    const position = agent?.agentWorkstationPositionIdentification;
    return (position ? `${agent?.agentIdentification ?? id} (position ${position})` : (agent?.agentIdentification ?? id)).slice(0, LIMITS.shortText);
  };

  const notes = document.notesComponent
    .map((note) => ({ id: note.$id, text: htmlToText(note.notesActionComments ?? "").slice(0, LIMITS.description) }))
    .filter((note) => note.text);
  const externalId = (incident?.incidentTrackingIdentifier ?? document.$id).slice(0, 256);
  const incidentLocation =
    locationFrom(refs(incident?.locationReference)) ??
    locationFrom(document.callComponent.flatMap((call) => refs(call.locationReference))) ??
    locationFrom(locations.map((location) => location.$id));

  const unmapped: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!(MAPPED_MEMBERS as readonly string[]).includes(key)) unmapped[key] = value;
  }

  /** The persons of a call: referenced by it or naming its identifier; the first call also takes unattached ones. */
  const personsOf = (call: EidoCall | undefined, index: number): EidoPerson[] => {
    const linkedToSomeCall = (person: EidoPerson) =>
      document.callComponent.some(
        (other) =>
          refs(other.personReference).includes(person.$id) ||
          strings(person.callIdentifier).some((id) => id === other.$id || id === other.callIdentifier),
      );
    return persons.filter((person) => {
      if (!call) return true;
      const linked =
        refs(call.personReference).includes(person.$id) ||
        strings(person.callIdentifier).some((id) => id === call.$id || id === call.callIdentifier);
      return linked || (index === 0 && !linkedToSomeCall(person));
    });
  };
  const toTransferPerson = (person: EidoPerson): TransferPerson => {
    const name = personName(person);
    const uris = callbackUris(refs(person.callBackReference));
    return {
      roles: strings(person.personIncidentRoleRegistryText).map((role) => role.slice(0, 64)).slice(0, 10),
      ...(name ? { name } : {}),
      ...(uris.length > 0 ? { callbackUris: uris } : {}),
    };
  };

  const planCall = (call: EidoCall | undefined, index: number): EidoCallPlan => {
    const callPersonComponents = personsOf(call, index).slice(0, 20);
    const callPersons = callPersonComponents.map(toTransferPerson);
    const caller = callPersonComponents.find(isCaller);
    const uris = callbackUris(
      [...refs(call?.callBackReference), ...refs(caller?.callBackReference)],
      [...strings(call?.deviceCallBackInformationUrl), ...strings(call?.callerCallBackInformationUrl)],
    );
    // A tel: URI is the number itself; a sip: user part only when no tel: is given.
    const byPreference = [...uris.filter((uri) => /^tel:/i.test(uri)), ...uris.filter((uri) => !/^tel:/i.test(uri))];
    const callerNumber = byPreference.map(phoneNumberOf).find((number) => number !== undefined);
    const callerName = caller ? personName(caller) : undefined;
    const noteTexts = index === 0 ? notes.map((note) => note.text) : [];
    const fromAgent = agentLabel(refs(call?.agentReference)[0] ?? document.updatedByAgentReference?.$ref);
    const origin: EidoOrigin = {
      id: document.$id,
      lastUpdateTimeStamp: document.lastUpdateTimeStamp,
      ...(call ? { callComponentId: call.$id } : {}),
      ...(index === 0 && Object.keys(unmapped).length > 0 ? { unmapped } : {}),
    };
    const transfer: EidoCallPlan["transfer"] = {
      fromCenter: agencyId.slice(0, 64),
      externalId,
      ...(fromAgent ? { fromAgent } : {}),
      transferredAt: document.lastUpdateTimeStamp,
      ...(call?.answerDate ? { answeredAt: call.answerDate } : {}),
      ...(noteTexts.length > 0 ? { notes: noteTexts.join("\n").slice(0, LIMITS.description) } : {}),
      ...(callerNumber ? { callbackNumber: callerNumber } : {}),
      ...(uris.length > 0 ? { callbackUris: uris } : {}),
      ...(callPersons.length > 0 ? { persons: callPersons } : {}),
      eido: origin,
    };
    const location = locationFrom(refs(call?.locationReference)) ?? incidentLocation;
    return {
      receivedAt: call?.callStartTimestamp ?? (call?.lastUpdateTimeStamp && IsoTime.safeParse(call.lastUpdateTimeStamp).success ? call.lastUpdateTimeStamp : document.lastUpdateTimeStamp),
      ...(callerNumber ? { callerNumber } : {}),
      ...(callerName ? { callerName } : {}),
      location: location ?? { confirmed: false },
      transfer,
    };
  };

  const calls = document.callComponent.length > 0 ? document.callComponent.map(planCall) : [planCall(undefined, 0)];
  const description = notes[0]?.text ?? incident?.incidentTypeInternalText?.trim();
  return {
    id: document.$id,
    lastUpdateTimeStamp: document.lastUpdateTimeStamp,
    incidentType: mapIncidentType(incident),
    location: incidentLocation,
    ...(description ? { description: description.slice(0, LIMITS.description) } : {}),
    externalId,
    calls,
    notes,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Our incident -> EIDO

export const EXPORT_UNIT_STATUS: Record<UnitStatus, string> = {
  available: "Available",
  dispatched: "Dispatched",
  acknowledged: "Acknowledged",
  en_route: "Enroute",
  on_scene: "OnScene",
  transporting: "Transporting",
  at_hospital: "AtHospital",
  returning: "Returning",
  out_of_service: "OutOfService",
};

const EXPORT_UNIT_TYPE: Record<UnitType, string> = {
  engine: "Engine",
  ladder: "Ladder",
  rescue: "Rescue",
  tanker: "Tanker",
  hazmat: "Hazmat",
  command: "Command",
  medic: "Medic",
  ambulance: "Ambulance",
  wildland: "Wildland",
  support: "Support",
  other: "Other",
};

export interface EidoExportOptions {
  /** Our agency identifier (EIDO_AGENCY_ID), e.g. "fire119.example.cn". */
  agencyId: string;
  /** Who is exporting: becomes the updating agent. */
  agentId: string;
  /** When the incident last changed (its latest event's recordedAt); else the latest time the state holds. */
  updatedAt?: string;
  /** The tracking identifier of another of our incidents (for merge components). */
  trackingIdOf?: (incidentId: string) => string;
}

export function eidoTrackingId(incidentId: string, agencyId: string): string {
  return `urn:emergency:uid:incidentid:${incidentId}:${agencyId}`;
}

function pidfLo(location: IncidentLocation, entity: string): string {
  const civic: CivicAddress = location.civic ?? (location.address ? { LOC: location.address } : {});
  const civicXml = Object.keys(civic).length
    ? `<ca:civicAddress xmlns:ca="urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr">${CIVIC_ELEMENTS.filter((name: CivicElement) => civic[name] !== undefined)
        .map((name) => `<ca:${name}>${encodeXml(civic[name] ?? "")}</ca:${name}>`)
        .join("")}</ca:civicAddress>`
    : "";
  const pointXml = isPlaced(location)
    ? `<gml:Point xmlns:gml="http://www.opengis.net/gml" srsName="urn:ogc:def:crs:EPSG::4326"><gml:pos>${location.lat} ${location.lng}</gml:pos></gml:Point>`
    : "";
  return (
    `<?xml version="1.0" encoding="UTF-8"?><presence xmlns="urn:ietf:params:xml:ns:pidf" ` +
    `xmlns:gp="urn:ietf:params:xml:ns:pidf:geopriv10" entity="${encodeXml(entity)}"><tuple id="location"><status>` +
    `<gp:geopriv><gp:location-info>${pointXml}${civicXml}</gp:location-info>` +
    `<gp:usage-rules/>${isPlaced(location) ? "<gp:method>Manual</gp:method>" : ""}</gp:geopriv></status></tuple></presence>`
  );
}

function latestRecordedAt(state: IncidentState): string {
  const times = [state.createdAt.recordedAt, ...state.notes.map((note) => note.at.recordedAt)];
  for (const assignment of state.assignments) {
    for (const time of Object.values(assignment.times)) if (time) times.push(time.recordedAt);
  }
  if (state.closedAt) times.push(state.closedAt.recordedAt);
  return times.reduce((latest, time) => (Date.parse(time) > Date.parse(latest) ? time : latest));
}

function latestAssignments(state: IncidentState): Assignment[] {
  const byUnit = new Map<string, Assignment>();
  for (const assignment of state.assignments) byUnit.set(assignment.unitId, assignment);
  return [...byUnit.values()];
}

/**
 * The incident as one EIDO document: incident, calls (with callbacks, persons, their locations), the incident
 * location, units as emergency resources with their status, notes, and merge/link components.
 */
export function incidentToEido(state: IncidentState, options: EidoExportOptions): Record<string, unknown> {
  const { agencyId } = options;
  const trackingId = eidoTrackingId(state.id, agencyId);
  const trackingIdOf = options.trackingIdOf ?? ((id: string) => eidoTrackingId(id, agencyId));
  const base = trackingId;
  const updated = options.updatedAt ?? latestRecordedAt(state);
  const prologue = (id: string, at: string = updated) => ({
    $id: id,
    lastUpdateTimeStamp: at,
    updatedByAgencyReference: { $ref: agencyId },
  });

  const locationComponents: Record<string, unknown>[] = [];
  const addLocation = (id: string, location: IncidentLocation, type: string, at: string) => {
    locationComponents.push({
      ...prologue(id, at),
      locationTypeDescriptionRegistryText: type,
      locationByValue: pidfLo(location, trackingId),
      ...(location.address ? { locationDescriptionText: location.address } : {}),
    });
    return { $ref: id };
  };
  const incidentLocationRef = addLocation(`${base}:location:incident`, state.location, "Incident", updated);

  const callbackComponents: Record<string, unknown>[] = [];
  const personComponents: Record<string, unknown>[] = [];
  const callComponents = state.calls.map((call: IncidentCall, index) => {
    // A call that came in as an EIDO call component keeps that component's id (once: later versions of the same
    // call are records of ours, with ids of ours), so the other center recognises its own call.
    const received = call.transfer?.eido?.callComponentId;
    const firstWithIt = state.calls.findIndex((other) => other.transfer?.eido?.callComponentId === received) === index;
    const callId = received && firstWithIt ? received : `urn:emergency:uid:callid:${call.callId}:${agencyId}`;
    const recorded = call.receivedAt;
    const uris = [...(call.callerNumber ? [`tel:${call.callerNumber.replace(/[\s()-]/g, "")}`] : []), ...(call.transfer?.callbackUris ?? [])];
    const uniqueUris = [...new Set(uris)];
    let callbackRef: { $ref: string } | undefined;
    if (uniqueUris.length > 0) {
      const id = `${callId}:callback`;
      callbackComponents.push({ ...prologue(id, recorded), callBackInformationUri: uniqueUris });
      callbackRef = { $ref: id };
    }
    const personRefs: { $ref: string }[] = [];
    const persons: TransferPerson[] = call.transfer?.persons ?? [];
    const hasCaller = persons.some((person) => person.roles.some((role) => /caller/i.test(role)));
    const allPersons: TransferPerson[] =
      !hasCaller && call.callerName ? [{ roles: ["Caller"], name: call.callerName }, ...persons] : persons;
    allPersons.forEach((person, personIndex) => {
      const id = `${callId}:person:${personIndex}`;
      const isTheCaller = person.roles.some((role) => /caller/i.test(role));
      const personUris = person.callbackUris ?? [];
      let personCallback: { $ref: string } | undefined;
      if (personUris.length > 0) {
        const callbackId = `${id}:callback`;
        callbackComponents.push({ ...prologue(callbackId, recorded), callBackInformationUri: personUris });
        personCallback = { $ref: callbackId };
      } else if (isTheCaller && callbackRef) personCallback = callbackRef;
      personComponents.push({
        ...prologue(id, recorded),
        personIncidentRoleRegistryText: person.roles,
        ...(person.name ? { ncPersonComponent: { personName: { personFullName: person.name } } } : {}),
        callIdentifier: [callId],
        ...(personCallback ? { callBackReference: personCallback } : {}),
      });
      personRefs.push({ $ref: id });
    });
    const locationRef = addLocation(`${callId}:location`, call.location, "Caller", recorded);
    return {
      ...prologue(callId, recorded),
      callIdentifier: callId,
      direction: "incoming",
      standardPrimaryCallType: "emergency",
      callStartTimestamp: call.receivedAt,
      ...(call.transfer?.answeredAt ? { answerDate: call.transfer.answeredAt } : {}),
      ...(callbackRef ? { callBackReference: callbackRef } : {}),
      locationReference: [locationRef],
      ...(personRefs.length > 0 ? { personReference: personRefs } : {}),
    };
  });

  const notesComponents: Record<string, unknown>[] = [];
  if (state.description) {
    notesComponents.push({ ...prologue(`${base}:note:description`, state.createdAt.recordedAt), notesActionComments: encodeXml(state.description) });
  }
  state.notes.forEach((note, index) => {
    notesComponents.push({
      ...prologue(`${base}:note:${index + 1}`, note.at.recordedAt),
      notesActionComments: encodeXml(note.text),
      agentReference: { $ref: `${note.by}@${agencyId}` },
    });
  });

  const resources = latestAssignments(state).map((assignment) => {
    const latest = Object.values(assignment.times).reduce<string>(
      (at, time) => (time && Date.parse(time.recordedAt) > Date.parse(at) ? time.recordedAt : at),
      assignment.dispatchedAt.recordedAt,
    );
    return {
      ...prologue(`${base}:resource:${assignment.unitId}`, latest),
      emergencyResourceName: assignment.callSign,
      enforcementUnitIdentification: assignment.unitId,
      emergencyResourceTypeCommonRegistryText: EXPORT_UNIT_TYPE[assignment.unitType],
      emergencyResourceTypeInternalText: assignment.unitType,
      primaryUnitStatusRegistryText: EXPORT_UNIT_STATUS[assignment.status],
      secondaryUnitStatusRegistryText: [],
      resourceAttributeRegistryText: [],
      unitStatusInternal: [assignment.status],
    };
  });

  const merges: Record<string, unknown>[] = [
    ...(state.mergedInto
      ? [{ ...prologue(`${base}:merge:${state.mergedInto}`), incidentTrackingIdentification: trackingIdOf(state.mergedInto), incidentMergeDirectionCode: "REPLACED" }]
      : []),
    ...state.mergedFrom.map((from) => ({
      ...prologue(`${base}:merge:${from}`),
      incidentTrackingIdentification: trackingIdOf(from),
      incidentMergeDirectionCode: "REPLACING",
    })),
  ];
  const linkedIds = [...new Set(state.calls.flatMap((call) => (call.transfer ? [call.transfer.eido?.id ?? call.transfer.externalId] : [])))];
  const links = linkedIds.map((id, index) => ({
    ...prologue(`${base}:link:${index + 1}`),
    incidentTrackingIdentification: id,
    linkDirectionCode: "RELATED",
    transactionReasonText: "transferred to us",
  }));

  return {
    $id: trackingId,
    lastUpdateTimeStamp: updated,
    updatedByAgencyReference: { $ref: agencyId },
    updatedByAgentReference: { $ref: options.agentId },
    eidoVersion: "1.0",
    issuingElementIdentification: agencyId,
    incidentComponent: {
      ...prologue(`${base}:incident`),
      incidentTrackingIdentifier: trackingId,
      internalIncidentId: state.number,
      incidentTypeCommonRegistryText: EXPORT_TYPE_TEXT[state.incidentType],
      incidentTypeInternalCode: state.incidentType,
      incidentStatusCommonRegistryText: state.status === "open" ? "Active" : "Closed",
      incidentStatusInternalText: [state.status],
      incidentCommonPriorityNumber: state.alarmLevel,
      locationReference: [incidentLocationRef],
    },
    callComponent: callComponents,
    ...(callbackComponents.length > 0 ? { callbackComponent: callbackComponents } : {}),
    agencyComponent: [
      { ...prologue(agencyId), organizationIdentification: agencyId, agencyRoleDescriptionRegistryText: ["Dispatch"], agencyType: ["fire"], incidentOwningAgencyIndicator: true },
    ],
    agentComponent: [...new Set([options.agentId, ...state.notes.map((note) => `${note.by}@${agencyId}`)])].map((agentId) => ({
      ...prologue(agentId),
      agentIdentification: agentId,
      agentRoleRegistryText: ["Dispatching"],
      agencyReference: { $ref: agencyId },
    })),
    locationComponent: locationComponents,
    ...(personComponents.length > 0 ? { personComponent: personComponents } : {}),
    ...(notesComponents.length > 0 ? { notesComponent: notesComponents } : {}),
    ...(resources.length > 0
      ? {
          emergencyResourceComponent: resources,
          dispatchComponent: [
            { ...prologue(`${base}:dispatch`), organizationIdentification: agencyId, emergencyResourceReference: resources.map((resource) => ({ $ref: resource.$id })) },
          ],
        }
      : {}),
    ...(merges.length > 0 ? { mergeComponent: merges } : {}),
    ...(links.length > 0 ? { linkComponent: links } : {}),
  };
}
