// The fireground record against the real server with real sockets: a crew's tablet records phases, command,
// decisions with reasons and water use through the water-use guard; the console sees each live; corrections keep
// both entries; other units, pr and bad input are refused with nothing written; a reconnecting tablet gets it all
// again and the hash chains verify.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CallIntakeResult, FiregroundResult, IncidentDetailView, IncidentEventsView, IncidentView } from "../../shared/api";
import type { IncidentEvent } from "../../shared/events";
import { applyIncidentEvent, type IncidentState } from "../../shared/incident";
import type { AckResult } from "../../shared/errors";
import { emitWithAck, onIncidentEvents, startTestServer, waitForConnect, type Account, type ClientSocket, type TestServer } from "../helpers/server";
import { north, opId, phoneCall } from "../helpers/factories";
import { runScript } from "../helpers/process";

let server: TestServer;
let dispatcher: Account;
let crew: Account;
let otherCrew: Account;
let pr: Account;
let incidentId = "";
let otherIncidentId = "";
let consoleSocket: ClientSocket;
let tablet: ClientSocket;
const consoleSeen: IncidentEvent[] = [];
const tabletSeen: IncidentEvent[] = [];
const base = { lat: 30.5, lng: 114.3 };

const detail = async (id = incidentId) =>
  (await server.api<IncidentDetailView>("GET", `/incidents/${id}`, { token: dispatcher.token })).body;

function ok<T>(result: AckResult<T>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.data;
}

/** Waits until the console socket has received the event with this seq of the incident. */
async function consoleReceives(seq: number, id = incidentId): Promise<IncidentEvent> {
  await expect.poll(() => consoleSeen.some((event) => event.streamId === id && event.seq === seq), { timeout: 5000 }).toBe(true);
  return consoleSeen.find((event) => event.streamId === id && event.seq === seq)!;
}

beforeAll(async () => {
  server = await startTestServer();
  dispatcher = await server.createAccount("dispatcher");
  pr = await server.createAccount("pr");
  await server.createUnit("FE1", { callSign: "Engine 1", home: north(base, 300) });
  await server.createUnit("FE2", { callSign: "Engine 2", home: north(base, 400) });
  crew = await server.createAccount("crew", "FE1");
  otherCrew = await server.createAccount("crew", "FE2");

  const first = await server.api<CallIntakeResult>("POST", "/calls", { token: dispatcher.token, body: phoneCall({ location: base, callerName: "Zhang Min" }) });
  incidentId = first.body.incident.id;
  const second = await server.api<CallIntakeResult>("POST", "/calls", { token: dispatcher.token, body: phoneCall({ location: north(base, 9000) }) });
  otherIncidentId = second.body.incident.id;
  await server.api("POST", `/incidents/${incidentId}/dispatch`, { token: dispatcher.token, body: { unitIds: ["FE1"], opId: opId() } });
  await server.api("POST", `/incidents/${otherIncidentId}/dispatch`, { token: dispatcher.token, body: { unitIds: ["FE2"], opId: opId() } });

  consoleSocket = server.connect(dispatcher.token);
  onIncidentEvents(consoleSocket, (event) => consoleSeen.push(event));
  await waitForConnect(consoleSocket);
  ok(await emitWithAck(consoleSocket, "sync", {}));

  tablet = server.connect(crew.token);
  onIncidentEvents(tablet, (event) => tabletSeen.push(event));
  await waitForConnect(tablet);
  ok(await emitWithAck(tablet, "sync", {}));
  for (const status of ["acknowledged", "en_route", "on_scene"] as const) {
    ok(await emitWithAck(tablet, "unit.status", { unitId: "FE1", status, opId: opId(), source: "live" }));
  }
});
afterAll(() => server.close());

describe("the fireground record from the tablet", () => {
  it("records phases and a note from the crew's socket with the tap time, and the console sees them live", async () => {
    const tappedAt = new Date(Date.now() - 90_000).toISOString();
    const phase = ok(await emitWithAck(tablet, "incident.phase", { incidentId, phase: "size_up_complete", opId: opId(), occurredAt: tappedAt, source: "live" }));
    expect(phase.phases.size_up_complete?.occurredAt).toBe(tappedAt);
    const event = await consoleReceives(phase.lastSeq);
    expect(event).toMatchObject({ type: "incident.phase", occurredAt: tappedAt, actor: { unitId: "FE1" } });
    expect(Date.parse(event.recordedAt)).toBeGreaterThan(Date.parse(tappedAt));

    const note = ok(await emitWithAck(tablet, "incident.note", { incidentId, text: "Gas meter on the north wall", opId: opId(), occurredAt: tappedAt }));
    expect(note.notes.at(-1)).toMatchObject({ text: "Gas meter on the north wall", at: { occurredAt: tappedAt } });
    expect(await consoleReceives(note.lastSeq)).toMatchObject({ type: "incident.note" });
  });

  it("establishes command naming unit and person, sets the benchmark once, and records a transfer", async () => {
    const established = ok(await emitWithAck(tablet, "incident.command", { incidentId, commanderName: "Capt. Liu Yang", icsRole: "incident_commander", opId: opId() }));
    expect(established.incident.command).toMatchObject({ unitId: "FE1", callSign: "Engine 1", name: "Capt. Liu Yang", icsRole: "incident_commander" });
    expect(established.incident.phases.command_established).toBeDefined();
    const command = await consoleReceives(established.seq);
    expect(command).toMatchObject({ type: "incident.command", payload: { action: "established", commanderName: "Capt. Liu Yang", callSign: "Engine 1" } });
    expect(await consoleReceives(established.seq + 1)).toMatchObject({ type: "incident.phase", payload: { phase: "command_established" } });

    const transferred = ok(await emitWithAck(tablet, "incident.command", { incidentId, commanderName: "BC Wang Fang", icsRole: "incident_commander", opId: opId() }));
    expect(transferred.incident.command?.name).toBe("BC Wang Fang");
    expect(await consoleReceives(transferred.seq)).toMatchObject({
      type: "incident.command",
      payload: { action: "transferred", previous: { name: "Capt. Liu Yang" } },
    });
    // The benchmark is not set again by the transfer.
    expect(transferred.incident.lastSeq).toBe(transferred.seq);
  });

  it("records a strategy switch with its reason and the commander at that time", async () => {
    const offensive = ok(await emitWithAck(tablet, "incident.decision", {
      incidentId, decisionType: "strategy_offensive", reason: "Fire confined to the kitchen, two people unaccounted for",
      factors: ["life_at_risk"], opId: opId(), publicCandidate: false,
    }));
    expect(offensive.incident.strategy).toBe("offensive");
    const switched = ok(await emitWithAck(tablet, "incident.decision", {
      incidentId, decisionType: "strategy_defensive", reason: "Roof sagging over the stairwell; crews pulled out",
      factors: ["collapse_risk", "crew_safety"], opId: opId(), publicCandidate: true,
    }));
    const event = await consoleReceives(switched.seq);
    expect(event).toMatchObject({
      type: "incident.decision",
      actor: { unitId: "FE1", role: "crew" },
      payload: {
        decisionType: "strategy_defensive",
        previousStrategy: "offensive",
        factors: ["collapse_risk", "crew_safety"],
        publicCandidate: true,
        commander: { name: "BC Wang Fang", icsRole: "incident_commander", callSign: "Engine 1" },
      },
    });
    expect(event.type === "incident.decision" && event.payload.recordedFor).toBeUndefined();
    expect(switched.incident.strategy).toBe("defensive");
  });

  it("records an exposure sacrifice with its legal basis and the property affected", async () => {
    const result = ok(await emitWithAck(tablet, "incident.decision", {
      incidentId, decisionType: "exposure_protection", reason: "Let the shed burn to keep the fire off the house",
      factors: ["exposure", "fire_spread"], legalBasis: "art45_demolish_or_breach",
      propertyAffected: { description: "Wooden shed behind no. 12", owner: "Chen Jie" }, publicCandidate: true, opId: opId(),
    }));
    expect(await consoleReceives(result.seq)).toMatchObject({
      type: "incident.decision",
      payload: { legalBasis: "art45_demolish_or_breach", propertyAffected: { description: "Wooden shed behind no. 12", owner: "Chen Jie" } },
    });
  });

  it("records water withheld as a decision like any other", async () => {
    const result = ok(await emitWithAck(tablet, "incident.decision", {
      incidentId, decisionType: "water_withheld", reason: "No visible flame on the second floor; smoke only, checked with thermal camera",
      factors: ["water_damage_avoided"], opId: opId(), publicCandidate: true,
    }));
    expect(await consoleReceives(result.seq)).toMatchObject({ type: "incident.decision", payload: { decisionType: "water_withheld" } });
  });

  it("refuses water on a class E fire without a reason, writes nothing, and records it flagged with one", async () => {
    const before = (await detail()).lastSeq;
    const refused = await emitWithAck(tablet, "incident.water_use", {
      incidentId, agent: "water", nozzle: "fog", fireClass: "E", flameVisible: true, opId: opId(), factors: [],
    });
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.error.code).toBe("reason_required");
    expect(!refused.ok && refused.error.issues?.map((issue) => issue.message)).toEqual(["water_on_class_e"]);
    expect((await detail()).lastSeq).toBe(before);

    // The same over REST: a stable 422.
    const rest = await server.api<{ code: string }>("POST", `/incidents/${incidentId}/water-use`, {
      token: crew.token, body: { agent: "water", nozzle: "straight", fireClass: "E", flameVisible: false, opId: opId() },
    });
    expect(rest.status).toBe(422);
    expect(rest.body.code).toBe("reason_required");
    expect((await detail()).lastSeq).toBe(before);

    const recorded = ok(await emitWithAck(tablet, "incident.water_use", {
      incidentId, agent: "water", nozzle: "fog", fireClass: "E", flameVisible: true, waterEstimateL: 400,
      reason: "Power to the substation confirmed cut by the grid operator at 14:02", factors: ["fire_class"], opId: opId(),
    }));
    const event = await consoleReceives(recorded.seq);
    expect(event).toMatchObject({
      type: "incident.water_use",
      payload: { unitId: "FE1", agent: "water", fireClass: "E", flagged: true, concerns: ["water_on_class_e"], waterEstimateL: 400 },
    });
    // The first water use sets the "water on fire" benchmark in the same commit.
    expect(await consoleReceives(recorded.seq + 1)).toMatchObject({ type: "incident.phase", payload: { phase: "water_on_fire" } });
    expect((recorded.incident.waterUses ?? []).filter((use) => use.flagged)).toHaveLength(1);

    // Foam on class B with flame showing needs no reason and is not flagged.
    const foam = ok(await emitWithAck(tablet, "incident.water_use", {
      incidentId, agent: "foam", nozzle: "foam", fireClass: "B", flameVisible: true, opId: opId(),
    }));
    expect(foam.incident.waterUses?.at(-1)).toMatchObject({ flagged: false, concerns: [] });
    expect(foam.incident.lastSeq).toBe(foam.seq);
  });

  it("keeps both entries when a decision is corrected", async () => {
    const original = ok(await emitWithAck(tablet, "incident.decision", {
      incidentId, decisionType: "evacuation", evacuationRadiusM: 50, reason: "Gas smell near the meter", factors: ["hazardous_material"],
      legalBasis: "art45_evacuate", opId: opId(),
    }));
    const correction = ok(await emitWithAck(tablet, "incident.decision", {
      incidentId, decisionType: "evacuation", evacuationRadiusM: 150, reason: "Radius was 150 m, not 50 m: the whole block", factors: ["hazardous_material"],
      legalBasis: "art45_evacuate", corrects: original.seq, opId: opId(),
    }));
    const state = correction.incident;
    const first = state.decisions?.find((decision) => decision.seq === original.seq);
    const second = state.decisions?.find((decision) => decision.seq === correction.seq);
    expect(first).toMatchObject({ evacuationRadiusM: 50, correctedBy: [correction.seq] });
    expect(second).toMatchObject({ evacuationRadiusM: 150, corrects: original.seq, correctedBy: [] });
    const events = (await detail()).events.filter((event) => event.type === "incident.decision");
    expect(events.map((event) => event.seq)).toContain(original.seq);
    expect(events.map((event) => event.seq)).toContain(correction.seq);
    expect(await consoleReceives(correction.seq)).toMatchObject({ payload: { corrects: original.seq } });
  });

  it("answers a repeated opId with the first result and writes once", async () => {
    const payload = { incidentId, decisionType: "ventilation" as const, reason: "Vent the stairwell for the search", opId: opId(), factors: [], publicCandidate: false };
    const first = ok(await emitWithAck(tablet, "incident.decision", payload));
    const again = ok(await emitWithAck(tablet, "incident.decision", payload));
    expect(again.seq).toBe(first.seq);
    expect(((await detail()).decisions ?? []).filter((decision) => decision.reason === "Vent the stairwell for the search")).toHaveLength(1);
  });
});

describe("who may record", () => {
  it("refuses the crew of another unit, and pr, on REST and on the socket", async () => {
    const before = (await detail()).lastSeq;
    const body = { decisionType: "forcible_entry" as const, reason: "Locked steel door", opId: opId() };
    const rest = await server.api<{ code: string }>("POST", `/incidents/${incidentId}/decisions`, { token: otherCrew.token, body });
    expect([rest.status, rest.body.code]).toEqual([403, "forbidden"]);
    const other = server.connect(otherCrew.token);
    await waitForConnect(other);
    const socketAck = await emitWithAck(other, "incident.decision", { ...body, incidentId, opId: opId(), factors: [], publicCandidate: false });
    expect(!socketAck.ok && socketAck.error.code).toBe("forbidden");
    const water = await emitWithAck(other, "incident.water_use", { incidentId, agent: "water", nozzle: "fog", fireClass: "A", flameVisible: true, opId: opId(), factors: [] });
    expect(!water.ok && water.error.code).toBe("forbidden");
    const command = await emitWithAck(other, "incident.command", { incidentId, commanderName: "Someone", icsRole: "incident_commander", opId: opId() });
    expect(!command.ok && command.error.code).toBe("forbidden");
    other.disconnect();
    for (const path of ["decisions", "command", "water-use"]) {
      const response = await server.api<{ code: string }>("POST", `/incidents/${incidentId}/${path}`, {
        token: pr.token,
        body: path === "decisions" ? body : path === "command" ? { commanderName: "X", opId: opId(), unitId: "FE1" } : { unitId: "FE1", agent: "water", nozzle: "fog", fireClass: "A", flameVisible: true, opId: opId() },
      });
      expect([path, response.status, response.body.code]).toEqual([path, 403, "forbidden"]);
    }
    const integration = await server.createAccount("integration");
    const machine = await server.api<{ code: string }>("POST", `/incidents/${incidentId}/decisions`, { token: integration.token, body: { ...body, opId: opId() } });
    expect([machine.status, machine.body.code]).toEqual([403, "forbidden"]);
    expect((await detail()).lastSeq).toBe(before);
  });

  it("lets a dispatcher record what the commander radioed in, and says so", async () => {
    const result = await server.api<FiregroundResult>("POST", `/incidents/${incidentId}/decisions`, {
      token: dispatcher.token,
      body: { decisionType: "utilities_cut", reason: "Ordered the gas main shut at the street valve", legalBasis: "art45_cut_utilities", opId: opId() },
    });
    expect(result.status).toBe(200);
    const event = await consoleReceives(result.body.seq);
    expect(event).toMatchObject({
      actor: { role: "dispatcher" },
      payload: { recordedFor: { name: "BC Wang Fang", icsRole: "incident_commander", unitId: "FE1" }, commander: { name: "BC Wang Fang" } },
    });
    const named = await server.api<FiregroundResult>("POST", `/incidents/${incidentId}/decisions`, {
      token: dispatcher.token,
      body: { decisionType: "other", reason: "Requested police traffic control", recordedFor: { name: "Lt. Sun", icsRole: "division_group_supervisor" }, opId: opId() },
    });
    expect(named.status).toBe(200);
    expect(await consoleReceives(named.body.seq)).toMatchObject({ payload: { recordedFor: { name: "Lt. Sun" } } });
    // A crew's tablet records for itself only.
    const claim = await server.api<{ code: string }>("POST", `/incidents/${incidentId}/decisions`, {
      token: crew.token,
      body: { decisionType: "other", reason: "x", recordedFor: { name: "Someone else" }, opId: opId() },
    });
    expect([claim.status, claim.body.code]).toEqual([400, "validation_failed"]);
  });
});

describe("bad input", () => {
  const cases: [string, Record<string, unknown>, number, string][] = [
    ["an unknown decision type", { decisionType: "burn_it_all", reason: "because" }, 400, "validation_failed"],
    ["an empty reason", { decisionType: "ventilation", reason: "   " }, 400, "validation_failed"],
    ["a reason over the limit", { decisionType: "ventilation", reason: "x".repeat(1001) }, 400, "validation_failed"],
    ["an unknown factor", { decisionType: "ventilation", reason: "r", factors: ["vibes"] }, 400, "validation_failed"],
    ["an unknown legal basis", { decisionType: "ventilation", reason: "r", legalBasis: "art99" }, 400, "validation_failed"],
    ["an evacuation without a radius", { decisionType: "evacuation", reason: "r" }, 400, "validation_failed"],
    ["a radius on a non-evacuation", { decisionType: "ventilation", reason: "r", evacuationRadiusM: 10 }, 400, "validation_failed"],
    ["an unknown field", { decisionType: "ventilation", reason: "r", severity: 3 }, 400, "validation_failed"],
    ["a correction of a non-decision (the first event)", { decisionType: "ventilation", reason: "r", corrects: 1 }, 422, "invalid_correction"],
    ["a correction of an entry that does not exist", { decisionType: "ventilation", reason: "r", corrects: 99_999 }, 422, "invalid_correction"],
    ["a time in the future", { decisionType: "ventilation", reason: "r", occurredAt: new Date(Date.now() + 3_600_000).toISOString() }, 422, "time_out_of_range"],
    ["a time more than a day ago", { decisionType: "ventilation", reason: "r", occurredAt: new Date(Date.now() - 25 * 3_600_000).toISOString() }, 422, "time_out_of_range"],
  ];
  it.each(cases)("refuses %s with nothing written", async (_name, body, status, code) => {
    const before = (await detail()).lastSeq;
    const response = await server.api<{ code: string }>("POST", `/incidents/${incidentId}/decisions`, { token: crew.token, body: { ...body, opId: opId() } });
    expect([response.status, response.body.code]).toEqual([status, code]);
    expect((await detail()).lastSeq).toBe(before);
  });

  it("refuses a correction that points at a decision of another incident", async () => {
    const elsewhere = await server.api<FiregroundResult>("POST", `/incidents/${otherIncidentId}/decisions`, {
      token: otherCrew.token, body: { decisionType: "ventilation", reason: "Vent the roof", opId: opId() },
    });
    expect(elsewhere.status).toBe(200);
    const ownSeqs = new Set(((await detail()).decisions ?? []).map((decision) => decision.seq));
    expect(ownSeqs.has(elsewhere.body.seq)).toBe(false);
    const response = await server.api<{ code: string }>("POST", `/incidents/${incidentId}/decisions`, {
      token: crew.token, body: { decisionType: "ventilation", reason: "r", corrects: elsewhere.body.seq, opId: opId() },
    });
    expect([response.status, response.body.code]).toEqual([422, "invalid_correction"]);
  });

  it("refuses a water use with an unknown fire class or agent", async () => {
    for (const body of [
      { agent: "water", nozzle: "fog", fireClass: "G", flameVisible: true },
      { agent: "sand", nozzle: "fog", fireClass: "A", flameVisible: true },
      { agent: "water", nozzle: "fog", fireClass: "A" },
    ]) {
      const response = await server.api<{ code: string }>("POST", `/incidents/${incidentId}/water-use`, { token: crew.token, body: { ...body, opId: opId() } });
      expect([response.status, response.body.code]).toEqual([400, "validation_failed"]);
    }
  });
});

describe("the incident's own log", () => {
  it("returns the incident's events in order, and pr gets no personal data", async () => {
    const full = await server.api<IncidentEventsView>("GET", `/incidents/${incidentId}/events`, { token: dispatcher.token });
    expect(full.status).toBe(200);
    const seqs = full.body.events.map((event) => event.seq);
    expect(seqs).toEqual(seqs.map((_seq, index) => index + 1));
    expect(full.body.lastSeq).toBe(seqs.length);
    expect(full.body.events.every((event) => event.streamId === incidentId)).toBe(true);
    const text = JSON.stringify(full.body);
    expect(text).toContain("Zhang Min");
    expect(text).toContain("Chen Jie");
    expect(text).toContain("BC Wang Fang");

    const forPr = await server.api<IncidentEventsView>("GET", `/incidents/${incidentId}/events`, { token: pr.token });
    expect(forPr.status).toBe(200);
    expect(forPr.body.events.map((event) => event.seq)).toEqual(seqs);
    const prText = JSON.stringify(forPr.body);
    for (const personal of ["Zhang Min", "+86 138 0000 0001", "Chen Jie", "BC Wang Fang", "Capt. Liu Yang", "Lt. Sun"]) {
      expect(prText, personal).not.toContain(personal);
    }
    // The reasons stay: they are what residents are owed.
    expect(prText).toContain("Let the shed burn to keep the fire off the house");
    const prDetail = await server.api<IncidentDetailView>("GET", `/incidents/${incidentId}`, { token: pr.token });
    expect(JSON.stringify(prDetail.body)).not.toContain("Chen Jie");
    expect(JSON.stringify(prDetail.body)).not.toContain("BC Wang Fang");

    const after = await server.api<IncidentEventsView>("GET", `/incidents/${incidentId}/events?afterSeq=${seqs.length - 2}`, { token: crew.token });
    expect(after.body.events.map((event) => event.seq)).toEqual(seqs.slice(-2));
    const otherUnit = await server.api<{ code: string }>("GET", `/incidents/${incidentId}/events`, { token: otherCrew.token });
    expect(otherUnit.status).toBe(403);
  });
});

describe("reconnect and the log", () => {
  it("replays everything a tablet missed after a reconnect; its fold equals the server's; verify-log passes", async () => {
    // The tablet's picture so far, folded from what it received live.
    const initial = await server.api<IncidentDetailView>("GET", `/incidents/${incidentId}`, { token: crew.token });
    let mirror: IncidentState | undefined;
    for (const event of initial.body.events) mirror = applyIncidentEvent(mirror, event);
    const lastSeq = mirror!.lastSeq;
    tablet.disconnect();

    // While the tablet is away, dispatch records a radioed decision and a water use.
    const radioed = await server.api<FiregroundResult>("POST", `/incidents/${incidentId}/decisions`, {
      token: dispatcher.token, body: { decisionType: "neighbouring_property", reason: "Hose lay through no. 14's yard", legalBasis: "art45_use_neighbouring_property", opId: opId() },
    });
    const water = await server.api<FiregroundResult>("POST", `/incidents/${incidentId}/water-use`, {
      token: dispatcher.token, body: { unitId: "FE1", agent: "water", nozzle: "straight", fireClass: "A", flameVisible: false, reason: "Deep-seated fire in the timber frame", opId: opId() },
    });
    expect([radioed.status, water.status]).toEqual([200, 200]);
    expect(water.body.incident.waterUses?.at(-1)).toMatchObject({ flagged: true, concerns: ["water_without_flame"] });

    const again = server.connect(crew.token);
    const missed: IncidentEvent[] = [];
    onIncidentEvents(again, (event) => missed.push(event));
    await waitForConnect(again);
    const ack = ok(await emitWithAck(again, "sync", { incidents: { [incidentId]: lastSeq } }));
    expect(ack.replayed).toBe(2);
    expect(missed.map((event) => event.type)).toEqual(["incident.decision", "incident.water_use"]);
    for (const event of missed) mirror = applyIncidentEvent(mirror, event);
    const { intervals: _intervals, events: _events, ...serverState } = await detail();
    expect(mirror).toEqual(serverState);
    // And a write after the replay arrives live, with no gap.
    const live = ok(await emitWithAck(again, "incident.phase", { incidentId, phase: "under_control", opId: opId(), source: "live" }));
    await expect.poll(() => missed.map((event) => event.seq)).toEqual([lastSeq + 1, lastSeq + 2, live.lastSeq]);
    again.disconnect();

    const { code, output } = await runScript("verifyLog", [], { ...process.env, DATA_DIR: server.dataDir, LOG_LEVEL: "warn" });
    expect(output).toMatch(/OK: \d+ events in streams .*every hash chain verifies and every record equals its fold/);
    expect(code).toBe(0);
  });

  it("folds the same state on the client from the live events the console received", async () => {
    const list = await server.api<{ incidents: IncidentView[] }>("GET", "/incidents?status=all", { token: dispatcher.token });
    expect(list.body.incidents.find((incident) => incident.id === incidentId)?.decisions?.length).toBeGreaterThan(0);
    const types = new Set(consoleSeen.filter((event) => event.streamId === incidentId).map((event) => event.type));
    for (const type of ["incident.phase", "incident.note", "incident.command", "incident.decision", "incident.water_use"]) expect(types.has(type as IncidentEvent["type"])).toBe(true);
  });
});
