import { describe, expect, it } from "vitest";
import type { Actor, IncidentEvent, IncidentEventPayloads, IncidentEventType } from "../../shared/events";
import { formatSeconds, generateDraft, publicArea, publicDecisionsOf } from "../../shared/explanation";
import { crewNamesOf, nameSpans, scrubNames } from "../../shared/redaction";
import { foldIncident, type IncidentState } from "../../shared/incident";
import { hashEvent } from "../../server/core/hashChain";

const actor: Actor = { userId: "u1", username: "disp", role: "dispatcher" };
const T0 = Date.parse("2026-03-01T10:00:00Z");
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

function medicalCall(): IncidentState {
  const events: IncidentEvent[] = [];
  const add = <T extends IncidentEventType>(type: T, payload: IncidentEventPayloads[T], second: number) => {
    const previous = events[events.length - 1];
    const content = { streamType: "incident" as const, streamId: "2026-00007", seq: events.length + 1, type, occurredAt: at(second), recordedAt: at(second), source: "live" as const, actor, payload };
    const prevHash = previous?.hash ?? "";
    events.push({ ...content, prevHash, hash: hashEvent(prevHash, content), position: events.length + 1 } as IncidentEvent);
  };
  add("incident.created", { number: "2026-00007", incidentType: "medical", location: { lat: 1, lng: 2, address: "建国路88号3栋" }, receivedAt: at(0), alarmLevel: 1 }, 0);
  add("unit.dispatched", { unitId: "M1", callSign: "M1", unitType: "medic" }, 75);
  add("unit.status", { unitId: "M1", status: "en_route", previousStatus: "dispatched" }, 140);
  add("unit.status", { unitId: "M1", status: "on_scene", previousStatus: "en_route" }, 500);
  return foldIncident(events);
}

describe("the explanation draft generator", () => {
  it("measures each interval against its standard, with the EMS turnout target for a medical call", () => {
    const draft = generateDraft({ incident: medicalCall(), ownerAgreedAddress: false, timeZone: "Asia/Shanghai" });
    const byName = Object.fromEntries(draft.facts.intervals.map((fact) => [fact.name, fact]));
    expect(byName.callProcessing).toMatchObject({ seconds: 75, targetSeconds: 60, met: false, standard: "NFPA 1225" });
    expect(byName.turnout).toMatchObject({ seconds: 65, targetSeconds: 60, met: false });
    expect(byName.travel).toMatchObject({ seconds: 360, targetSeconds: 240, met: false });
    expect(byName.dispatchToArrival).toMatchObject({ seconds: 425, targetSeconds: 300, met: false });
    expect(byName.totalResponse).toMatchObject({ seconds: 500, targetSeconds: 360 });
    expect(draft.texts.en.response).toContain("The first unit arrived 8 min 20 s after your call; the target is 6 min");
    expect(draft.texts["zh-CN"].response).toContain("8分20秒");
    expect(draft.texts["zh-TW"].title).toContain("醫療急救");
    expect(draft.facts.area).toBe("建国路");
    expect(draft.texts.en.unknown).toContain("under investigation");
    expect(draft.texts.en.decisions).toEqual([]);
  });

  it("turns decisions marked as public candidates into plain language with their reason, skipping corrected and internal ones", () => {
    const decisions = [
      { decisionType: "exposure_protection", reason: "the shed could not be saved and the house next to it could", publicCandidate: true, seq: 9, correctedBy: [] },
      { decisionType: "ventilation", reason: "internal only", publicCandidate: false, seq: 10, correctedBy: [] },
      { decisionType: "evacuation", reason: "wrong radius", publicCandidate: true, seq: 11, correctedBy: [12] },
      { decisionType: "evacuation", reason: "smoke was drifting over the block", publicCandidate: true, seq: 12, correctedBy: [] },
    ];
    const incident = { ...medicalCall(), decisions } as IncidentState;
    expect(publicDecisionsOf(incident).map((decision) => decision.seq)).toEqual([9, 12]);
    const draft = generateDraft({ incident, ownerAgreedAddress: true, timeZone: "UTC" });
    expect(draft.texts.en.decisions).toEqual([
      "The firefighters concentrated on protecting the neighbouring buildings and let part of the fire burn because the shed could not be saved and the house next to it could.",
      "The firefighters asked people nearby to leave their homes because smoke was drifting over the block.",
    ]);
    expect(draft.texts["zh-CN"].decisions[1]).toBe("消防员疏散了附近居民，原因是：smoke was drifting over the block。");
    expect(draft.facts.area).toBe("建国路88号3栋");
  });

  it("has no decisions for an incident whose record has none, or has them in a shape it does not know", () => {
    expect(publicDecisionsOf({ ...medicalCall(), decisions: "nonsense" } as unknown as IncidentState)).toEqual([]);
    expect(publicDecisionsOf({ ...medicalCall(), decisions: [{ reason: 3 }] } as unknown as IncidentState)).toEqual([]);
  });
});

describe("what of an address is public", () => {
  it("keeps the block and street, never the house number, unless the owner agreed", () => {
    expect(publicArea("1234 Main St", false)).toBe("1200 block of Main St");
    expect(publicArea("935 Folsom St Apt 4", false)).toBe("900 block of Folsom St");
    expect(publicArea("MARKET ST/4TH ST", false)).toBe("MARKET ST/4TH ST");
    expect(publicArea("上海市徐汇区漕溪北路1200弄5号", false)).toBe("上海市徐汇区漕溪北路");
    expect(publicArea("1234 Main St", true)).toBe("1234 Main St");
    expect(publicArea(undefined, false)).toBeNull();
  });

  it("writes durations as residents read them", () => {
    expect(formatSeconds(370, "en")).toBe("6 min 10 s");
    expect(formatSeconds(240, "en")).toBe("4 min");
    expect(formatSeconds(45, "en")).toBe("45 s");
    expect(formatSeconds(370, "zh-CN")).toBe("6分10秒");
    expect(formatSeconds(300, "zh-TW")).toBe("5分鐘");
  });
});

describe("crew names in a public text", () => {
  it("matches a Latin name only as a whole word, a Chinese name anywhere, whatever the case", () => {
    const names = crewNamesOf(["admin", " Li ", "王建国", null, "x", "admin"]);
    expect(names).toEqual(["admin", "王建国", "Li"]);
    expect(nameSpans("We asked the fire administration about the light.", names)).toEqual([]);
    expect(nameSpans("Ask ADMIN or li, or 王建国同志.", names)).toEqual(["admin", "王建国", "Li"]);
    expect(scrubNames("Li and 王建国 led; the light stayed on.", names)).toBe("[redacted] and [redacted] led; the light stayed on.");
  });
});
