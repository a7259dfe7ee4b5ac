import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CallIntakeResult, IncidentDetailView, IncidentView } from "../../shared/api";
import type { IncidentEvent } from "../../shared/events";
import { applyIncidentEvent, type IncidentState } from "../../shared/incident";
import { emitWithAck, nextEvent, onIncidentEvents, startTestServer, waitForConnect, type Account, type ClientSocket, type TestServer } from "../helpers/server";
import { north, opId, phoneCall } from "../helpers/factories";

let server: TestServer;
let dispatcher: Account;
const base = { lat: 31.0, lng: 121.0 };

beforeAll(async () => {
  server = await startTestServer();
  dispatcher = await server.createAccount("dispatcher");
  for (const id of ["R1", "R2", "R3"]) await server.createUnit(id, { home: north(base, 200) });
});
afterAll(() => server.close());

/** What a console client keeps: incidents folded from the events it received, with the shared fold. */
class ConsoleMirror {
  readonly incidents = new Map<string, IncidentState>();
  readonly received: IncidentEvent[] = [];
  position = 0;

  constructor(initial: IncidentView[], position: number) {
    for (const incident of initial) {
      const { intervals: _intervals, ...state } = incident;
      this.incidents.set(incident.id, state);
    }
    this.position = position;
  }

  attach(socket: ClientSocket) {
    onIncidentEvents(socket, (event) => {
      this.received.push(event);
      this.incidents.set(event.streamId, applyIncidentEvent(this.incidents.get(event.streamId), event));
      this.position = event.position;
    });
  }
}

const call = (location = base) =>
  server.api<CallIntakeResult>("POST", "/calls", { token: dispatcher.token, body: phoneCall({ location }) });

async function serverStates(ids: Iterable<string>) {
  const states = new Map<string, IncidentState>();
  for (const id of ids) {
    const detail = await server.api<IncidentDetailView>("GET", `/incidents/${id}`, { token: dispatcher.token });
    const { intervals: _intervals, events: _events, ...state } = detail.body;
    states.set(id, state);
  }
  return states;
}

async function connectConsole(mirror: ConsoleMirror) {
  const socket = server.connect(dispatcher.token);
  mirror.attach(socket);
  await waitForConnect(socket);
  const ack = await emitWithAck(socket, "sync", { position: mirror.position });
  if (!ack.ok) throw new Error(ack.error.message);
  return socket;
}

describe("reconnecting clients", () => {
  it("receives exactly what it missed, in order, then live events: no gap, no duplicate", async () => {
    const list = await server.api<{ incidents: IncidentView[]; position: number }>("GET", "/incidents", { token: dispatcher.token });
    const mirror = new ConsoleMirror(list.body.incidents, list.body.position);
    const first = await connectConsole(mirror);

    const a = await call(north(base, 0));
    await server.api("POST", `/incidents/${a.body.incident.id}/dispatch`, { token: dispatcher.token, body: { unitIds: ["R1"], opId: opId() } });
    await new Promise((resolve) => setTimeout(resolve, 100));
    first.disconnect();

    // While the console is away: new incidents, dispatches and status changes.
    const b = await call(north(base, 5000));
    await server.api("POST", `/incidents/${b.body.incident.id}/dispatch`, { token: dispatcher.token, body: { unitIds: ["R2"], opId: opId() } });
    await server.api("POST", "/units/R1/status", { token: dispatcher.token, body: { status: "en_route", opId: opId() } });

    // Reconnect while more writes are racing with the sync.
    const racing = Promise.all([
      call(north(base, 10_000)),
      server.api("POST", "/units/R2/status", { token: dispatcher.token, body: { status: "acknowledged", opId: opId() } }),
      call(north(base, 15_000)),
    ]);
    const second = await connectConsole(mirror);
    const [c, , d] = await racing;
    await server.api("POST", "/units/R1/status", { token: dispatcher.token, body: { status: "on_scene", opId: opId() } });
    await new Promise((resolve) => setTimeout(resolve, 200));
    second.disconnect();

    const keys = mirror.received.map((event) => `${event.streamId}#${event.seq}`);
    expect(new Set(keys).size).toBe(keys.length);
    const positions = mirror.received.map((event) => event.position);
    expect(positions).toEqual([...positions].sort((x, y) => x - y));
    const all = await server.api<{ events: IncidentEvent[] }>("GET", `/events?after=${list.body.position}&limit=1000`, { token: dispatcher.token });
    expect(positions).toEqual(all.body.events.map((event) => event.position));

    const ids = [a, b, c, d].map((response) => response.body.incident.id);
    const expected = await serverStates(ids);
    for (const id of ids) expect(mirror.incidents.get(id)).toEqual(expected.get(id));
  });

  it("replays what a console missed in one message per read of the log, not one message per event", async () => {
    const start = await server.api<{ position: number }>("GET", "/incidents", { token: dispatcher.token });
    const missed = [];
    for (let index = 0; index < 6; index++) missed.push(await call(north(base, 20_000 + index * 1000)));
    const socket = server.connect(dispatcher.token);
    await waitForConnect(socket);
    const batches: IncidentEvent[][] = [];
    const singles: IncidentEvent[] = [];
    socket.on("incident.events", (events) => batches.push(events));
    socket.on("incident.event", (event) => singles.push(event));
    const ack = await emitWithAck(socket, "sync", { position: start.body.position });
    const log = await server.api<{ events: IncidentEvent[] }>("GET", `/events?after=${start.body.position}&limit=100`, { token: dispatcher.token });
    expect(log.body.events.filter((event) => event.type === "incident.created")).toHaveLength(missed.length);
    expect(ack.ok && ack.data.replayed).toBe(log.body.events.length);
    expect(singles).toEqual([]);
    expect(batches).toHaveLength(1);
    expect(batches[0]!.map((event) => event.position)).toEqual(log.body.events.map((event) => event.position));
    socket.disconnect();
  });

  it("gives a reconnecting tablet the events of its incident after the sequence it had", async () => {
    const crew = await server.createAccount("crew", "R3");
    const incident = await call(north(base, 20_000));
    const tablet = server.connect(crew.token);
    const seen: IncidentEvent[] = [];
    onIncidentEvents(tablet, (event) => seen.push(event));
    await waitForConnect(tablet);
    await emitWithAck(tablet, "sync", {});
    await server.api("POST", `/incidents/${incident.body.incident.id}/dispatch`, { token: dispatcher.token, body: { unitIds: ["R3"], opId: opId() } });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(seen.map((event) => event.type)).toEqual(["unit.dispatched"]);
    const lastSeq = seen[seen.length - 1]!.seq;
    tablet.disconnect();

    await server.api("POST", `/incidents/${incident.body.incident.id}/notes`, { token: dispatcher.token, body: { opId: opId(), text: "Gas meter on the north wall" } });
    await server.api("POST", "/units/R3/status", { token: dispatcher.token, body: { status: "acknowledged", opId: opId() } });

    const again = server.connect(crew.token);
    const missed: IncidentEvent[] = [];
    onIncidentEvents(again, (event) => missed.push(event));
    await waitForConnect(again);
    const ack = await emitWithAck(again, "sync", { incidents: { [incident.body.incident.id]: lastSeq } });
    expect(ack.ok && ack.data.replayed).toBe(2);
    expect(missed.map((event) => event.type)).toEqual(["incident.note", "unit.status"]);
    expect(missed.map((event) => event.seq)).toEqual([lastSeq + 1, lastSeq + 2]);
    // Live after the sync:
    await server.api("POST", "/units/R3/status", { token: dispatcher.token, body: { status: "en_route", opId: opId() } });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(missed.map((event) => event.seq)).toEqual([lastSeq + 1, lastSeq + 2, lastSeq + 3]);
    again.disconnect();
  });

  it("does not show a crew the events of incidents its unit is not on", async () => {
    const crew = await server.createAccount("crew", "R3");
    const tablet = server.connect(crew.token);
    const seen: IncidentEvent[] = [];
    onIncidentEvents(tablet, (event) => seen.push(event));
    await waitForConnect(tablet);
    await emitWithAck(tablet, "sync", {});
    const other = await call(north(base, 30_000));
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(seen.filter((event) => event.streamId === other.body.incident.id)).toEqual([]);
    // Asking for another incident by id does not reveal it either (its own incident is replayed, as always).
    seen.length = 0;
    const sneaky = await emitWithAck(tablet, "sync", { incidents: { [other.body.incident.id]: 0 } });
    expect(sneaky.ok).toBe(true);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.filter((event) => event.streamId === other.body.incident.id)).toEqual([]);
    tablet.disconnect();
  });

});

describe("position reports", () => {
  it("sends a crew's position reports to consoles and updates the unit, without an incident event", async () => {
    const crew = await server.createAccount("crew", "R1");
    const tablet = server.connect(crew.token);
    const consoleSocket = server.connect(dispatcher.token);
    await Promise.all([waitForConnect(tablet), waitForConnect(consoleSocket)]);
    await emitWithAck(consoleSocket, "sync", {});
    const events: IncidentEvent[] = [];
    onIncidentEvents(consoleSocket, (event) => events.push(event));
    const seen = nextEvent(consoleSocket, "unit.position", (update) => update.unitId === "R1");
    const ack = await emitWithAck(tablet, "unit.position", { unitId: "R1", lat: 31.01, lng: 121.02, heading: 90 });
    expect(ack).toEqual({ ok: true, data: { received: true } });
    expect(await seen).toMatchObject({ unitId: "R1", lat: 31.01, lng: 121.02, heading: 90 });
    const units = await server.api<{ units: { id: string; position: { lat: number } | null }[] }>("GET", "/units", { token: dispatcher.token });
    expect(units.body.units.find((unit) => unit.id === "R1")?.position?.lat).toBe(31.01);
    // Another unit's position is refused.
    const other = await emitWithAck(tablet, "unit.position", { unitId: "R2", lat: 1, lng: 1 });
    expect(other.ok === false && other.error.code).toBe("forbidden");
    expect(events).toEqual([]);
    tablet.disconnect();
    consoleSocket.disconnect();
  });
});
