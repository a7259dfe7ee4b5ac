// An imported status may name its incident: a unit's later times on a call it was re-routed from are folded onto
// its earlier assignment there, and the unit itself stays on its new incident.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CallIntakeResult, IncidentDetailView, UnitStatusResult, UnitView } from "../../shared/api";
import type { ErrorBody } from "../../shared/errors";
import { computeIntervals } from "../../shared/incident";
import { opId, phoneCall } from "../helpers/factories";
import { startTestServer, type TestServer } from "../helpers/server";

let server: TestServer;
const t = (minutes: number) => new Date(Date.parse("2026-11-20T10:00:00.000Z") + minutes * 60_000).toISOString();

beforeAll(async () => {
  server = await startTestServer();
  await server.createUnit("RR1");
});
afterAll(() => server.close());

const api = <T>(method: string, pathname: string, body?: unknown) =>
  server.api<T>(method, pathname, { token: server.adminToken, ...(body !== undefined ? { body } : {}) });

describe("imported status naming its incident", () => {
  it("folds a re-routed unit's later on-scene onto its earlier assignment, without moving the unit", async () => {
    const first = (await api<CallIntakeResult>("POST", "/calls", phoneCall({ source: "import", receivedAt: t(0) }))).body.incident;
    const second = (await api<CallIntakeResult>("POST", "/calls", phoneCall({ source: "import", receivedAt: t(3), location: { lat: 37.79, lng: -122.41 } }))).body.incident;
    const dispatch = (incidentId: string, at: string) =>
      api("POST", `/incidents/${incidentId}/dispatch`, { unitIds: ["RR1"], opId: opId(), occurredAt: at, source: "import", reassign: true });
    expect((await dispatch(first.id, t(1))).status).toBe(200);
    expect((await api("POST", "/units/RR1/status", { status: "en_route", opId: opId(), occurredAt: t(2), source: "import", incidentId: first.id })).status).toBe(200);
    expect((await dispatch(second.id, t(4))).status).toBe(200);

    const late = await api<UnitStatusResult>("POST", "/units/RR1/status", { status: "on_scene", opId: opId(), occurredAt: t(5), source: "import", incidentId: first.id });
    expect(late.status).toBe(200);
    const unit = (await api<{ units: UnitView[] }>("GET", "/units")).body.units.find((entry) => entry.id === "RR1");
    expect(unit).toMatchObject({ status: "dispatched", incidentId: second.id });
    const detail = (await api<IncidentDetailView>("GET", `/incidents/${first.id}`)).body;
    expect(detail.assignments[0]).toMatchObject({ active: false, status: "on_scene", reassignedTo: second.id });
    expect(detail.intervals).toEqual({ alarmProcessing: 60, turnout: 60, travel: 180, totalResponse: 300 });
    // The client folds the same events to the same state.
    expect(computeIntervals(detail)).toEqual(detail.intervals);
  });

  it("refuses incidentId on a live status, and an incident the unit was never on", async () => {
    const live = await api<ErrorBody>("POST", "/units/RR1/status", { status: "on_scene", opId: opId(), incidentId: "anything" });
    expect(live.status).toBe(400);
    expect(live.body.issues?.[0]?.path).toBe("incidentId");
    const other = (await api<CallIntakeResult>("POST", "/calls", phoneCall({ source: "import", receivedAt: t(6), location: { lat: 37.70, lng: -122.45 } }))).body.incident;
    const never = await api<ErrorBody>("POST", "/units/RR1/status", { status: "on_scene", opId: opId(), occurredAt: t(7), source: "import", incidentId: other.id });
    expect(never.status).toBe(409);
    expect(never.body.message).toMatch(/never assigned/);
  });
});
