import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EidoImportResult, IncidentDetailView, RecommendationsView } from "../../shared/api";
import type { ErrorBody } from "../../shared/errors";
import type { IncidentEvent } from "../../shared/events";
import { civicCallTransfer, geodeticIncident } from "../helpers/eidoFixtures";
import { opId, phoneCall } from "../helpers/factories";
import { emitWithAck, onIncidentEvents, startTestServer, waitForConnect, type Account, type ClientSocket, type TestServer } from "../helpers/server";

let server: TestServer;
let integration: Account;
let dispatcher: Account;
let console_: ClientSocket;
const received: IncidentEvent[] = [];

beforeAll(async () => {
  server = await startTestServer();
  integration = await server.createAccount("integration");
  dispatcher = await server.createAccount("dispatcher");
  await server.createUnit("E1", { home: { lat: 31.235, lng: 121.48 } });
  console_ = server.connect(dispatcher.token);
  onIncidentEvents(console_, (event) => received.push(event));
  await waitForConnect(console_);
  const position = (await server.api<{ position: number }>("GET", "/events?after=0&limit=1", { token: dispatcher.token })).body.position;
  await emitWithAck(console_, "sync", { position });
});
afterAll(() => server.close());

const postEido = (body: unknown, token = integration.token) =>
  server.api<EidoImportResult & ErrorBody>("POST", "/transfers/eido", { token, body });
const detail = async (incidentId: string, token = dispatcher.token) =>
  (await server.api<IncidentDetailView>("GET", `/incidents/${incidentId}`, { token })).body;
const lastPosition = async () => (await server.api<{ position: number }>("GET", "/events?after=0&limit=1000", { token: dispatcher.token })).body;
/** What the console socket has received for an incident, waiting briefly for in-flight events. */
async function consoleEvents(incidentId: string, count: number): Promise<IncidentEvent[]> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const events = received.filter((event) => event.streamId === incidentId);
    if (events.length >= count) return events;
    await new Promise((resolve) => setTimeout(resolve, 40));
  }
  return received.filter((event) => event.streamId === incidentId);
}

describe("receiving an EIDO", () => {
  it("takes a civic-only call transfer as an unplaced incident with callbacks, persons and kept components", async () => {
    const document = civicCallTransfer();
    const response = await postEido(document);
    expect(response.status).toBe(201);
    expect(response.body.outcome).toBe("created");
    const incidentId = response.body.incident.id;

    const stored = await detail(incidentId);
    expect(stored.incidentType).toBe("structure_fire");
    expect(stored.externalId).toBe(document.$id);
    expect(stored.location).toEqual({
      confirmed: false,
      address: "200 Nanjing East Road, FL 3, Huangpu, Shanghai, CN",
      civic: { country: "CN", A1: "Shanghai", A3: "Huangpu", RD: "Nanjing East Road", HNO: "200", FLR: "3" },
    });
    expect(stored.calls).toHaveLength(1);
    const [call] = stored.calls;
    expect(call).toMatchObject({
      source: "transfer",
      callerNumber: "+8613900001111",
      callerName: "Min Zhao",
      receivedAt: new Date((document.callComponent as { callStartTimestamp: string }[])[0]!.callStartTimestamp).toISOString(),
      transfer: {
        fromCenter: "psap110.example.cn",
        fromAgent: "wang.fang@psap110.example.cn (position 7)",
        callbackUris: ["sip:8613900001111@ims.carrier.example.cn", "tel:+8613900001111"],
        persons: [{ name: "Min Zhao" }, { roles: ["Witness"], name: "Chen Jie", callbackUris: ["tel:+8613900002222"] }],
        notes: "Smoke from a 3rd floor window; caller is outside.",
      },
    });
    expect(call?.transfer?.eido?.unmapped).toMatchObject({ somethingFromTheFuture: { kept: true }, vehicleComponent: document.vehicleComponent });
    expect(stored.events.map((event) => event.type)).toEqual(["incident.created", "call.received"]);
    expect(stored.events.every((event) => event.source === "transfer")).toBe(true);

    // The console receives it like any transferred call, position not confirmed.
    const live = await consoleEvents(incidentId, 2);
    expect(live.map((event) => event.type)).toEqual(["incident.created", "call.received"]);
    expect(live[0]?.payload).toMatchObject({ location: { confirmed: false, address: stored.location.address } });
    expect(live[1]?.payload).toMatchObject({ callerName: "Min Zhao", transfer: { persons: [{ name: "Min Zhao" }, { name: "Chen Jie" }] } });

    // No position: no recommendation (never from a made-up point), until a dispatcher places it.
    const before = await server.api<RecommendationsView>("GET", `/incidents/${incidentId}/recommendations`, { token: dispatcher.token });
    expect(before.body).toMatchObject({ needsPosition: true, recommended: [] });
    const placed = await server.api<IncidentDetailView>("POST", `/incidents/${incidentId}/location`, {
      token: dispatcher.token,
      body: { opId: opId(), lat: 31.2352, lng: 121.4812 },
    });
    expect(placed.status).toBe(200);
    expect(placed.body.location).toEqual({ lat: 31.2352, lng: 121.4812, address: stored.location.address, civic: stored.location.civic });
    const located = await consoleEvents(incidentId, 3);
    expect(located[2]).toMatchObject({ type: "incident.located", payload: { previous: { confirmed: false }, location: { lat: 31.2352 } } });
    const after = await server.api<RecommendationsView>("GET", `/incidents/${incidentId}/recommendations`, { token: dispatcher.token });
    expect(after.body.needsPosition).toBeUndefined();
    expect(after.body.recommended.map((recommendation) => recommendation.unitId)).toContain("E1");
  });

  it("flags a second unplaced transfer from the same caller as a duplicate, without a distance", async () => {
    const first = await postEido(civicCallTransfer({ callerTel: "+8613911112222" }));
    const second = await postEido(civicCallTransfer({ callerTel: "+8613911112222" }));
    expect(second.status).toBe(201);
    expect(second.body.incident.id).not.toBe(first.body.incident.id);
    const duplicate = second.body.duplicates.find((candidate) => candidate.incidentId === first.body.incident.id);
    expect(duplicate).toMatchObject({ level: "strong", distanceM: null });
    expect(duplicate?.reasons).toEqual(expect.arrayContaining(["same_caller", "same_address"]));
    expect(duplicate?.reasons).not.toContain("within_radius");
  });

  it("places a geodetic location on the map at once", async () => {
    const response = await postEido(geodeticIncident({ lat: 31.1, lng: 121.3 }), dispatcher.token);
    expect(response.status).toBe(201);
    const stored = await detail(response.body.incident.id);
    expect(stored.location).toEqual({ lat: 31.1, lng: 121.3 });
    expect(stored.incidentType).toBe("medical");
    expect(stored.calls[0]).toMatchObject({ callerNumber: "+86-21-5555-0100", location: { lat: 31.1, lng: 121.3 } });
    expect(stored.description).toBe("Patient not breathing normally & cyanotic");
  });

  it("returns the same incident and writes nothing when the same document is sent again", async () => {
    const document = civicCallTransfer();
    const first = await postEido(document);
    const { position } = await lastPosition();
    const again = await postEido(document);
    expect(again.status).toBe(200);
    expect(again.body.replayed).toBe(true);
    expect(again.body.incident.id).toBe(first.body.incident.id);
    expect((await lastPosition()).position).toBe(position);
    expect((await detail(first.body.incident.id)).calls).toHaveLength(1);

    // The same version with a different body is a conflict, not a second truth.
    const conflicting = await postEido({ ...document, incidentComponent: [{ $id: "x", incidentTypeCommonRegistryText: "Medical" }] });
    expect(conflicting.status).toBe(409);
    expect(conflicting.body.code).toBe("idempotency_conflict");
  });

  it("appends a later version of the same $id to the same incident, and ignores an older one", async () => {
    const eidoId = `urn:emergency:uid:incidentid:update-test:psap110.example.cn`;
    const firstNote = { id: "note-1", text: "Smoke seen" };
    const v1 = civicCallTransfer({ eidoId, lastUpdateTimeStamp: new Date(Date.now() - 120_000).toISOString(), notes: [firstNote] });
    const created = await postEido(v1);
    const incidentId = created.body.incident.id;

    const v2 = civicCallTransfer({
      eidoId,
      lastUpdateTimeStamp: new Date(Date.now() - 60_000).toISOString(),
      notes: [firstNote, { id: "note-2", text: "Caller reports a person trapped on the 3rd floor" }],
    });
    const updated = await postEido(v2);
    expect(updated.status).toBe(200);
    expect(updated.body.outcome).toBe("updated");
    expect(updated.body.incident.id).toBe(incidentId);
    const stored = await detail(incidentId);
    expect(stored.calls).toHaveLength(2);
    expect(stored.calls[1]?.transfer?.notes).toBe("Caller reports a person trapped on the 3rd floor");
    expect(stored.calls[1]?.transfer?.eido?.lastUpdateTimeStamp).toBe(v2.lastUpdateTimeStamp);
    const live = await consoleEvents(incidentId, 3);
    expect(live.map((event) => event.type)).toEqual(["incident.created", "call.received", "call.received"]);

    const older = await postEido(civicCallTransfer({ eidoId, lastUpdateTimeStamp: new Date(Date.now() - 90_000).toISOString() }));
    expect(older.status).toBe(200);
    expect(older.body.outcome).toBe("stale");
    expect((await detail(incidentId)).calls).toHaveLength(2);
  });

  it("refuses what is not an EIDO with a code naming what is missing, and writes nothing", async () => {
    const { position } = await lastPosition();
    const good = civicCallTransfer();
    const { $id: _id, ...noId } = good;
    const { callComponent: _calls, incidentComponent: _incident, ...noComponent } = good;
    const { lastUpdateTimeStamp: _ts, ...noTimestamp } = good;
    const cases: [unknown, number, string][] = [
      [noId, 422, "eido_missing_id"],
      [noComponent, 422, "eido_missing_component"],
      [noTimestamp, 422, "eido_missing_timestamp"],
      [[good], 422, "eido_missing_id"],
      [{ ...good, callComponent: [{ $id: "c", callStartTimestamp: "yesterday" }] }, 400, "validation_failed"],
    ];
    for (const [body, status, code] of cases) {
      const response = await postEido(body);
      expect([response.status, response.body.code]).toEqual([status, code]);
    }
    const malformed = await server.api<ErrorBody>("POST", "/transfers/eido", { token: integration.token, raw: "{\"$id\": " });
    expect(malformed.body.code).toBe("malformed_json");
    expect((await lastPosition()).position).toBe(position);
  });

  it("lets only integration, dispatcher, supervisor and admin accounts send, and hides personal data from PR", async () => {
    const pr = await server.createAccount("pr");
    expect((await postEido(civicCallTransfer(), pr.token)).status).toBe(403);
    const prSocket = server.connect(pr.token);
    const prEvents: IncidentEvent[] = [];
    onIncidentEvents(prSocket, (event) => prEvents.push(event));
    await waitForConnect(prSocket);
    await emitWithAck(prSocket, "sync", { position: (await lastPosition()).position });
    const created = await postEido(civicCallTransfer({ notes: [{ id: "n", text: "Chen Jie next door called too" }] }));
    // Live, the PR room gets the call without names, numbers, callbacks or unmapped components; notes scrubbed.
    await expect.poll(() => prEvents.filter((event) => event.streamId === created.body.incident.id).length).toBe(2);
    const liveCall = prEvents.find((event) => event.streamId === created.body.incident.id && event.type === "call.received");
    expect(JSON.stringify(liveCall)).not.toMatch(/Min Zhao|Chen Jie|8613900001111|8613900002222|somethingFromTheFuture/);
    expect(liveCall?.payload).toMatchObject({ transfer: { persons: [{ roles: ["Caller"] }, { roles: ["Witness"] }] } });
    const seenByPr = await detail(created.body.incident.id, pr.token);
    const call = seenByPr.calls[0];
    expect(call?.callerName).toBeUndefined();
    expect(call?.callerNumber).toBeUndefined();
    expect(call?.transfer?.callbackUris).toBeUndefined();
    expect(call?.transfer?.callbackNumber).toBeUndefined();
    expect(call?.transfer?.persons).toEqual([{ roles: ["Caller"] }, { roles: ["Witness"] }]);
    expect(call?.transfer?.eido?.unmapped).toBeUndefined();
    expect((await server.api("GET", `/incidents/${created.body.incident.id}/eido`, { token: pr.token })).status).toBe(403);
  });
});

describe("sending an EIDO", () => {
  it("exports an incident that a fresh server imports with the same calls, location and times", async () => {
    const call = await server.api<{ incident: { id: string } }>("POST", "/calls", {
      token: dispatcher.token,
      body: phoneCall({ location: { lat: 31.2401, lng: 121.4901, address: "500 Henan Middle Rd" }, callerName: "Li Wei", description: "Kitchen fire" }),
    });
    const incidentId = call.body.incident.id;
    await server.api("POST", "/calls", {
      token: dispatcher.token,
      body: phoneCall({ incidentId, callerNumber: "+86 139 0000 0002", callerName: "Wu Lan", location: { lat: 31.2402, lng: 121.4902 } }),
    });
    await server.api("POST", `/incidents/${incidentId}/dispatch`, { token: dispatcher.token, body: { unitIds: ["E1"], opId: opId() } });
    await server.api("POST", `/incidents/${incidentId}/notes`, { token: dispatcher.token, body: { opId: opId(), text: "Gas cylinder in the kitchen" } });

    const exported = await server.api<Record<string, unknown>>("GET", `/incidents/${incidentId}/eido`, { token: integration.token });
    expect(exported.status).toBe(200);
    expect(exported.body).toMatchObject({
      $id: `urn:emergency:uid:incidentid:${incidentId}:fire-119.invalid`,
      incidentComponent: { incidentTypeInternalCode: "structure_fire", internalIncidentId: incidentId },
      emergencyResourceComponent: [{ emergencyResourceName: "E1", primaryUnitStatusRegistryText: "Dispatched" }],
    });
    expect(exported.body.callComponent).toHaveLength(2);

    const original = await detail(incidentId);
    const fresh = await startTestServer();
    try {
      const imported = await fresh.api<EidoImportResult>("POST", "/transfers/eido", { token: fresh.adminToken, body: exported.body });
      expect(imported.status).toBe(201);
      const copy = (await fresh.api<IncidentDetailView>("GET", `/incidents/${imported.body.incident.id}`, { token: fresh.adminToken })).body;
      expect(copy.incidentType).toBe(original.incidentType);
      expect(copy.receivedAt).toBe(original.receivedAt);
      expect(copy.description).toBe("Kitchen fire");
      expect(copy.location).toMatchObject({ lat: 31.2401, lng: 121.4901, address: "500 Henan Middle Rd" });
      expect(copy.calls.map((c) => [c.receivedAt, c.callerName, c.callerNumber?.replace(/\D/g, ""), c.location.address])).toEqual(
        original.calls.map((c) => [c.receivedAt, c.callerName, c.callerNumber?.replace(/\D/g, ""), c.location.address]),
      );
      expect(copy.calls.map((c) => "lat" in c.location ? [c.location.lat, c.location.lng] : null)).toEqual(
        original.calls.map((c) => "lat" in c.location ? [c.location.lat, c.location.lng] : null),
      );
      expect(copy.calls[0]?.transfer?.notes).toBe("Kitchen fire\nGas cylinder in the kitchen");
      expect(copy.externalId).toBe(exported.body.$id);
    } finally {
      await fresh.close();
    }
  });

  it("is refused for a crew account and 404 for an unknown incident", async () => {
    await server.createUnit("E9");
    const crew = await server.createAccount("crew", "E9");
    const call = await server.api<{ incident: { id: string } }>("POST", "/calls", { token: dispatcher.token, body: phoneCall({ location: { lat: 30.5, lng: 120.5 } }) });
    expect((await server.api("GET", `/incidents/${call.body.incident.id}/eido`, { token: crew.token })).status).toBe(403);
    expect((await server.api("GET", "/incidents/2099-99999/eido", { token: dispatcher.token })).status).toBe(404);
  });
});
