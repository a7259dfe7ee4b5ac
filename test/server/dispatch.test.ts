import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type {
  CallIntakeResult,
  DispatchResult,
  IncidentDetailView,
  IncidentView,
  RecommendationsView,
  UnitStatusResult,
  UnitView,
} from "../../shared/api";
import type { ErrorBody } from "../../shared/errors";
import type { DispatchAlert } from "../../shared/socket";
import { emitWithAck, nextEvent, startTestServer, waitForConnect, type Account, type TestServer } from "../helpers/server";
import { north, opId, phoneCall } from "../helpers/factories";

let server: TestServer;
let dispatcher: Account;
const base = { lat: 37.7808, lng: -122.404 };

beforeAll(async () => {
  // Short alert timings so re-alerts and overdue flags happen within a test.
  server = await startTestServer({ env: { REALERT_SECONDS: "1", OVERDUE_SECONDS: "2" } });
  dispatcher = await server.createAccount("dispatcher");
  const units: [string, string, number][] = [
    ["E1", "engine", 100], ["E2", "engine", 900], ["E3", "engine", 2500], ["E4", "engine", 5000],
    ["T1", "ladder", 300], ["RS1", "rescue", 600], ["B1", "command", 700], ["M1", "medic", 400],
  ];
  for (const [id, type, metres] of units) {
    await server.createUnit(id, { type, station: `Station ${id}`, home: north(base, metres) });
  }
});
afterAll(() => server.close());

const token = () => dispatcher.token;
async function newIncident(overrides = {}): Promise<IncidentView> {
  const response = await server.api<CallIntakeResult>("POST", "/calls", {
    token: token(),
    body: phoneCall({ location: { ...base, address: "935 Folsom St" }, ...overrides }),
  });
  return response.body.incident;
}
const dispatch = (incidentId: string, unitIds: string[], extra = {}) =>
  server.api<DispatchResult & ErrorBody>("POST", `/incidents/${incidentId}/dispatch`, {
    token: token(),
    body: { unitIds, opId: opId(), ...extra },
  });
const setStatus = (as: string, unitId: string, body: Record<string, unknown>) =>
  server.api<UnitStatusResult & ErrorBody>("POST", `/units/${unitId}/status`, { token: as, body: { opId: opId(), ...body } });
const units = async () => (await server.api<{ units: UnitView[] }>("GET", "/units", { token: token() })).body.units;
const unit = async (id: string) => (await units()).find((candidate) => candidate.id === id)!;

async function releaseAll(incidentId: string) {
  const detail = await server.api<IncidentDetailView>("GET", `/incidents/${incidentId}`, { token: token() });
  for (const assignment of detail.body.assignments.filter((entry) => entry.active)) {
    await setStatus(token(), assignment.unitId, { status: "available", override: { reason: "test cleanup" } });
  }
}

describe("recommendations", () => {
  it("fills the structure-fire run card with the nearest available units, with ETA and reason", async () => {
    const incident = await newIncident();
    const response = await server.api<RecommendationsView>("GET", `/incidents/${incident.id}/recommendations`, { token: token() });
    expect(response.status).toBe(200);
    const engines = response.body.recommended.filter((entry) => entry.type === "engine").map((entry) => entry.unitId);
    expect(engines).toEqual(["E1", "E2", "E3"]);
    expect(response.body.recommended.map((entry) => entry.unitId)).toEqual(
      expect.arrayContaining(["T1", "RS1", "B1", "M1"]),
    );
    const e1 = response.body.recommended.find((entry) => entry.unitId === "E1")!;
    expect(e1.distanceM).toBeGreaterThan(90);
    expect(e1.distanceM).toBeLessThan(110);
    expect(e1.etaSeconds).toBeGreaterThan(0);
    expect(e1.reason).toMatch(/nearest available engine/);
    // ETAs are in order: nearest first.
    const etas = response.body.recommended.map((entry) => entry.etaSeconds);
    expect(etas).toEqual([...etas].sort((a, b) => a - b));
  });

  it("leaves out units that are already committed and reports what the card still misses", async () => {
    const incident = await newIncident({ location: north(base, 50) });
    await dispatch(incident.id, ["E1", "E2", "E3"]);
    const other = await newIncident({ location: north(base, 20_000), incidentType: "structure_fire" });
    const response = await server.api<RecommendationsView>("GET", `/incidents/${other.id}/recommendations`, { token: token() });
    expect(response.body.recommended.filter((entry) => entry.type === "engine").map((entry) => entry.unitId)).toEqual(["E4"]);
    expect(response.body.unfilled).toContainEqual({ type: "engine", missing: 2 });
    await releaseAll(incident.id);
  });
});

describe("alarm levels", () => {
  it("fills the second-alarm run card once the alarm is raised, and logs the change", async () => {
    const incident = await newIncident({ location: north(base, 140_000) });
    const first = await server.api<RecommendationsView>("GET", `/incidents/${incident.id}/recommendations`, { token: token() });
    expect(first.body.recommended.filter((entry) => entry.type === "engine")).toHaveLength(3);
    const raised = await server.api<IncidentView>("POST", `/incidents/${incident.id}/alarm-level`, {
      token: token(),
      body: { alarmLevel: 2, opId: opId(), reason: "fire through the roof" },
    });
    expect(raised.status).toBe(200);
    expect(raised.body.alarmLevel).toBe(2);
    const second = await server.api<RecommendationsView>("GET", `/incidents/${incident.id}/recommendations`, { token: token() });
    expect(second.body.alarmLevel).toBe(2);
    // The second-alarm card wants five engines; only four exist here.
    expect(second.body.recommended.filter((entry) => entry.type === "engine")).toHaveLength(4);
    expect(second.body.unfilled).toContainEqual({ type: "engine", missing: 1 });
    const detail = await server.api<IncidentDetailView>("GET", `/incidents/${incident.id}`, { token: token() });
    expect(detail.body.events.at(-1)).toMatchObject({
      type: "incident.alarm_level",
      payload: { alarmLevel: 2, previousLevel: 1, reason: "fire through the roof" },
    });
  });
});

describe("dispatching", () => {
  it("gives a unit to exactly one of two dispatchers racing for it, and tells the other", async () => {
    const first = await newIncident({ location: north(base, 10) });
    const second = await newIncident({ location: north(base, 5000) });
    const [a, b] = await Promise.all([dispatch(first.id, ["E2"]), dispatch(second.id, ["E2"])]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const loser = a.status === 409 ? a : b;
    expect(loser.body.code).toBe("unit_unavailable");
    expect(loser.body.message).toMatch(/E2/);
    const winnerIncident = a.status === 200 ? first.id : second.id;
    expect((await unit("E2")).incidentId).toBe(winnerIncident);
    await releaseAll(winnerIncident);
  });

  it("assigns nothing when one of several units is unavailable", async () => {
    const busy = await newIncident({ location: north(base, 30_000) });
    await dispatch(busy.id, ["E4"]);
    const incident = await newIncident({ location: north(base, 40_000) });
    const response = await dispatch(incident.id, ["T1", "E4"]);
    expect(response.status).toBe(409);
    expect((await unit("T1")).status).toBe("available");
    await releaseAll(busy.id);
  });

  it("returns the first result again for a retried opId instead of dispatching twice", async () => {
    const incident = await newIncident({ location: north(base, 50_000) });
    const body = { unitIds: ["RS1"], opId: opId() };
    const first = await server.api<DispatchResult>("POST", `/incidents/${incident.id}/dispatch`, { token: token(), body });
    const retry = await server.api<DispatchResult>("POST", `/incidents/${incident.id}/dispatch`, { token: token(), body });
    expect(first.status).toBe(200);
    expect(retry.status).toBe(200);
    const detail = await server.api<IncidentDetailView>("GET", `/incidents/${incident.id}`, { token: token() });
    expect(detail.body.events.filter((event) => event.type === "unit.dispatched")).toHaveLength(1);
    await releaseAll(incident.id);
  });
});

describe("crew alerts and status", () => {
  it("alerts the crew at once, re-alerts until acknowledged, flags overdue to consoles, and stops after the ack", async () => {
    const crew = await server.createAccount("crew", "M1");
    const tablet = server.connect(crew.token);
    const consoleSocket = server.connect(dispatcher.token);
    await Promise.all([waitForConnect(tablet), waitForConnect(consoleSocket)]);
    await emitWithAck(tablet, "sync", {});
    await emitWithAck(consoleSocket, "sync", {});

    const incident = await newIncident({ location: north(base, 60_000), incidentType: "medical" });
    const firstAlert = nextEvent(tablet, "dispatch.alert", (alert) => alert.incidentId === incident.id);
    await dispatch(incident.id, ["M1"], { notes: "Use the side entrance" });
    const alert = (await firstAlert) as DispatchAlert;
    expect(alert).toMatchObject({ unitId: "M1", incidentType: "medical", attempt: 1, notes: "Use the side entrance" });
    expect(alert.location).toMatchObject({ lat: expect.closeTo(north(base, 60_000).lat, 6) });

    const again = (await nextEvent(tablet, "dispatch.alert", (next) => next.attempt >= 2, 4000)) as DispatchAlert;
    expect(again.incidentId).toBe(incident.id);
    const overdue = await nextEvent(consoleSocket, "dispatch.overdue", (flag) => flag.unitId === "M1", 4000);
    expect(overdue.secondsWaiting).toBeGreaterThanOrEqual(2);

    const ack = await emitWithAck(tablet, "dispatch.ack", { incidentId: incident.id, unitId: "M1", opId: opId() });
    expect(ack.ok).toBe(true);
    expect((await unit("M1")).status).toBe("acknowledged");
    let lateAlerts = 0;
    tablet.on("dispatch.alert", () => (lateAlerts += 1));
    await new Promise((resolve) => setTimeout(resolve, 2200));
    expect(lateAlerts).toBe(0);
    await releaseAll(incident.id);
  });

  it("keeps alerting an unacknowledged unit after its incident is merged, now for the surviving incident", async () => {
    const crew = await server.createAccount("crew", "RS1");
    const tablet = server.connect(crew.token);
    await waitForConnect(tablet);
    await emitWithAck(tablet, "sync", {});
    const main = await newIncident({ location: north(base, 65_000) });
    const copy = await newIncident({ location: north(base, 65_020) });
    const firstAlert = nextEvent(tablet, "dispatch.alert", (alert) => alert.incidentId === copy.id);
    await dispatch(copy.id, ["RS1"]);
    await firstAlert;
    const moved = nextEvent(tablet, "dispatch.alert", (alert) => alert.incidentId === main.id, 4000);
    await server.api("POST", `/incidents/${copy.id}/merge`, { token: token(), body: { into: main.id } });
    expect(((await moved) as DispatchAlert).incidentNumber).toBe(main.number);
    tablet.disconnect();
    await releaseAll(main.id);
  });

  it("walks the crew order, refuses out-of-order steps, and logs a dispatcher override with its reason", async () => {
    const crew = await server.createAccount("crew", "T1");
    const incident = await newIncident({ location: north(base, 70_000) });
    await dispatch(incident.id, ["T1"]);
    const skip = await setStatus(crew.token, "T1", { status: "on_scene" });
    expect(skip.status).toBe(409);
    expect(skip.body.code).toBe("invalid_transition");
    expect((await unit("T1")).status).toBe("dispatched");

    const crewOverride = await setStatus(crew.token, "T1", { status: "on_scene", override: { reason: "radio said so" } });
    expect(crewOverride.status).toBe(403);

    for (const status of ["acknowledged", "en_route", "on_scene"]) {
      const step = await setStatus(crew.token, "T1", { status });
      expect(step.status).toBe(200);
      expect(step.body.unit.status).toBe(status);
    }
    const backwards = await setStatus(crew.token, "T1", { status: "en_route" });
    expect(backwards.body.code).toBe("invalid_transition");
    const override = await setStatus(token(), "T1", { status: "en_route", override: { reason: "crew tapped on scene by mistake" } });
    expect(override.status).toBe(200);

    const detail = await server.api<IncidentDetailView>("GET", `/incidents/${incident.id}`, { token: token() });
    const statusEvents = detail.body.events.filter((event) => event.type === "unit.status");
    expect(statusEvents.map((event) => event.type === "unit.status" && event.payload.status)).toEqual([
      "acknowledged", "en_route", "on_scene", "en_route",
    ]);
    const last = statusEvents[statusEvents.length - 1]!;
    expect(last.type === "unit.status" && last.payload.override).toEqual({ reason: "crew tapped on scene by mistake" });
    expect(last.actor.role).toBe("dispatcher");
    await releaseAll(incident.id);
  });

  it("does not log a second identical step when a crew taps twice", async () => {
    const crew = await server.createAccount("crew", "B1");
    const incident = await newIncident({ location: north(base, 80_000) });
    await dispatch(incident.id, ["B1"]);
    await setStatus(crew.token, "B1", { status: "en_route" });
    await setStatus(crew.token, "B1", { status: "en_route" });
    const detail = await server.api<IncidentDetailView>("GET", `/incidents/${incident.id}`, { token: token() });
    expect(detail.body.events.filter((event) => event.type === "unit.status")).toHaveLength(1);
    await releaseAll(incident.id);
  });
});

describe("response-time intervals", () => {
  it("computes alarm processing, turnout, travel and total response from the recorded times", async () => {
    const t0 = Date.now() - 20 * 60_000;
    const at = (seconds: number) => new Date(t0 + seconds * 1000).toISOString();
    const incident = await newIncident({ location: north(base, 90_000), receivedAt: at(0) });
    await dispatch(incident.id, ["E1"], { occurredAt: at(45) });
    await dispatch(incident.id, ["E2"], { occurredAt: at(50) });
    await setStatus(token(), "E1", { status: "en_route", occurredAt: at(110) });
    await setStatus(token(), "E2", { status: "en_route", occurredAt: at(100) });
    await setStatus(token(), "E2", { status: "on_scene", occurredAt: at(400) });
    await setStatus(token(), "E1", { status: "on_scene", occurredAt: at(350) });

    const detail = await server.api<IncidentDetailView>("GET", `/incidents/${incident.id}`, { token: token() });
    // E1 arrived first (350 s): its own dispatch (45) -> en route (110) -> on scene (350).
    expect(detail.body.intervals).toEqual({ alarmProcessing: 45, turnout: 65, travel: 240, totalResponse: 350 });

    const report = await server.api<{ incidents: { incidentId: string; intervals: unknown }[] }>(
      "GET",
      `/reports/response-times?from=${encodeURIComponent(at(-1))}&to=${encodeURIComponent(at(1))}`,
      { token: token() },
    );
    expect(report.body.incidents).toEqual([
      expect.objectContaining({ incidentId: incident.id, intervals: detail.body.intervals }),
    ]);
    await releaseAll(incident.id);
  });

  it("reports null, not 0, for an interval whose end is missing", async () => {
    const incident = await newIncident({ location: north(base, 100_000) });
    await dispatch(incident.id, ["E3"]);
    const detail = await server.api<IncidentDetailView>("GET", `/incidents/${incident.id}`, { token: token() });
    expect(detail.body.intervals.alarmProcessing).not.toBeNull();
    expect(detail.body.intervals).toMatchObject({ turnout: null, travel: null, totalResponse: null });
    await releaseAll(incident.id);
  });
});

describe("merging and closing", () => {
  it("merges an incident into another: calls move, units are handed over, both logs record it", async () => {
    const main = await newIncident({ location: north(base, 110_000) });
    const copy = await newIncident({ location: north(base, 110_030), callerName: "Second caller" });
    await dispatch(copy.id, ["E4"]);
    const merged = await server.api<{ from: IncidentView; into: IncidentView }>("POST", `/incidents/${copy.id}/merge`, {
      token: token(),
      body: { into: main.id, reason: "same fire, two callers" },
    });
    expect(merged.status).toBe(200);
    expect(merged.body.from.status).toBe("merged");
    expect(merged.body.into.calls.map((call) => call.callerName)).toEqual(["Li Wei", "Second caller"]);
    expect(merged.body.into.calls[1]?.mergedFrom).toBe(copy.id);
    expect((await unit("E4")).incidentId).toBe(main.id);
    const fromLog = await server.api<IncidentDetailView>("GET", `/incidents/${copy.id}`, { token: token() });
    const intoLog = await server.api<IncidentDetailView>("GET", `/incidents/${main.id}`, { token: token() });
    expect(fromLog.body.events.at(-1)?.type).toBe("incident.merged");
    expect(intoLog.body.events.at(-1)?.type).toBe("incident.absorbed");
    // The handed-over unit keeps its original dispatch time.
    expect(intoLog.body.assignments.find((entry) => entry.unitId === "E4")?.dispatchedAt).toEqual(
      fromLog.body.assignments.find((entry) => entry.unitId === "E4")?.dispatchedAt,
    );
    // A new call linked to the merged incident lands in the surviving one.
    const late = await server.api<CallIntakeResult>("POST", "/calls", {
      token: token(),
      body: phoneCall({ incidentId: copy.id, location: north(base, 110_010) }),
    });
    expect(late.body.incident.id).toBe(main.id);
    await releaseAll(main.id);
  });

  it("refuses to close an incident with units still assigned, then closes it once they are clear", async () => {
    const incident = await newIncident({ location: north(base, 120_000) });
    await dispatch(incident.id, ["E3"]);
    const early = await server.api<ErrorBody>("POST", `/incidents/${incident.id}/close`, { token: token(), body: { opId: opId() } });
    expect(early.status).toBe(409);
    expect(early.body.code).toBe("units_assigned");
    expect(early.body.message).toMatch(/E3/);
    await releaseAll(incident.id);
    const closed = await server.api<IncidentView>("POST", `/incidents/${incident.id}/close`, { token: token(), body: { opId: opId() } });
    expect(closed.status).toBe(200);
    expect(closed.body.status).toBe("closed");
    const open = await server.api<{ incidents: IncidentView[] }>("GET", "/incidents?status=open", { token: token() });
    expect(open.body.incidents.map((entry) => entry.id)).not.toContain(incident.id);
  });

  it("records fireground phases with both times", async () => {
    const incident = await newIncident({ location: north(base, 130_000) });
    const occurredAt = new Date(Date.now() - 60_000).toISOString();
    const response = await server.api<IncidentView>("POST", `/incidents/${incident.id}/phases`, {
      token: token(),
      body: { phase: "water_on_fire", opId: opId(), occurredAt },
    });
    expect(response.status).toBe(200);
    expect(response.body.phases.water_on_fire?.occurredAt).toBe(occurredAt);
    expect(Date.parse(response.body.phases.water_on_fire!.recordedAt)).toBeGreaterThan(Date.parse(occurredAt));
  });
});
