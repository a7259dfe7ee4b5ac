import { describe, expect, it } from "vitest";
import { INCIDENT_TYPES } from "../../shared/domain";
import {
  EXPORT_TYPE_TEXT,
  formatCivicAddress,
  incidentToEido,
  mapIncidentType,
  parseEido,
  phoneNumberOf,
  planEidoImport,
  readCivic,
  readGeodetic,
  type EidoDocument,
} from "../../shared/eido";
import type { Actor, IncidentEvent, IncidentEventPayloads, IncidentEventType } from "../../shared/events";
import { applyIncidentEvent, foldIncident } from "../../shared/incident";
import { civicCallTransfer, geodeticIncident } from "../helpers/eidoFixtures";

function parsed(document: Record<string, unknown>): EidoDocument {
  const result = parseEido(document);
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.refusal)}`);
  return result.document;
}

describe("reading PIDF-LO", () => {
  it("takes latitude and longitude from the centre of an ellipsoid, whatever the namespace prefix", () => {
    expect(readGeodetic('<gs:Ellipsoid><gml:pos>40.441345 -80.000266 34</gml:pos></gs:Ellipsoid>')).toEqual({ lat: 40.441345, lng: -80.000266 });
    expect(readGeodetic("<Point><pos>31.2 121.4</pos></Point>")).toEqual({ lat: 31.2, lng: 121.4 });
    expect(readGeodetic("<pos>95 10</pos>")).toBeNull();
    expect(readGeodetic("<civicAddress><A1>x</A1></civicAddress>")).toBeNull();
  });

  it("keeps civic elements as received and writes them as one address line", () => {
    const civic = readCivic(
      '<ca:civicAddress xmlns:ca="x"><ca:country>US</ca:country><ca:A1>DE</ca:A1><ca:A3>Wilmington</ca:A3><ca:PRD>W</ca:PRD><ca:RD>Cellular</ca:RD><ca:STS>Street</ca:STS><ca:HNO>42</ca:HNO><ca:XYZ>ignored</ca:XYZ></ca:civicAddress>',
    );
    expect(civic).toEqual({ country: "US", A1: "DE", A3: "Wilmington", PRD: "W", RD: "Cellular", STS: "Street", HNO: "42" });
    expect(formatCivicAddress(civic!)).toBe("42 W Cellular Street, Wilmington, DE, US");
    expect(formatCivicAddress({ LOC: "935 Folsom St" })).toBe("935 Folsom St");
    expect(readCivic("<civicAddress><RD>A &amp; B Road</RD></civicAddress>")).toEqual({ RD: "A & B Road" });
  });

  it("reads phone numbers from tel: and numeric sip: URIs only", () => {
    expect(phoneNumberOf("tel:+8613900001111")).toBe("+8613900001111");
    expect(phoneNumberOf("sip:8195551212@osp.com")).toBe("8195551212");
    expect(phoneNumberOf("sip:alice@example.com")).toBeUndefined();
  });
});

describe("what is an EIDO", () => {
  it("names what is missing with a stable code", () => {
    const refusal = (input: unknown) => {
      const result = parseEido(input);
      return result.ok ? "accepted" : result.refusal.code;
    };
    const good = civicCallTransfer();
    const { $id: _id, ...noId } = good;
    const { lastUpdateTimeStamp: _ts, ...noTimestamp } = good;
    const { callComponent: _calls, incidentComponent: _incident, ...noComponents } = good;
    expect(refusal(good)).toBe("accepted");
    expect(refusal(noId)).toBe("eido_missing_id");
    expect(refusal([good])).toBe("eido_missing_id");
    expect(refusal("EIDO")).toBe("eido_missing_id");
    expect(refusal(noTimestamp)).toBe("eido_missing_timestamp");
    expect(refusal(noComponents)).toBe("eido_missing_component");
    expect(refusal({ ...noComponents, callComponent: [] })).toBe("eido_missing_component");
    expect(refusal({ ...good, lastUpdateTimeStamp: "2026-04-30T18:40:00" })).toBe("validation_failed");
  });

  it("accepts a document with only an incident component, given as an object", () => {
    const { callComponent: _calls, ...incidentOnly } = geodeticIncident();
    const plan = planEidoImport(parsed(incidentOnly), incidentOnly);
    expect(plan.calls).toHaveLength(1);
    expect(plan.calls[0]?.receivedAt).toBe(incidentOnly.lastUpdateTimeStamp);
  });
});

describe("EIDO to our transfer", () => {
  it("maps a civic-only call transfer with SIP and tel callbacks and several persons", () => {
    const document = civicCallTransfer({ callerTel: "+8613900001111" });
    const plan = planEidoImport(parsed(document), document);
    expect(plan.incidentType).toBe("structure_fire");
    expect(plan.location).toEqual({
      confirmed: false,
      address: "200 Nanjing East Road, FL 3, Huangpu, Shanghai, CN",
      civic: { country: "CN", A1: "Shanghai", A3: "Huangpu", RD: "Nanjing East Road", HNO: "200", FLR: "3" },
    });
    expect(plan.externalId).toBe(document.$id);
    expect(plan.description).toBe("Smoke from a 3rd floor window; caller is outside.");
    expect(plan.calls).toHaveLength(1);
    const [call] = plan.calls;
    expect(call).toMatchObject({
      callerNumber: "+8613900001111",
      callerName: "Min Zhao",
      location: { confirmed: false },
      transfer: {
        fromCenter: "psap110.example.cn",
        fromAgent: "wang.fang@psap110.example.cn (position 7)",
        externalId: document.$id,
        transferredAt: document.lastUpdateTimeStamp,
        notes: "Smoke from a 3rd floor window; caller is outside.",
        callbackNumber: "+8613900001111",
        callbackUris: ["sip:8613900001111@ims.carrier.example.cn", "tel:+8613900001111"],
        persons: [
          { roles: ["Caller"], name: "Min Zhao", callbackUris: ["sip:8613900001111@ims.carrier.example.cn", "tel:+8613900001111"] },
          { roles: ["Witness"], name: "Chen Jie", callbackUris: ["tel:+8613900002222"] },
        ],
        eido: { id: document.$id, lastUpdateTimeStamp: document.lastUpdateTimeStamp },
      },
    });
    expect(call?.receivedAt).toBe((document.callComponent as { callStartTimestamp: string }[])[0]?.callStartTimestamp);
    expect(call?.transfer.answeredAt).toBe((document.callComponent as { answerDate: string }[])[0]?.answerDate);
    // Components we do not map are kept as received, never dropped.
    expect(Object.keys(call?.transfer.eido.unmapped ?? {}).sort()).toEqual(["additionalDataComponent", "somethingFromTheFuture", "vehicleComponent"]);
    expect(call?.transfer.eido.unmapped?.additionalDataComponent).toEqual(document.additionalDataComponent);
  });

  it("maps a geodetic location to a placed one", () => {
    const document = geodeticIncident({ lat: 31.2304, lng: 121.4737 });
    const plan = planEidoImport(parsed(document), document);
    expect(plan.location).toEqual({ lat: 31.2304, lng: 121.4737 });
    expect(plan.incidentType).toBe("medical");
    expect(plan.calls[0]).toMatchObject({ callerNumber: "+86-21-5555-0100", location: { lat: 31.2304, lng: 121.4737 } });
    expect(plan.notes).toEqual([{ id: "n-1", text: "Patient not breathing normally & cyanotic" }]);
  });

  it("maps every one of our incident types through the text we export, and common registry texts", () => {
    for (const type of INCIDENT_TYPES) {
      expect(mapIncidentType({ incidentTypeCommonRegistryText: EXPORT_TYPE_TEXT[type] })).toBe(type);
      expect(mapIncidentType({ incidentTypeInternalCode: type, incidentTypeCommonRegistryText: "whatever" })).toBe(type);
    }
    expect(mapIncidentType({ incidentTypeCommonRegistryText: "Traffic Collision" })).toBe("rescue");
    expect(mapIncidentType({ incidentTypeCommonRegistryText: "CU1", incidentTypeInternalText: "CIVIL UNREST" })).toBe("other");
    expect(mapIncidentType(undefined)).toBe("other");
  });
});

const actor: Actor = { userId: "u1", username: "disp", role: "dispatcher" };
function event<T extends IncidentEventType>(seq: number, type: T, payload: IncidentEventPayloads[T], at: string): IncidentEvent {
  return { streamType: "incident", streamId: "2026-00007", seq, type, occurredAt: at, recordedAt: at, source: "live", actor, payload, prevHash: "", hash: `h${seq}`, position: seq } as IncidentEvent;
}

describe("our incident to EIDO and back", () => {
  it("an unplaced location is placed by incident.located, keeping its address", () => {
    const created = applyIncidentEvent(undefined, event(1, "incident.created", {
      number: "2026-00007", incidentType: "alarm", location: { confirmed: false, address: "1 Main St" }, receivedAt: "2026-03-01T10:00:00.000Z", alarmLevel: 1,
    }, "2026-03-01T10:00:00.000Z"));
    const placed = applyIncidentEvent(created, event(2, "incident.located", {
      location: { lat: 31.1, lng: 121.1, address: "1 Main St" }, previous: created.location,
    }, "2026-03-01T10:02:00.000Z"));
    expect(created.location).toEqual({ confirmed: false, address: "1 Main St" });
    expect(placed.location).toEqual({ lat: 31.1, lng: 121.1, address: "1 Main St" });
  });

  it("exports calls, callbacks, persons, locations, units, notes and merges, and reads back the same calls and times", () => {
    const t = (minute: number) => new Date(Date.parse("2026-03-01T10:00:00.000Z") + minute * 60_000).toISOString();
    const state = foldIncident([
      event(1, "incident.created", { number: "2026-00007", incidentType: "vehicle_fire", location: { lat: 31.2, lng: 121.5, address: "88 Century Ave" }, receivedAt: t(0), alarmLevel: 1, description: "Car burning in garage" }, t(0)),
      event(2, "call.received", { callId: "c1", intakeId: "i1", source: "phone", receivedAt: t(0), callerNumber: "+86 138 0000 0001", callerName: "Li Wei", location: { lat: 31.2, lng: 121.5, address: "88 Century Ave" }, incidentType: "vehicle_fire" }, t(0)),
      event(3, "call.received", { callId: "c2", intakeId: "i2", source: "transfer", receivedAt: t(1), location: { confirmed: false, address: "Century Ave garage" }, incidentType: "vehicle_fire",
        transfer: { fromCenter: "122", externalId: "122-9", answeredAt: t(1.2), callbackUris: ["sip:9001@122.example.cn"], persons: [{ roles: ["Witness"], name: "Sun Li" }] } }, t(1)),
      event(4, "unit.dispatched", { unitId: "E1", callSign: "Engine 1", unitType: "engine" }, t(2)),
      event(5, "unit.status", { unitId: "E1", status: "en_route", previousStatus: "dispatched" }, t(3)),
      event(6, "incident.note", { text: "Fuel leak <under> car" }, t(4)),
      event(7, "incident.absorbed", { from: "2026-00006", fromNumber: "2026-00006", calls: [], units: [] }, t(5)),
    ]);
    const document = incidentToEido(state, { agencyId: "fire119.example.cn", agentId: "disp@fire119.example.cn", updatedAt: t(5) });
    expect(document).toMatchObject({
      $id: "urn:emergency:uid:incidentid:2026-00007:fire119.example.cn",
      lastUpdateTimeStamp: t(5),
      incidentComponent: { incidentTypeInternalCode: "vehicle_fire", incidentTypeCommonRegistryText: "Vehicle Fire", internalIncidentId: "2026-00007" },
      emergencyResourceComponent: [{ emergencyResourceName: "Engine 1", primaryUnitStatusRegistryText: "Enroute", unitStatusInternal: ["en_route"] }],
      mergeComponent: [{ incidentTrackingIdentification: "urn:emergency:uid:incidentid:2026-00006:fire119.example.cn", incidentMergeDirectionCode: "REPLACING" }],
      linkComponent: [{ incidentTrackingIdentification: "122-9", linkDirectionCode: "RELATED" }],
    });
    expect(document.notesComponent).toHaveLength(2);

    const back = planEidoImport(parsed(document), document);
    expect(back.incidentType).toBe("vehicle_fire");
    expect(back.location).toMatchObject({ lat: 31.2, lng: 121.5, address: "88 Century Ave" });
    expect(back.description).toBe("Car burning in garage");
    expect(back.notes.map((note) => note.text)).toEqual(["Car burning in garage", "Fuel leak <under> car"]);
    expect(back.calls.map((call) => [call.receivedAt, call.callerNumber, call.callerName, call.location, call.transfer.answeredAt])).toEqual([
      [t(0), "+861380000000" + "1", "Li Wei", { lat: 31.2, lng: 121.5, address: "88 Century Ave", civic: { LOC: "88 Century Ave" } }, undefined],
      // A numeric sip: callback becomes the caller number on the way back in (digits are what duplicates compare).
      [t(1), "9001", undefined, { confirmed: false, address: "Century Ave garage", civic: { LOC: "Century Ave garage" } }, t(1.2)],
    ]);
    expect(back.calls[1]?.transfer.persons).toEqual([{ roles: ["Witness"], name: "Sun Li" }]);
    expect(back.calls[1]?.transfer.callbackUris).toEqual(["sip:9001@122.example.cn"]);
  });
});
