// EIDO documents for tests, written for this project after the structure of NENA's published samples
// (NENA911/EIDO-JSON "Sample call transfer EIDO.json" and "Sample_EIDO.json"): a call transfer with a civic-only
// PIDF-LO location, SIP and tel callbacks, several persons, notes and components we do not map; and an incident
// with a geodetic (ellipsoid) location. Values are invented; times are relative to now so live time rules pass.
import { randomUUID } from "node:crypto";

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

export interface CivicTransferOptions {
  eidoId?: string;
  lastUpdateTimeStamp?: string;
  callStart?: string;
  answered?: string;
  notes?: { id: string; text: string }[];
  callerTel?: string;
}

/** A 110 police center hands over a caller reporting a fire; it knows only the civic address. */
export function civicCallTransfer(options: CivicTransferOptions = {}): Record<string, unknown> {
  const eidoId = options.eidoId ?? `urn:emergency:uid:incidentid:${randomUUID()}:psap110.example.cn`;
  const callId = `urn:emergency:uid:callid:${randomUUID()}:psap110.example.cn`;
  const tel = options.callerTel ?? "+8613900001111";
  const updated = options.lastUpdateTimeStamp ?? minutesAgo(1);
  const prologue = (id: string) => ({
    $id: id,
    lastUpdateTimeStamp: updated,
    updatedByAgencyReference: { $ref: "psap110.example.cn" },
  });
  return {
    $id: eidoId,
    lastUpdateTimeStamp: updated,
    updatedByAgencyReference: { $ref: "psap110.example.cn" },
    updatedByAgentReference: { $ref: "wang.fang@psap110.example.cn" },
    eidoVersion: "1.0",
    issuingElementIdentification: "idx.psap110.example.cn",
    incidentComponent: [
      {
        ...prologue(`${eidoId}:incident`),
        incidentTrackingIdentifier: eidoId,
        incidentTypeCommonRegistryText: "Residential Structure Fire",
        incidentTypeInternalText: "FIRE IN DWELLING",
        locationReference: [{ $ref: "loc-civic" }],
      },
    ],
    callComponent: [
      {
        ...prologue(callId),
        updatedByAgentReference: { $ref: "wang.fang@psap110.example.cn" },
        queueIdentifier: "sos@psap110.example.cn",
        standardPrimaryCallType: "emergency",
        direction: "incoming",
        additionalDataReference: [{ $ref: "adr-service-info" }],
        callStartTimestamp: options.callStart ?? minutesAgo(6),
        answerDate: options.answered ?? minutesAgo(5.5),
        callStateRegistryText: "callAnswered",
        callBackReference: { $ref: "cb-device" },
        agentReference: [{ $ref: "wang.fang@psap110.example.cn" }],
        locationReference: [{ $ref: "loc-civic" }, { $ref: "loc-by-reference" }],
        personReference: [{ $ref: "person-caller" }, { $ref: "person-neighbour" }],
      },
    ],
    callbackComponent: [
      {
        ...prologue("cb-device"),
        callBackInformationUri: [`sip:${tel.replace("+", "")}@ims.carrier.example.cn`, `tel:${tel}`],
        deviceContactHeader: "sip:conference17@bridge.example.cn;isfocus",
      },
      { ...prologue("cb-neighbour"), callBackInformationUri: ["tel:+8613900002222"] },
    ],
    agencyComponent: [
      { ...prologue("psap110.example.cn"), agencyRoleDescriptionRegistryText: ["CallReceiving"], agencyType: ["police"] },
    ],
    agentComponent: [
      {
        ...prologue("wang.fang@psap110.example.cn"),
        agentWorkstationPositionIdentification: "7",
        agentRoleRegistryText: ["Call Taking"],
        agencyReference: { $ref: "psap110.example.cn" },
      },
    ],
    additionalDataComponent: [
      {
        ...prologue("adr-service-info"),
        additionalDataByValue:
          '<svc:EmergencyCallData.ServiceInfo xmlns:svc="urn:ietf:params:xml:ns:EmergencyCallData:ServiceInfo"><svc:ServiceType>wireless</svc:ServiceType></svc:EmergencyCallData.ServiceInfo>',
      },
    ],
    locationComponent: [
      {
        ...prologue("loc-civic"),
        locationTypeDescriptionRegistryText: "RoutingLocation",
        locationByValue:
          '<?xml version="1.0" encoding="UTF-8"?><presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:gp="urn:ietf:params:xml:ns:pidf:geopriv10" entity="pres:caller@example.cn"><dm:device xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" id="d1"><gp:geopriv><gp:location-info>' +
          '<civicAddress xmlns="urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr"><country>CN</country><A1>Shanghai</A1><A3>Huangpu</A3><RD>Nanjing East Road</RD><HNO>200</HNO><FLR>3</FLR></civicAddress>' +
          "</gp:location-info><gp:usage-rules/><gp:method>Manual</gp:method></gp:geopriv></dm:device></presence>",
      },
      {
        ...prologue("loc-by-reference"),
        locationTypeDescriptionRegistryText: "Caller",
        locationByReferenceUrl: "https://lrf.example.cn/loc?token=abc",
      },
    ],
    personComponent: [
      {
        ...prologue("person-caller"),
        // A timestamp without a zone, as in NENA's own sample: we do not use it, so it must not fail the import.
        lastUpdateTimeStamp: "2026-04-30T18:40:00.0",
        personIncidentRoleRegistryText: ["Caller"],
        ncPersonComponent: { personName: { personGivenName: "Min", personSurName: "Zhao" } },
        callIdentifier: [callId],
        callBackReference: { $ref: "cb-device" },
      },
      {
        ...prologue("person-neighbour"),
        personIncidentRoleRegistryText: ["Witness"],
        ncPersonComponent: { personName: { personFullName: "Chen Jie" } },
        callBackReference: { $ref: "cb-neighbour" },
      },
    ],
    notesComponent: options.notes?.map((note) => ({ ...prologue(note.id), notesActionComments: note.text })) ?? [
      { ...prologue("note-1"), notesActionComments: "<p>Smoke from a 3rd floor window; caller is outside.</p>" },
    ],
    vehicleComponent: [{ ...prologue("vehicle-1"), vehicleRelationshipType: ["Blocking"] }],
    somethingFromTheFuture: { kept: true },
    "@context": { "@vocab": "./JSON-LD_Contexts/EmergencyIncidentDataObjectType.jsonld" },
  };
}

/** A neighbouring center's medical incident with a geodetic (ellipsoid) location and a tel: callback only. */
export function geodeticIncident(options: { eidoId?: string; lat?: number; lng?: number } = {}): Record<string, unknown> {
  const eidoId = options.eidoId ?? `urn:emergency:uid:incidentid:${randomUUID()}:psap120.example.cn`;
  const updated = minutesAgo(2);
  const prologue = (id: string) => ({ $id: id, lastUpdateTimeStamp: updated, updatedByAgencyReference: { $ref: "psap120.example.cn" } });
  return {
    $id: eidoId,
    lastUpdateTimeStamp: updated,
    updatedByAgencyReference: { $ref: "psap120.example.cn" },
    eidoVersion: "1.0",
    issuingElementIdentification: "cad.psap120.example.cn",
    agencyComponent: [{ ...prologue("psap120.example.cn"), agencyType: ["ems"], incidentOwningAgencyIndicator: true }],
    // A single incident component as an object, as some senders write it.
    incidentComponent: {
      ...prologue(`${eidoId}:incident`),
      incidentTypeCommonRegistryText: "Medical",
      incidentTypeInternalText: "UNCONSCIOUS PERSON",
      locationReference: [{ $ref: "loc-geo" }],
    },
    callComponent: [
      {
        ...prologue("call-1"),
        callStartTimestamp: minutesAgo(4),
        answerDate: minutesAgo(3.8),
        callBackReference: { $ref: "cb-1" },
      },
    ],
    callbackComponent: [{ ...prologue("cb-1"), callBackInformationUri: ["tel:+86-21-5555-0100"] }],
    locationComponent: [
      {
        ...prologue("loc-geo"),
        locationTypeDescriptionRegistryText: "CurrentIncident",
        locationByValue:
          '<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:gp="urn:ietf:params:xml:ns:pidf:geopriv10" xmlns:gml="http://www.opengis.net/gml" xmlns:gs="http://www.opengis.net/pidflo/1.0" entity="pres:geo@example.cn"><device id="g1"><gp:geopriv><gp:location-info>' +
          `<gs:Ellipsoid srsName="urn:ogc:def:crs:EPSG::4979"><gml:pos>${options.lat ?? 31.2304} ${options.lng ?? 121.4737} 12</gml:pos><gs:semiMajorAxis uom="urn:ogc:def:uom:EPSG::9001">7.7</gs:semiMajorAxis></gs:Ellipsoid>` +
          "</gp:location-info><gp:usage-rules/></gp:geopriv></device></presence>",
      },
    ],
    notesComponent: [{ ...prologue("n-1"), notesActionComments: "Patient not breathing normally &amp; cyanotic" }],
  };
}
