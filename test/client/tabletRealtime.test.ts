import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { UnitStatusResult, UnitView } from "../../shared/api";
import { foldIncident } from "../../shared/incident";
import type { DispatchAlert } from "../../shared/socket";
import { memoryStorage, STORAGE_KEYS } from "../../client/src/lib/storage";
import { createdEvent, dispatchedEvent, resetPositions } from "./fixtures";
import { createFakeSocket, flushPromises, type FakeSocket } from "./fakeSocket";

// The tablet's stores read device storage when they are created: give them one with a saved assignment.
resetPositions();
const savedIncident = foldIncident([createdEvent("i1", "2026-00001"), dispatchedEvent("i1", 2, "E1", "2026-11-22T06:00:30.000Z")]);
const savedUnit: UnitView = {
  id: "E1",
  callSign: "E1",
  type: "engine",
  station: "Station 1",
  home: { lat: 37.78, lng: -122.4 },
  status: "dispatched",
  statusSince: "2026-11-22T06:00:30.000Z",
  incidentId: "i1",
  position: null,
  version: 4,
};
const device = memoryStorage({ [STORAGE_KEYS.tabletSnapshot]: JSON.stringify({ unit: savedUnit, incident: savedIncident, alert: null }) });
vi.stubGlobal("localStorage", device);

let socket: FakeSocket;
const api = { listUnits: vi.fn(), getIncident: vi.fn() };
vi.mock("../../client/src/api/socket", () => ({ createSocket: () => socket, ACK_TIMEOUT_MS: 10 }));
vi.mock("../../client/src/api/client", async () => {
  const { createAuthStore } = await import("../../client/src/features/auth/authStore");
  const { memoryStorage: storage } = await import("../../client/src/lib/storage");
  return { api, authStore: createAuthStore(storage()) };
});

const { startTabletRealtime } = await import("../../client/src/tablet/tabletRealtime");
const { tabletQueue, tabletStore } = await import("../../client/src/tablet/tabletStore");
const { incidentStore, unitStore } = await import("../../client/src/app/stores");

const alert: DispatchAlert = {
  incidentId: "i1",
  incidentNumber: "2026-00001",
  unitId: "E1",
  callSign: "E1",
  incidentType: "structure_fire",
  location: { lat: 37.78, lng: -122.41, address: "100 Market St" },
  otherUnits: [],
  dispatchedAt: "2026-11-22T06:00:30.000Z",
  attempt: 1,
};

describe("tablet realtime", () => {
  let stop: (() => void) | undefined;
  beforeEach(() => {
    socket = createFakeSocket();
    api.listUnits.mockRejectedValue(new Error("offline"));
    api.getIncident.mockRejectedValue(new Error("offline"));
  });
  afterEach(() => stop?.());

  it("starts from the assignment saved on the device when there is no network", () => {
    stop = startTabletRealtime("tok", "E1").stop;
    expect(unitStore.getState().byId.E1?.status).toBe("dispatched");
    expect(incidentStore.getState().byId.i1?.number).toBe("2026-00001");
  });

  it("syncs its current incident from the last sequence it holds", async () => {
    stop = startTabletRealtime("tok", "E1").stop;
    socket.answer = async () => ({ ok: true, data: { replayed: 0, position: 2 } });
    socket.lifecycle("connect");
    await flushPromises();
    expect(socket.emitted[0]).toEqual({ event: "sync", payload: { incidents: { i1: 2 } } });
  });

  it("shows a dispatch alert, and no re-sent alert once the crew's acknowledgement is queued", () => {
    stop = startTabletRealtime("tok", "E1").stop;
    socket.serverEmit("dispatch.alert", alert);
    expect(tabletStore.getState().alert?.incidentNumber).toBe("2026-00001");
    tabletStore.getState().clearAlert();
    tabletQueue.getState().enqueue({ kind: "dispatch.ack", payload: { incidentId: "i1", unitId: "E1", opId: "op-ack-00001", occurredAt: "2026-11-22T06:00:40.000Z" } });
    socket.serverEmit("dispatch.alert", { ...alert, attempt: 2 });
    expect(tabletStore.getState().alert).toBeNull();
  });

  it("delivers queued taps once connected and takes the server's answer into the stores", async () => {
    stop = startTabletRealtime("tok", "E1").stop;
    const answered: UnitStatusResult = { unit: { ...savedUnit, status: "acknowledged", statusSince: "2026-11-22T06:00:40.000Z", version: 5 }, incident: null };
    socket.answer = async (event) => (event === "sync" ? { ok: true, data: { replayed: 0, position: 2 } } : { ok: true, data: answered });
    socket.lifecycle("connect");
    for (let i = 0; i < 5; i++) await flushPromises();
    expect(socket.emitted.map((e) => e.event)).toEqual(["sync", "dispatch.ack"]);
    expect(socket.emitted[1]?.payload).toEqual({ incidentId: "i1", unitId: "E1", opId: "op-ack-00001", occurredAt: "2026-11-22T06:00:40.000Z" });
    expect(tabletQueue.getState().items).toEqual([]);
    expect(unitStore.getState().byId.E1?.status).toBe("acknowledged");
    // The device's copy follows, for the next offline start.
    expect(JSON.parse(device.data.get(STORAGE_KEYS.tabletSnapshot) ?? "{}").unit.status).toBe("acknowledged");
  });

  it("keeps a refused tap on screen with the server's reason", async () => {
    stop = startTabletRealtime("tok", "E1").stop;
    socket.answer = async (event) =>
      event === "sync"
        ? { ok: true, data: { replayed: 0, position: 2 } }
        : { ok: false, error: { code: "time_out_of_range", message: "occurredAt is more than 24 hours old" } };
    socket.lifecycle("connect");
    tabletQueue.getState().enqueue({ kind: "unit.status", payload: { unitId: "E1", status: "en_route", opId: "op-old-00001", occurredAt: "2026-11-20T06:00:00.000Z", source: "live" } });
    for (let i = 0; i < 5; i++) await flushPromises();
    expect(tabletQueue.getState().items[0]).toMatchObject({ state: "refused", error: { code: "time_out_of_range" } });
  });
});
