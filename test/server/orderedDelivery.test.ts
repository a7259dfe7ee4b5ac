// Every instance sends incident events in log order even when another instance's commit arrives late: a commit
// in hand waits while the earlier positions are read from the store, and the late copy is then dropped.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CallIntakeResult } from "../../shared/api";
import { isIncidentEvent, type IncidentEvent } from "../../shared/events";
import type { IncidentState } from "../../shared/incident";
import { OrderedDelivery, type CommittedRange } from "../../server/realtime/orderedDelivery";
import { north, phoneCall } from "../helpers/factories";
import { startTestServer, type Account, type TestServer } from "../helpers/server";

let server: TestServer;
let dispatcher: Account;
beforeAll(async () => {
  server = await startTestServer();
  dispatcher = await server.createAccount("dispatcher");
});
afterAll(() => server.close());

describe("ordered delivery across instances", () => {
  it("delivers a commit that overtook earlier ones after them, read from the store, and drops their late copies", async () => {
    const store = server.server.store;
    const start = await store.getLastPosition();
    const incidentIds: string[] = [];
    for (let index = 0; index < 3; index++) {
      const response = await server.api<CallIntakeResult>("POST", "/calls", {
        token: dispatcher.token,
        body: phoneCall({ location: north({ lat: 22.5, lng: 114.1 }, index * 5_000) }),
      });
      incidentIds.push(response.body.incident.id);
    }
    // Each call was one commit: its incident's events, at consecutive positions.
    const log = (await store.getEventsAfter(start, 100)).filter(isIncidentEvent);
    const ranges: CommittedRange[] = [];
    for (const id of incidentIds) {
      const events = log.filter((event) => event.streamId === id);
      const record = await store.getIncident(id);
      ranges.push({
        firstPosition: events[0]!.position,
        lastPosition: events[events.length - 1]!.position,
        events,
        incidents: [record!.state],
      });
    }

    const delivered: IncidentEvent[] = [];
    const statesSeen = new Set<string>();
    const errors: unknown[] = [];
    const ordered = new OrderedDelivery(
      store,
      start,
      (events, states: ReadonlyMap<string, IncidentState>) => {
        delivered.push(...events);
        for (const id of states.keys()) statesSeen.add(id);
      },
      (error) => errors.push(error),
    );
    // The third commit arrives first (another instance was quicker), then the first and second late.
    await ordered.accept(ranges[2]!);
    await ordered.accept(ranges[0]!);
    await ordered.accept(ranges[1]!);

    expect(errors).toEqual([]);
    expect(delivered.map((event) => event.position)).toEqual(log.map((event) => event.position));
    expect(statesSeen).toEqual(new Set(incidentIds));
  });
});
