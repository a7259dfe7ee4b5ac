import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CallIntakeResult, IncidentDetailView } from "../../shared/api";
import type { ErrorBody } from "../../shared/errors";
import { startTestServer, type Account, type TestServer } from "../helpers/server";
import { north, phoneCall } from "../helpers/factories";

let server: TestServer;
let dispatcher: Account;

beforeAll(async () => {
  server = await startTestServer();
  dispatcher = await server.createAccount("dispatcher");
});
afterAll(() => server.close());

const postCall = (body: unknown) => server.api<CallIntakeResult>("POST", "/calls", { token: dispatcher.token, body });

describe("taking a call once", () => {
  it("creates one call and one incident when ten identical requests race", async () => {
    const call = phoneCall({ location: { lat: 31.2304, lng: 121.4737, address: "1 Nanjing Rd" } });
    const responses = await Promise.all(Array.from({ length: 10 }, () => postCall(call)));
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    const incidentIds = new Set(responses.map((response) => response.body.incident.id));
    const callIds = new Set(responses.map((response) => response.body.call.callId));
    expect(incidentIds.size).toBe(1);
    expect(callIds.size).toBe(1);
    expect(responses.filter((response) => response.body.replayed)).toHaveLength(9);

    const detail = await server.api<IncidentDetailView>("GET", `/incidents/${[...incidentIds][0]}`, { token: dispatcher.token });
    expect(detail.body.calls).toHaveLength(1);
    expect(detail.body.events.map((event) => event.type)).toEqual(["incident.created", "call.received"]);
  });

  it("returns the stored call when the same intakeId is sent again later", async () => {
    const call = phoneCall({ location: { lat: 30.0, lng: 120.0 } });
    const first = await postCall(call);
    const again = await postCall(call);
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body.call).toEqual(first.body.call);
    expect(again.body.replayed).toBe(true);
  });

  it("refuses the same intakeId with a different body and keeps the first call", async () => {
    const call = phoneCall({ location: { lat: 30.1, lng: 120.1 } });
    const first = await postCall(call);
    const conflict = await server.api<ErrorBody>("POST", "/calls", {
      token: dispatcher.token,
      body: { ...call, description: "something else" },
    });
    expect(conflict.status).toBe(409);
    expect(conflict.body.code).toBe("idempotency_conflict");
    const detail = await server.api<IncidentDetailView>("GET", `/incidents/${first.body.incident.id}`, { token: dispatcher.token });
    expect(detail.body.calls).toHaveLength(1);
    expect(detail.body.calls[0]?.description).toBe(call.description);
  });

  it("honours receivedAt for transfers and records both times on the events", async () => {
    const receivedAt = new Date(Date.now() - 90_000).toISOString();
    const response = await postCall(
      phoneCall({
        source: "transfer",
        receivedAt,
        location: { lat: 30.2, lng: 120.2 },
        transfer: { fromCenter: "110", externalId: "110-2026-7781", fromAgent: "operator 12" },
      }),
    );
    expect(response.status).toBe(201);
    expect(response.body.incident.receivedAt).toBe(receivedAt);
    expect(response.body.incident.externalId).toBe("110-2026-7781");
    const detail = await server.api<IncidentDetailView>("GET", `/incidents/${response.body.incident.id}`, { token: dispatcher.token });
    const received = detail.body.events.find((event) => event.type === "call.received");
    expect(received?.occurredAt).toBe(receivedAt);
    expect(Date.parse(received!.recordedAt)).toBeGreaterThan(Date.parse(receivedAt));
    expect(received?.source).toBe("transfer");
  });

  it("refuses a live receivedAt more than 24 h old, and writes nothing", async () => {
    const before = await server.api<{ events: unknown[] }>("GET", "/events?after=0&limit=1000", { token: dispatcher.token });
    const response = await server.api<ErrorBody>("POST", "/calls", {
      token: dispatcher.token,
      body: phoneCall({ receivedAt: new Date(Date.now() - 25 * 3600_000).toISOString() }),
    });
    expect(response.status).toBe(422);
    expect(response.body.code).toBe("time_out_of_range");
    const after = await server.api<{ events: unknown[] }>("GET", "/events?after=0&limit=1000", { token: dispatcher.token });
    expect(after.body.events.length).toBe(before.body.events.length);
  });
});

describe("transfers from other centers", () => {
  it("links a second transfer of the same external incident to the same incident, keeping both records", async () => {
    const transfer = { fromCenter: "120", externalId: "120-889", notes: "patient trapped, smoke in stairwell" };
    const first = await postCall(phoneCall({ source: "transfer", transfer, location: { lat: 29.0, lng: 119.0 } }));
    const second = await postCall(
      phoneCall({ source: "transfer", transfer: { ...transfer, notes: "second caller, 3rd floor" }, location: { lat: 29.0005, lng: 119.0 } }),
    );
    expect(second.status).toBe(201);
    expect(second.body.incident.id).toBe(first.body.incident.id);
    expect(second.body.incident.calls.map((call) => call.transfer?.notes)).toEqual([
      "patient trapped, smoke in stairwell",
      "second caller, 3rd floor",
    ]);
  });

  it("opens a separate incident for the same external id from another center", async () => {
    const first = await postCall(phoneCall({ source: "transfer", transfer: { fromCenter: "110", externalId: "X-1" }, location: { lat: 28, lng: 118 } }));
    const other = await postCall(phoneCall({ source: "transfer", transfer: { fromCenter: "122", externalId: "X-1" }, location: { lat: 27, lng: 117 } }));
    expect(other.body.incident.id).not.toBe(first.body.incident.id);
  });
});

describe("duplicate callers", () => {
  const origin = { lat: 22.5431, lng: 114.0579 };

  it("flags an open incident 40 m away as a strong duplicate, and one 2 km away not at all", async () => {
    const first = await postCall(phoneCall({ location: { ...origin, address: "88 Shennan Blvd" }, callerNumber: "+86 139 1111 0000" }));
    const near = await postCall(phoneCall({ location: north(origin, 40), callerNumber: "+86 139 2222 0000" }));
    expect(near.body.incident.id).not.toBe(first.body.incident.id);
    const match = near.body.duplicates.find((candidate) => candidate.incidentId === first.body.incident.id);
    expect(match).toMatchObject({ level: "strong", number: first.body.incident.number });
    expect(match?.distanceM).toBeGreaterThan(35);
    expect(match?.distanceM).toBeLessThan(45);
    expect(match?.reasons).toContain("within_radius");

    const far = await postCall(phoneCall({ location: north(origin, 2000), callerNumber: "+86 139 3333 0000" }));
    expect(far.body.duplicates.map((candidate) => candidate.incidentId)).not.toContain(first.body.incident.id);
  });

  it("answers the pre-submit query with the same candidates, judged at the time asked", async () => {
    const spot = { lat: 23.1291, lng: 113.2644 };
    const first = await postCall(phoneCall({ location: spot, callerNumber: "+86 137 0000 1234" }));
    const query = (extra: string) =>
      server.api<{ duplicates: CallIntakeResult["duplicates"] }>(
        "GET",
        `/calls/duplicates?lat=${spot.lat + 0.0003}&lng=${spot.lng}&incidentType=structure_fire${extra}`,
        { token: dispatcher.token },
      );
    const now = await query("");
    expect(now.status).toBe(200);
    expect(now.body.duplicates[0]).toMatchObject({ incidentId: first.body.incident.id, level: "strong" });
    // An hour later the same place is outside the 10-minute window for building fires.
    const later = await query(`&at=${encodeURIComponent(new Date(Date.now() + 3600_000).toISOString())}`);
    expect(later.body.duplicates.map((candidate) => candidate.incidentId)).not.toContain(first.body.incident.id);
    // The same caller number is a strong sign even far away.
    const caller = await server.api<{ duplicates: CallIntakeResult["duplicates"] }>(
      "GET",
      `/calls/duplicates?lat=10&lng=10&incidentType=medical&callerNumber=${encodeURIComponent("+86 137-0000-1234")}`,
      { token: dispatcher.token },
    );
    expect(caller.body.duplicates[0]).toMatchObject({ incidentId: first.body.incident.id, level: "strong" });
    expect(caller.body.duplicates[0]?.reasons).toContain("same_caller");
  });

  it("uses wider windows for wildland fires", async () => {
    const ridge = { lat: 40.0, lng: 116.0 };
    const first = await postCall(phoneCall({ incidentType: "wildland_fire", location: ridge }));
    const seenFromAfar = await postCall(phoneCall({ incidentType: "wildland_fire", location: north(ridge, 2500) }));
    expect(seenFromAfar.body.duplicates.map((candidate) => candidate.incidentId)).toContain(first.body.incident.id);
  });

  it("links a call to an existing incident when the dispatcher says so", async () => {
    const first = await postCall(phoneCall({ location: { lat: 24, lng: 114 } }));
    const linked = await postCall(phoneCall({ incidentId: first.body.incident.id, location: { lat: 24.0003, lng: 114 } }));
    expect(linked.status).toBe(201);
    expect(linked.body.incident.id).toBe(first.body.incident.id);
    expect(linked.body.incident.calls).toHaveLength(2);
  });
});
