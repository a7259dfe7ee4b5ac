import { describe, expect, it } from "vitest";
import { decisionFromForm, DECISION_TYPES, FIRE_CLASSES, NERIS_ACTION_TACTIC, waterUseConcerns } from "../../shared/decisions";
import type { Actor, IncidentEvent, IncidentEventPayloads, IncidentEventType } from "../../shared/events";
import { applyIncidentEvent, commanderAt, foldIncident, FoldError, type IncidentState } from "../../shared/incident";
import { DecisionBody, WaterUseBody } from "../../shared/schemas";

const actor: Actor = { userId: "u1", username: "crew-e1", role: "crew", unitId: "E1" };
const T0 = Date.parse("2026-03-01T10:00:00Z");
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

function log() {
  const events: IncidentEvent[] = [];
  const add = <T extends IncidentEventType>(type: T, payload: IncidentEventPayloads[T], second: number) => {
    const seq = events.length + 1;
    events.push({
      streamType: "incident", streamId: "2026-00001", seq, type, occurredAt: at(second), recordedAt: at(second + 1), source: "live", actor, payload,
      prevHash: "", hash: `h${seq}`, position: seq,
    } as IncidentEvent);
    return add;
  };
  add("incident.created", { number: "2026-00001", incidentType: "structure_fire", location: { lat: 1, lng: 2 }, receivedAt: at(0), alarmLevel: 1 }, 0)
    ("unit.dispatched", { unitId: "E1", callSign: "E1", unitType: "engine" }, 10);
  return { events, add };
}

const decision = (overrides: Partial<IncidentEventPayloads["incident.decision"]> = {}): IncidentEventPayloads["incident.decision"] => ({
  decisionType: "strategy_offensive", reason: "r", factors: [], publicCandidate: false, commander: null, ...overrides,
});

describe("the water-use guard", () => {
  it("asks for a reason for water on B, D, E and F and for water without visible flame, and for nothing else", () => {
    const flagged = FIRE_CLASSES.filter((fireClass) => waterUseConcerns({ agent: "water", fireClass, flameVisible: true }).length > 0);
    expect(flagged).toEqual(["B", "D", "E", "F"]);
    expect(waterUseConcerns({ agent: "water", fireClass: "A", flameVisible: false })).toEqual(["water_without_flame"]);
    expect(waterUseConcerns({ agent: "water", fireClass: "E", flameVisible: false })).toEqual(["water_on_class_e", "water_without_flame"]);
    expect(waterUseConcerns({ agent: "foam", fireClass: "B", flameVisible: false })).toEqual([]);
  });
});

describe("decision vocabulary", () => {
  it("maps every decision type onto a NERIS code or says there is none", () => {
    for (const type of DECISION_TYPES) expect(NERIS_ACTION_TACTIC).toHaveProperty(type);
  });

  it("parses requests strictly: radius only with evacuation, no repeated factor, no unknown field", () => {
    const base = { opId: "op-12345678", reason: "because" };
    expect(DecisionBody.safeParse({ ...base, decisionType: "evacuation", evacuationRadiusM: 200 }).success).toBe(true);
    expect(DecisionBody.safeParse({ ...base, decisionType: "evacuation" }).success).toBe(false);
    expect(DecisionBody.safeParse({ ...base, decisionType: "other", factors: ["exposure", "exposure"] }).success).toBe(false);
    expect(DecisionBody.safeParse({ ...base, decisionType: "other", severity: 1 }).success).toBe(false);
    expect(WaterUseBody.safeParse({ opId: "op-12345678", agent: "water", nozzle: "fog", fireClass: "A", flameVisible: true }).success).toBe(true);
  });
});

describe("folding the fireground record", () => {
  it("keeps the commander by time, the strategy, decisions with their corrections, and water uses", () => {
    const { events, add } = log();
    add("incident.command", { action: "established", unitId: "E1", callSign: "E1", commanderName: "Liu", icsRole: "incident_commander" }, 60)
      ("incident.decision", decision(), 70)
      ("incident.command", { action: "transferred", unitId: "E1", callSign: "E1", commanderName: "Wang", icsRole: "incident_commander" }, 120)
      ("incident.decision", decision({ decisionType: "strategy_defensive", previousStrategy: "offensive" }), 130)
      ("incident.decision", decision({ decisionType: "strategy_defensive", reason: "fixed", corrects: 6 }), 140)
      ("incident.water_use", { unitId: "E1", callSign: "E1", agent: "water", nozzle: "fog", fireClass: "E", flameVisible: true, concerns: ["water_on_class_e"], flagged: true, reason: "cut", factors: [], commander: null }, 150);
    const state = foldIncident(events);
    expect(state.command?.name).toBe("Wang");
    expect(state.strategy).toBe("defensive");
    expect((state.decisions ?? []).map((entry) => [entry.seq, entry.correctedBy])).toEqual([[4, []], [6, [7]], [7, []]]);
    expect(state.decisions?.[0]).toMatchObject({ by: "crew-e1", byUnitId: "E1", at: { occurredAt: at(70) } });
    expect((state.waterUses ?? []).filter((use) => use.flagged)).toHaveLength(1);
    // A decision radioed in late is stamped with whoever was in command when it was decided.
    expect(commanderAt(state, at(90))?.name).toBe("Liu");
    expect(commanderAt(state, at(125))?.name).toBe("Wang");
    expect(commanderAt(state, at(30))).toBeNull();
  });

  it("refuses a correction of an entry that is not a decision", () => {
    const { events, add } = log();
    add("incident.decision", decision({ corrects: 2 }), 70);
    expect(() => foldIncident(events)).toThrow(FoldError);
  });

  it("adds no fireground fields to an incident without a fireground record, so older projections equal their fold", () => {
    const { events } = log();
    const state: IncidentState = foldIncident(events);
    for (const field of ["command", "commandHistory", "strategy", "decisions", "waterUses"]) expect(state).not.toHaveProperty(field);
    const next = applyIncidentEvent(state, { ...events[1]!, seq: 3, type: "incident.decision", payload: decision(), hash: "h3" } as IncidentEvent);
    expect(next.decisions).toHaveLength(1);
    expect(next).not.toHaveProperty("waterUses");
  });
});

describe("decisionFromForm", () => {
  const form = { decisionType: "evacuation" as const, reason: "  Gas leak  ", factors: [], publicCandidate: true, legalBasis: null, property: " ", owner: "Mr. X", radius: "200" };

  it("trims, leaves empty fields out, and keeps the radius only for an evacuation", () => {
    expect(decisionFromForm(form)).toEqual({ decisionType: "evacuation", reason: "Gas leak", factors: [], publicCandidate: true, evacuationRadiusM: 200 });
    expect(decisionFromForm({ ...form, decisionType: "ventilation", property: "Shed", legalBasis: "art45_demolish_or_breach" })).toEqual({
      decisionType: "ventilation",
      reason: "Gas leak",
      factors: [],
      publicCandidate: true,
      legalBasis: "art45_demolish_or_breach",
      propertyAffected: { description: "Shed", owner: "Mr. X" },
    });
  });

  it("is null until the form holds a whole decision: a type, a reason, an evacuation's radius in range", () => {
    expect(decisionFromForm({ ...form, decisionType: null })).toBeNull();
    expect(decisionFromForm({ ...form, reason: "   " })).toBeNull();
    for (const radius of ["", "0", "100001"]) expect(decisionFromForm({ ...form, radius })).toBeNull();
  });
});
