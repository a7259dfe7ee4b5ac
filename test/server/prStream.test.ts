// Public-relations staff follow incidents live through their own room, and never receive a caller's name or
// number: not on the live path, not on replay, not after a merge, not inside free text somebody typed.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IncidentEvent } from "../../shared/events";
import { emitWithAck, onIncidentEvents, startTestServer, waitForConnect, type Account, type ClientSocket, type TestServer } from "../helpers/server";

const CALLER_NAME = "Ouyang Xiaoming";
const CALLER_NUMBER = "138 1234 5678";
const CALLBACK = "+86 10 8765 4321";
const SECOND_CALLER = "Huang Meiling";
const SECOND_NUMBER = "13922223333";
/** Digits only: a seeded number must not appear with any other spacing either. */
const SEEDED = [CALLER_NAME, "13812345678", "861087654321", SECOND_CALLER, SECOND_NUMBER];

let server: TestServer;
let dispatcher: Account;
let pr: Account;

beforeAll(async () => {
  server = await startTestServer();
  dispatcher = await server.createAccount("dispatcher");
  pr = await server.createAccount("pr");
  await server.createUnit("PR-E1");
});
afterAll(() => server.close());

function leaks(payloads: unknown[]): string[] {
  const text = JSON.stringify(payloads);
  const digits = text.replace(/[^0-9A-Za-z]/g, "");
  return SEEDED.filter((seed) => text.toLowerCase().includes(seed.toLowerCase()) || digits.includes(seed.replace(/\s/g, "")));
}

function collect(socket: ClientSocket): IncidentEvent[] {
  const received: IncidentEvent[] = [];
  onIncidentEvents(socket, (event) => received.push(event));
  return received;
}

async function listening(token: string, position?: number): Promise<{ socket: ClientSocket; received: IncidentEvent[] }> {
  const socket = server.connect(token);
  const received = collect(socket);
  await waitForConnect(socket);
  const synced = await emitWithAck(socket, "sync", position === undefined ? {} : { position });
  expect(synced.ok).toBe(true);
  return { socket, received };
}


async function until(check: () => boolean, what: string): Promise<void> {
  for (let tries = 0; tries < 100; tries++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("the pr live room", () => {
  it("receives every incident live, replay and merge included, without any caller's name or number", async () => {
    const live = await listening(pr.token);
    const consoleView = await listening(dispatcher.token);

    const api = server.client(dispatcher.token);
    const first = await api.intakeCall({
      intakeId: randomUUID(),
      source: "transfer",
      callerName: CALLER_NAME,
      callerNumber: CALLER_NUMBER,
      location: { lat: 37.7801, lng: -122.4101, address: "88 Stevenson St" },
      incidentType: "structure_fire",
      description: `Smoke on the 3rd floor; ${CALLER_NAME} is waiting at the door, call back on ${CALLER_NUMBER}`,
      transfer: { fromCenter: "110", externalId: `P-${randomUUID().slice(0, 6)}`, callbackNumber: CALLBACK, notes: `Call ${CALLBACK} for access` },
    });
    const second = await api.intakeCall({
      intakeId: randomUUID(),
      source: "phone",
      callerName: SECOND_CALLER,
      callerNumber: SECOND_NUMBER,
      location: { lat: 37.7802, lng: -122.4102 },
      incidentType: "structure_fire",
    });
    const incidentId = first.incident.id;
    await api.note(incidentId, `Spoke to ${CALLER_NAME} (138-1234-5678), ID 110105199003071234`, randomUUID());
    await api.dispatch(incidentId, { unitIds: ["PR-E1"], opId: randomUUID(), notes: `Meet ${CALLER_NAME} at the gate` });
    await api.merge(second.incident.id, { into: incidentId, reason: `${SECOND_CALLER} reports the same fire` });
    // Once merged, the second caller is known to this incident too.
    await api.note(incidentId, `${SECOND_CALLER} confirms flames at the back`, randomUUID());

    const lastNote = (events: IncidentEvent[]) => events.some((event) => event.type === "incident.note" && event.payload.text.includes("confirms"));
    await until(() => lastNote(consoleView.received), "the last note on the console");
    await until(() => lastNote(live.received), "the last note in the pr room");

    // The console sees the personal data (so this search can fail), pr sees the same events without it.
    expect(leaks(consoleView.received).length).toBeGreaterThan(0);
    expect(live.received.map((event) => `${event.streamId}#${event.seq}`)).toEqual(
      consoleView.received.map((event) => `${event.streamId}#${event.seq}`),
    );
    expect(live.received.filter((event) => leaks([event]).length > 0)).toEqual([]);
    const notes = live.received.flatMap((event) => (event.type === "incident.note" ? [event.payload.text] : []));
    expect(notes).toEqual(["Spoke to [redacted] ([redacted]), ID [number]", "[redacted] confirms flames at the back"]);

    // Replay from the start of the log, as a pr screen that was offline would get it.
    const replay = await listening(pr.token, 0);
    expect(replay.received.length).toBeGreaterThanOrEqual(live.received.length);
    expect(leaks(replay.received)).toEqual([]);

    // And over REST: the list and the incident with its events.
    const prApi = server.client(pr.token);
    const detail = await prApi.getIncident(incidentId);
    const list = await prApi.listIncidents("all");
    expect(leaks([detail, list])).toEqual([]);
    expect(detail.calls).toHaveLength(2);

    for (const socket of [live.socket, consoleView.socket, replay.socket]) socket.disconnect();
  });
});
