import { beforeEach, describe, expect, it, vi } from "vitest";
import type { IncidentDetailView, UnitView } from "../../shared/api";
import { computeIntervals, foldIncident } from "../../shared/incident";
import { createdEvent, dispatchedEvent, makeEvent, resetPositions, statusEvent } from "./fixtures";
import { createFakeSocket, flushPromises, type FakeSocket } from "./fakeSocket";

let socket: FakeSocket;
const api = {
  listUnits: vi.fn(),
  listIncidents: vi.fn(),
  getIncident: vi.fn(),
};

vi.mock("../../client/src/api/socket", () => ({ createSocket: () => socket, ACK_TIMEOUT_MS: 10 }));
vi.mock("../../client/src/api/client", async () => {
  const { createAuthStore } = await import("../../client/src/features/auth/authStore");
  const { memoryStorage } = await import("../../client/src/lib/storage");
  return { api, authStore: createAuthStore(memoryStorage()) };
});

const { loadConsoleData, startConsoleRealtime } = await import("../../client/src/console/consoleRealtime");
const { alertStore, connectionStore, incidentStore, unitStore } = await import("../../client/src/app/stores");
const { authStore } = await import("../../client/src/api/client");

const me = { id: "u-me", username: "me", role: "dispatcher" as const };
const unit = (id: string, status: UnitView["status"], statusSince = "2026-11-22T06:00:00.000Z", version = 1): UnitView => ({
  id,
  callSign: id,
  type: "engine",
  station: "Station 1",
  home: { lat: 37.78, lng: -122.4 },
  status,
  statusSince,
  incidentId: null,
  position: null,
  version,
});

describe("console realtime", () => {
  beforeEach(() => {
    resetPositions(10);
    socket = createFakeSocket();
    incidentStore.getState().reset();
    unitStore.getState().reset();
    api.listUnits.mockResolvedValue({ units: [unit("E1", "available")] });
    api.listIncidents.mockResolvedValue({ incidents: [], position: 10 });
  });

  it("syncs from the position of its first load, then applies live events through the shared fold", async () => {
    await loadConsoleData();
    const realtime = startConsoleRealtime("tok", me);
    socket.answer = async () => ({ ok: true, data: { replayed: 0, position: 10 } });
    socket.lifecycle("connect");
    await flushPromises();
    expect(socket.emitted[0]).toEqual({ event: "sync", payload: { position: 10 } });
    expect(connectionStore.getState().phase).toBe("live");

    const created = createdEvent("i1", "2026-00001");
    socket.serverEmit("incident.event", created);
    socket.serverEmit("incident.event", dispatchedEvent("i1", 2, "E1", "2026-11-22T06:00:30.000Z"));
    expect(incidentStore.getState().byId.i1?.assignments.map((a) => a.unitId)).toEqual(["E1"]);
    expect(incidentStore.getState().position).toBe(12);
    socket.serverEmit("unit.updated", { ...unit("E1", "dispatched", "2026-11-22T06:00:30.000Z", 2), incidentId: "i1" });
    expect(unitStore.getState().byId.E1?.status).toBe("dispatched");
    socket.serverEmit("unit.position", { unitId: "E1", lat: 37.79, lng: -122.41, at: "2026-11-22T06:00:40.000Z" });
    expect(unitStore.getState().byId.E1?.position).toEqual({ lat: 37.79, lng: -122.41, at: "2026-11-22T06:00:40.000Z" });
    realtime.stop();
  });

  it("applies a replay batch after sync in order, as if each event came alone", async () => {
    await loadConsoleData();
    const realtime = startConsoleRealtime("tok", me);
    socket.serverEmit("incident.events", [createdEvent("i2", "2026-00002"), dispatchedEvent("i2", 2, "E1", "2026-11-22T06:00:30.000Z")]);
    expect(incidentStore.getState().byId.i2?.assignments.map((a) => a.unitId)).toEqual(["E1"]);
    expect(incidentStore.getState().position).toBe(12);
    realtime.stop();
  });

  it("announces a call created by someone else, not one this dispatcher took", async () => {
    await loadConsoleData();
    const realtime = startConsoleRealtime("tok", me);
    const before = alertStore.getState().raisedCount;
    socket.serverEmit("incident.event", makeEvent("mine", 1, "incident.created", { number: "2026-00010", incidentType: "alarm", location: { lat: 1, lng: 1 }, receivedAt: "2026-11-22T06:00:00.000Z", alarmLevel: 1 }, "2026-11-22T06:00:00.000Z", { userId: "u-me", username: "me", role: "dispatcher" }));
    expect(alertStore.getState().raisedCount).toBe(before);
    socket.serverEmit("incident.event", createdEvent("theirs", "2026-00011"));
    expect(alertStore.getState().raisedCount).toBe(before + 1);
    expect(alertStore.getState().latest).toMatchObject({ kind: "newCall", incidentNumber: "2026-00011" });
    realtime.stop();
  });

  it("refetches an incident when an event shows a gap", async () => {
    await loadConsoleData();
    const realtime = startConsoleRealtime("tok", me);
    const created = createdEvent("i1");
    const dispatched = dispatchedEvent("i1", 2, "E1", "2026-11-22T06:00:30.000Z");
    const enRoute = statusEvent("i1", 3, "E1", "en_route", "dispatched", "2026-11-22T06:01:00.000Z");
    const full = foldIncident([created, dispatched, enRoute]);
    const detail: IncidentDetailView = { ...full, intervals: computeIntervals(full), events: [created, dispatched, enRoute] };
    api.getIncident.mockResolvedValue(detail);
    socket.serverEmit("incident.event", created);
    socket.serverEmit("incident.event", enRoute);
    await flushPromises();
    expect(api.getIncident).toHaveBeenCalledWith("i1");
    expect(incidentStore.getState().byId.i1?.lastSeq).toBe(3);
    realtime.stop();
  });

  it("after a reconnect replays from its cursor, takes the units again and says it resynced", async () => {
    await loadConsoleData();
    const realtime = startConsoleRealtime("tok", me);
    socket.answer = async () => ({ ok: true, data: { replayed: 0, position: 10 } });
    socket.lifecycle("connect");
    await flushPromises();
    socket.serverEmit("incident.event", createdEvent("i1"));
    socket.lifecycle("disconnect");
    expect(connectionStore.getState().phase).toBe("reconnecting");

    api.listUnits.mockResolvedValue({ units: [unit("E1", "out_of_service", "2026-11-22T07:00:00.000Z", 3)] });
    socket.answer = async () => {
      // The server replays what was missed before acking.
      socket.serverEmit("incident.event", dispatchedEvent("i1", 2, "E1", "2026-11-22T06:00:30.000Z"));
      return { ok: true, data: { replayed: 1, position: 12 } };
    };
    socket.lifecycle("connect");
    await flushPromises();
    await flushPromises();
    expect(socket.emitted.at(-1)).toEqual({ event: "sync", payload: { position: 11 } });
    expect(connectionStore.getState()).toMatchObject({ phase: "resynced", replayed: 1 });
    expect(incidentStore.getState().byId.i1?.lastSeq).toBe(2);
    expect(unitStore.getState().byId.E1?.status).toBe("out_of_service");
    realtime.stop();
  });

  it("syncs again from where the server stopped while the answer says more, and only then says it resynced", async () => {
    await loadConsoleData();
    const realtime = startConsoleRealtime("tok", me);
    let round = 0;
    socket.answer = async () => {
      round += 1;
      if (round === 1) {
        // The server's per-sync cap: two events, then "sync again".
        socket.serverEmit("incident.event", createdEvent("i1"));
        socket.serverEmit("incident.event", dispatchedEvent("i1", 2, "E1", "2026-11-22T06:00:30.000Z"));
        return { ok: true, data: { replayed: 2, position: 12, more: true } };
      }
      socket.serverEmit("incident.event", statusEvent("i1", 3, "E1", "acknowledged", "dispatched", "2026-11-22T06:00:40.000Z"));
      return { ok: true, data: { replayed: 1, position: 13, more: false } };
    };
    socket.lifecycle("connect");
    for (let i = 0; i < 4; i++) await flushPromises();
    expect(socket.emitted.filter((entry) => entry.event === "sync").map((entry) => entry.payload)).toEqual([
      { position: 10 },
      { position: 12 },
    ]);
    expect(connectionStore.getState()).toMatchObject({ replayed: 3 });
    expect(incidentStore.getState().byId.i1?.lastSeq).toBe(3);
    realtime.stop();
  });

  it("logs out when the session expires", async () => {
    authStore.getState().login({ token: "tok", user: me, expiresAt: "2099-01-01T00:00:00.000Z" });
    const realtime = startConsoleRealtime("tok", me);
    socket.serverEmit("session.expired");
    expect(authStore.getState().session).toBeNull();
    realtime.stop();
  });

  it("flags an overdue dispatch and logs out when the session is revoked", async () => {
    authStore.getState().login({ token: "tok", user: me, expiresAt: "2099-01-01T00:00:00.000Z" });
    await loadConsoleData();
    const realtime = startConsoleRealtime("tok", me);
    socket.serverEmit("dispatch.overdue", { incidentId: "i1", incidentNumber: "2026-00001", unitId: "E1", callSign: "E1", dispatchedAt: "2026-11-22T06:00:00.000Z", secondsWaiting: 30 });
    expect(alertStore.getState().overdue["i1:E1"]?.secondsWaiting).toBe(30);
    expect(alertStore.getState().latest).toMatchObject({ kind: "overdue", callSign: "E1" });
    socket.serverEmit("session.revoked");
    expect(authStore.getState().session).toBeNull();
    realtime.stop();
  });
});
