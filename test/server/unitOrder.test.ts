// A dispatch recorded as radioed in (back-dated) reaches a console's unit store as "dispatched": the server numbers
// every write of a unit, answers and broadcasts carry the number the store holds, and the client orders by it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CallIntakeResult, DispatchResult, UnitStatusResult, UnitView } from "../../shared/api";
import { createUnitStore } from "../../client/src/features/units/unitStore";
import { emitWithAck, nextEvent, startTestServer, waitForConnect, type Account, type ClientSocket, type TestServer } from "../helpers/server";
import { opId, phoneCall } from "../helpers/factories";

let server: TestServer;
let dispatcher: Account;
let consoleSocket: ClientSocket;

beforeAll(async () => {
  server = await startTestServer();
  dispatcher = await server.createAccount("dispatcher");
  await server.createUnit("ORD-E1", { home: { lat: 37.7808, lng: -122.404 } });
  consoleSocket = server.connect(dispatcher.token);
  await waitForConnect(consoleSocket);
  // A console joins the live stream when it syncs.
  const synced = await emitWithAck(consoleSocket, "sync", {});
  if (!synced.ok) throw new Error("console sync refused");
});
afterAll(async () => {
  consoleSocket?.disconnect();
  await server?.close();
});

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
const listed = async (): Promise<UnitView> => {
  const { body } = await server.api<{ units: UnitView[] }>("GET", "/units", { token: dispatcher.token });
  const unit = body.units.find((candidate) => candidate.id === "ORD-E1");
  if (!unit) throw new Error("unit not listed");
  return unit;
};

describe("unit order", () => {
  it("shows a back-dated dispatch as dispatched on a console, after an 'available' that began later", async () => {
    const store = createUnitStore();
    // The unit went out of service and back: "available" since about now.
    for (const status of ["out_of_service", "available"] as const) {
      const updated = nextEvent(consoleSocket, "unit.updated", (unit) => unit.id === "ORD-E1" && unit.status === status);
      const answer = await server.api<UnitStatusResult>("POST", "/units/ORD-E1/status", {
        token: dispatcher.token,
        body: { status, opId: opId() },
      });
      expect(answer.status).toBe(200);
      store.getState().upsert(await updated);
    }
    const available = await listed();
    expect(store.getState().byId["ORD-E1"]).toMatchObject({ status: "available", version: available.version });

    // The dispatch was radioed in: it happened ten minutes ago, before the unit's "available".
    const { body: call } = await server.api<CallIntakeResult>("POST", "/calls", { token: dispatcher.token, body: phoneCall() });
    const broadcast = nextEvent(consoleSocket, "unit.updated", (unit) => unit.id === "ORD-E1" && unit.status === "dispatched");
    const dispatched = await server.api<DispatchResult>("POST", `/incidents/${call.incident.id}/dispatch`, {
      token: dispatcher.token,
      body: { unitIds: ["ORD-E1"], opId: opId(), occurredAt: minutesAgo(10) },
    });
    expect(dispatched.status).toBe(200);
    const live = await broadcast;
    expect(Date.parse(live.statusSince)).toBeLessThan(Date.parse(available.statusSince));

    // The answer, the broadcast and a fresh list carry the same number for the same write, above the last one.
    const stored = await listed();
    expect(live.version).toBeGreaterThan(available.version);
    expect(live.version).toBe(stored.version);
    expect(dispatched.body.units.find((unit) => unit.id === "ORD-E1")?.version).toBe(stored.version);

    store.getState().upsert(live);
    expect(store.getState().byId["ORD-E1"]).toMatchObject({ status: "dispatched", incidentId: call.incident.id });
    // A list read before the dispatch, answered after it, does not take the console back to "available".
    store.getState().replaceAll([available]);
    expect(store.getState().byId["ORD-E1"]?.status).toBe("dispatched");
  });
});
