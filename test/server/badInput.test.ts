// Bad input of every kind: each case gets the exact status and stable code, a message a person can read, and
// leaves the stored state exactly as it was. The server keeps serving afterwards.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CallIntakeResult, IncidentDetailView, UnitView, UserView } from "../../shared/api";
import type { ErrorBody, ErrorCode } from "../../shared/errors";
import type { IncidentEvent } from "../../shared/events";
import { opId } from "../helpers/factories";
import { must, startTestServer, waitForConnect } from "../helpers/server";
import type { Account, ApiResponse, ClientSocket, TestServer } from "../helpers/server";

let server: TestServer;
let crewAccount: Account;
let socket: ClientSocket;
/** An open incident and an available unit the cases aim at. */
let incidentId: string;
const UNIT = "BI-E1";
const CREW_UNIT = "BI-CREW";

const hoursFromNow = (hours: number) => new Date(Date.now() + hours * 3600_000).toISOString();

function phoneCall(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    intakeId: randomUUID(),
    source: "phone",
    callerNumber: "+1 415 555 0100",
    location: { lat: 37.7801, lng: -122.4102, address: "10 Market St" },
    incidentType: "structure_fire",
    description: "Smoke from the third floor",
    ...extra,
  };
}

function asAdmin<T = unknown>(method: string, pathname: string, body?: unknown): Promise<ApiResponse<T>> {
  return server.api<T>(method, pathname, { token: server.adminToken, ...(body !== undefined ? { body } : {}) });
}

/** Everything a bad request could half-write: the event log, units, users, incidents and run cards. */
async function storedState() {
  const events = await must(asAdmin<{ events: IncidentEvent[]; position: number }>("GET", "/events?after=0&limit=1000"));
  const units = await must(asAdmin<{ units: UnitView[] }>("GET", "/units"));
  const users = await must(asAdmin<{ users: UserView[] }>("GET", "/users"));
  const incidents = await must(asAdmin<{ incidents: unknown[] }>("GET", "/incidents?status=all&limit=500"));
  const runCards = await must(asAdmin<{ runCards: unknown[] }>("GET", "/run-cards"));
  return {
    eventCount: events.events.length,
    position: events.position,
    units: units.units,
    usernames: users.users.map((user) => user.username),
    incidents: incidents.incidents,
    runCards: runCards.runCards,
  };
}

async function unitStatus(unitId: string): Promise<string | undefined> {
  const { units } = await must(asAdmin<{ units: UnitView[] }>("GET", "/units"));
  return units.find((unit) => unit.id === unitId)?.status;
}

/** Emits anything (the typed emit would not let a test send a wrong payload) and resolves with the ack. */
function emitRaw(target: ClientSocket, event: string, payload: unknown): Promise<unknown> {
  const emit = target.emit.bind(target) as unknown as (name: string, data: unknown, ack: (result: unknown) => void) => void;
  return new Promise((resolve) => emit(event, payload, resolve));
}

function emitWithoutAck(target: ClientSocket, event: string, payload: unknown): void {
  const emit = target.emit.bind(target) as unknown as (name: string, data: unknown) => void;
  emit(event, payload);
}

beforeAll(async () => {
  server = await startTestServer();
  await server.createUnit(UNIT);
  await server.createUnit(CREW_UNIT);
  crewAccount = await server.createAccount("crew", CREW_UNIT);
  incidentId = (await must(asAdmin<CallIntakeResult>("POST", "/calls", phoneCall()), 201)).incident.id;
  socket = server.connect(server.adminToken);
  await waitForConnect(socket);
});
afterAll(() => server.close());

/** What came back: an HTTP answer, or a socket ack (which has no status). */
interface Outcome {
  status: number | null;
  body: unknown;
}

interface BadInput {
  name: string;
  send: () => Promise<Outcome>;
  /** HTTP status, or null for a socket ack. */
  status: number | null;
  code: ErrorCode;
  /** For validation errors: a path the `issues` list must name. */
  issuePath?: string;
  /** A check beyond the global "nothing changed" comparison. */
  stored?: () => Promise<void>;
}

const post = (pathname: string, body: unknown) => asAdmin("POST", pathname, body);
const raw = (method: string, pathname: string, text: string) => server.api(method, pathname, { token: server.adminToken, raw: text });
const ack = async (pending: Promise<unknown>): Promise<Outcome> => {
  const result = (await pending) as { ok: boolean; error?: ErrorBody };
  return { status: null, body: result.ok ? result : result.error };
};

const badInputs: BadInput[] = [
  {
    name: "malformed JSON ({bad) on POST /calls",
    send: () => raw("POST", "/calls", "{bad"),
    status: 400,
    code: "malformed_json",
  },
  {
    name: "a JSON array as the body of POST /calls",
    send: () => raw("POST", "/calls", JSON.stringify([phoneCall()])),
    status: 400,
    code: "validation_failed",
  },
  {
    name: "a bare JSON string as the body of POST /calls",
    send: () => raw("POST", "/calls", JSON.stringify("structure fire at 10 Market St")),
    status: 400,
    code: "malformed_json",
  },
  {
    name: "no body at all on POST /calls",
    send: () => server.api("POST", "/calls", { token: server.adminToken }),
    status: 400,
    code: "validation_failed",
  },
  {
    name: "lat sent as a string",
    send: () => post("/calls", phoneCall({ location: { lat: "37.78", lng: -122.41 } })),
    status: 400,
    code: "validation_failed",
    issuePath: "location.lat",
  },
  {
    name: "a call without a location",
    send: () => {
      const { location: _location, ...call } = phoneCall();
      return post("/calls", call);
    },
    status: 400,
    code: "validation_failed",
    issuePath: "location",
  },
  {
    name: "a call without an incidentType",
    send: () => {
      const { incidentType: _type, ...call } = phoneCall();
      return post("/calls", call);
    },
    status: 400,
    code: "validation_failed",
    issuePath: "incidentType",
  },
  {
    name: "lat 91 is out of range",
    send: () => post("/calls", phoneCall({ location: { lat: 91, lng: -122.41 } })),
    status: 400,
    code: "validation_failed",
    issuePath: "location.lat",
  },
  {
    name: "lng -181 is out of range",
    send: () => post("/calls", phoneCall({ location: { lat: 37.78, lng: -181 } })),
    status: 400,
    code: "validation_failed",
    issuePath: "location.lng",
  },
  {
    name: "an unknown field on a call (strict schema)",
    send: () => post("/calls", phoneCall({ priority: "high" })),
    status: 400,
    code: "validation_failed",
  },
  {
    name: 'a MongoDB operator as the login username ({"$gt":""})',
    send: () => server.api("POST", "/auth/login", { body: { username: { $gt: "" }, password: "x" } }),
    status: 400,
    code: "validation_failed",
    issuePath: "username",
  },
  {
    name: "a MongoDB operator inside location.lat",
    send: () => post("/calls", phoneCall({ location: { lat: { $gt: 0 }, lng: -122.41 } })),
    status: 400,
    code: "validation_failed",
    issuePath: "location.lat",
  },
  {
    name: "a MongoDB operator in the query string (?lat[$gt]=1)",
    send: () => asAdmin("GET", "/calls/duplicates?lat[$gt]=1&lng=-122.41&incidentType=structure_fire"),
    status: 400,
    code: "validation_failed",
  },
  {
    name: "a body over 64 KB",
    send: () => post("/calls", phoneCall({ description: "x".repeat(70 * 1024) })),
    status: 413,
    code: "payload_too_large",
  },
  {
    name: "an intakeId that is not a UUID",
    send: () => post("/calls", phoneCall({ intakeId: "call-42" })),
    status: 400,
    code: "validation_failed",
    issuePath: "intakeId",
  },
  {
    name: "an incidentType outside the list",
    send: () => post("/calls", phoneCall({ incidentType: "volcano" })),
    status: 400,
    code: "validation_failed",
    issuePath: "incidentType",
  },
  {
    name: "receivedAt without a time zone",
    send: () => post("/calls", phoneCall({ receivedAt: "2025-03-01T10:15:00" })),
    status: 400,
    code: "validation_failed",
    issuePath: "receivedAt",
  },
  {
    name: "a phone call received more than 24 h ago",
    send: () => post("/calls", phoneCall({ receivedAt: hoursFromNow(-48) })),
    status: 422,
    code: "time_out_of_range",
  },
  {
    name: "a transfer without its transfer record",
    send: () => post("/calls", phoneCall({ source: "transfer" })),
    status: 400,
    code: "validation_failed",
    issuePath: "transfer",
  },
  {
    name: "a description longer than 4000 characters",
    send: () => post("/calls", phoneCall({ description: "y".repeat(4001) })),
    status: 400,
    code: "validation_failed",
    issuePath: "description",
  },
  {
    name: "a dispatch with occurredAt a day in the future",
    send: () => post(`/incidents/${incidentId}/dispatch`, { unitIds: [UNIT], opId: opId(), occurredAt: hoursFromNow(24) }),
    status: 422,
    code: "time_out_of_range",
    stored: async () => expect(await unitStatus(UNIT)).toBe("available"),
  },
  {
    name: "a live status report with occurredAt more than 24 h ago",
    send: () => post(`/units/${UNIT}/status`, { status: "out_of_service", opId: opId(), occurredAt: hoursFromNow(-25) }),
    status: 422,
    code: "time_out_of_range",
    stored: async () => expect(await unitStatus(UNIT)).toBe("available"),
  },
  {
    name: "a phase with occurredAt without a time zone",
    send: () => post(`/incidents/${incidentId}/phases`, { phase: "all_clear", opId: opId(), occurredAt: "2025-03-01 10:15" }),
    status: 400,
    code: "validation_failed",
    issuePath: "occurredAt",
  },
  {
    name: "an unknown API route",
    send: () => asAdmin("GET", "/no-such-route"),
    status: 404,
    code: "not_found",
  },
  {
    name: "an unknown incident id",
    send: () => asAdmin("GET", "/incidents/2099-99999"),
    status: 404,
    code: "not_found",
  },
  {
    name: "a dispatch to an unknown incident",
    send: () => post("/incidents/2099-99999/dispatch", { unitIds: [UNIT], opId: opId() }),
    status: 404,
    code: "not_found",
    stored: async () => expect(await unitStatus(UNIT)).toBe("available"),
  },
  {
    name: "a dispatch naming a unit that does not exist (with one that does)",
    send: () => post(`/incidents/${incidentId}/dispatch`, { unitIds: [UNIT, "NO-SUCH-UNIT"], opId: opId() }),
    status: 409,
    code: "unit_unavailable",
    stored: async () => {
      expect(await unitStatus(UNIT)).toBe("available");
      const detail = await must(asAdmin<IncidentDetailView>("GET", `/incidents/${incidentId}`));
      expect(detail.assignments).toEqual([]);
    },
  },
  {
    name: "a dispatch with an empty unitIds list",
    send: () => post(`/incidents/${incidentId}/dispatch`, { unitIds: [], opId: opId() }),
    status: 400,
    code: "validation_failed",
    issuePath: "unitIds",
  },
  {
    name: "an opId that is too short",
    send: () => post(`/incidents/${incidentId}/dispatch`, { unitIds: [UNIT], opId: "op1" }),
    status: 400,
    code: "validation_failed",
    issuePath: "opId",
  },
  {
    name: "an opId with spaces and slashes",
    send: () => post(`/incidents/${incidentId}/notes`, { opId: "op id/../../etc", text: "note" }),
    status: 400,
    code: "validation_failed",
    issuePath: "opId",
  },
  {
    name: 'status "dispatched" through the status endpoint (only a dispatch sets it)',
    send: () => post(`/units/${UNIT}/status`, { status: "dispatched", opId: opId() }),
    status: 400,
    code: "validation_failed",
    issuePath: "status",
    stored: async () => expect(await unitStatus(UNIT)).toBe("available"),
  },
  {
    name: "a status for a unit that does not exist",
    send: () => post("/units/NO-SUCH-UNIT/status", { status: "out_of_service", opId: opId() }),
    status: 404,
    code: "not_found",
  },
  {
    name: "a crew account without a unitId",
    send: () => post("/users", { username: "crew-without-unit", password: "long-enough-password", role: "crew" }),
    status: 400,
    code: "validation_failed",
    issuePath: "unitId",
  },
  {
    name: "a crew account bound to a unit that does not exist",
    send: () =>
      post("/users", { username: "crew-ghost-unit", password: "long-enough-password", role: "crew", unitId: "NO-SUCH-UNIT" }),
    status: 400,
    code: "validation_failed",
    issuePath: "unitId",
  },
  {
    name: "a password shorter than 12 characters",
    send: () => post("/users", { username: "short-pass", password: "abc123", role: "dispatcher" }),
    status: 400,
    code: "weak_password",
    issuePath: "password",
  },
  {
    name: "a __proto__ key smuggled into a new account",
    send: () =>
      raw(
        "POST",
        "/users",
        '{"username":"proto-user","password":"long-enough-password","role":"dispatcher","__proto__":{"role":"admin"}}',
      ),
    status: 400,
    code: "validation_failed",
  },
  {
    name: "a unit id with illegal characters in the path",
    send: () =>
      asAdmin("PUT", "/units/E%241%3Cb%3E", { callSign: "E$1", type: "engine", station: "Station 1", home: { lat: 37.78, lng: -122.4 } }),
    status: 400,
    code: "validation_failed",
  },
  {
    name: "an incident id with illegal characters in the path",
    send: () => asAdmin("GET", "/incidents/%3Cscript%3E"),
    status: 400,
    code: "validation_failed",
  },
  {
    name: "a run card for an incident type outside the list",
    send: () => asAdmin("PUT", "/run-cards/volcano", { levels: [{ alarmLevel: 1, units: [{ type: "engine", count: 1 }] }] }),
    status: 400,
    code: "validation_failed",
  },
  {
    name: "a report cursor this server never gave out",
    send: () => asAdmin("GET", "/reports/response-times?cursor=not-a-cursor"),
    status: 400,
    code: "validation_failed",
    issuePath: "cursor",
  },
  {
    name: "a negative event-log position",
    send: () => asAdmin("GET", "/events?after=-1"),
    status: 400,
    code: "validation_failed",
    issuePath: "after",
  },
  {
    name: "an incident merged into itself",
    send: () => post(`/incidents/${incidentId}/merge`, { into: incidentId, opId: opId() }),
    status: 400,
    code: "validation_failed",
  },
  {
    name: "a socket unit.status payload with an unknown field",
    send: () =>
      ack(emitRaw(socket, "unit.status", { unitId: UNIT, status: "out_of_service", opId: opId(), source: "live", sneaky: true })),
    status: null,
    code: "validation_failed",
    stored: async () => expect(await unitStatus(UNIT)).toBe("available"),
  },
  {
    name: "a socket unit.status payload that is a string, not an object",
    send: () => ack(emitRaw(socket, "unit.status", "out_of_service")),
    status: null,
    code: "validation_failed",
  },
  {
    name: "a socket sync position that is negative",
    send: () => ack(emitRaw(socket, "sync", { position: -5 })),
    status: null,
    code: "validation_failed",
  },
  {
    name: "a socket sync naming more than 50 incidents",
    send: () =>
      ack(emitRaw(socket, "sync", { incidents: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`INC-${i}`, 0])) })),
    status: null,
    code: "validation_failed",
  },
  {
    name: "socket events without an ack callback, then the same bad payload with one",
    send: async () => {
      emitWithoutAck(socket, "unit.status", { unitId: UNIT, status: "out_of_service", opId: opId(), source: "live", sneaky: true });
      emitWithoutAck(socket, "unit.status", { unitId: "NO-SUCH-UNIT", status: "out_of_service", opId: opId(), source: "live" });
      emitWithoutAck(socket, "sync", null);
      // Answered on the same connection afterwards: the server neither crashed nor dropped the socket.
      const outcome = await ack(emitRaw(socket, "unit.status", { unitId: UNIT, status: "bogus", opId: opId(), source: "live" }));
      expect(socket.connected).toBe(true);
      return outcome;
    },
    status: null,
    code: "validation_failed",
  },
];

function expectReadableMessage(message: unknown): void {
  expect(typeof message).toBe("string");
  const text = message as string;
  expect(text.trim().length).toBeGreaterThan(10);
  expect(text.split(/\s+/).length).toBeGreaterThanOrEqual(3);
  expect(text).not.toMatch(/\bat \//);
  expect(text).not.toMatch(/\n\s+at /);
  expect(text).not.toMatch(/node_modules|\.ts:\d+|\.js:\d+/);
  expect(text).not.toMatch(/\[object Object\]|SyntaxError|TypeError|ZodError|Cannot read/);
}

describe("bad input", () => {
  it("has at least 25 cases", () => {
    expect(badInputs.length).toBeGreaterThanOrEqual(25);
  });

  it.each(badInputs)("$name -> $status $code", async ({ send, status, code, issuePath, stored }) => {
    const before = await storedState();
    const outcome = await send();
    const error = outcome.body as ErrorBody;
    expect(outcome.status, JSON.stringify(outcome.body)).toBe(status);
    expect(error.code, JSON.stringify(outcome.body)).toBe(code);
    expectReadableMessage(error.message);
    if (issuePath !== undefined) {
      expect(error.issues?.map((issue) => issue.path)).toContain(issuePath);
    }
    expect(await storedState()).toEqual(before);
    await stored?.();
  });

  it("still answers GET /api/v1/health with 200 after all of them", async () => {
    const health = await fetch(`${server.url}/api/v1/health`);
    expect(health.status).toBe(200);
    expect(((await health.json()) as { status: string }).status).toBe("ok");
    expect(socket.connected).toBe(true);
  });

  it("refuses a login with a MongoDB operator even though '$gt: \"\"' would match any user in a naive query", async () => {
    const response = await server.api<ErrorBody & { token?: string }>("POST", "/auth/login", {
      body: { username: crewAccount.username, password: { $gt: "" } },
    });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe("validation_failed");
    expect(response.body.token).toBeUndefined();
  });
});

describe("idempotency conflicts", () => {
  it("refuses the same intakeId with a different body with 409 and keeps the stored call as it was", async () => {
    const call = phoneCall({ location: { lat: 37.7, lng: -122.5 }, description: "Car on fire in the car park" });
    const first = await must(asAdmin<CallIntakeResult>("POST", "/calls", call), 201);
    const before = await storedState();

    const conflict = await asAdmin<ErrorBody>("POST", "/calls", { ...call, description: "Actually a bin fire" });
    expect(conflict.status).toBe(409);
    expect(conflict.body.code).toBe("idempotency_conflict");
    expectReadableMessage(conflict.body.message);
    expect(await storedState()).toEqual(before);
    const detail = await must(asAdmin<IncidentDetailView>("GET", `/incidents/${first.incident.id}`));
    expect(detail.calls).toHaveLength(1);
    expect(detail.calls[0]?.description).toBe("Car on fire in the car park");

    // The identical request is still answered with the stored result.
    const replay = await asAdmin<CallIntakeResult>("POST", "/calls", call);
    expect(replay.status).toBe(200);
    expect(replay.body.replayed).toBe(true);
    expect(replay.body.call.callId).toBe(first.call.callId);
  });

  it("refuses the same opId with a different status body with 409 and keeps the unit's status", async () => {
    const unitId = "BI-IDEM";
    await server.createUnit(unitId);
    const target = (await must(asAdmin<CallIntakeResult>("POST", "/calls", phoneCall({ location: { lat: 37.6, lng: -122.3 } })), 201))
      .incident.id;
    await must(asAdmin("POST", `/incidents/${target}/dispatch`, { unitIds: [unitId], opId: opId() }));
    const reused = opId();
    await must(asAdmin("POST", `/units/${unitId}/status`, { status: "acknowledged", opId: reused }));
    const before = await storedState();

    const conflict = await asAdmin<ErrorBody>("POST", `/units/${unitId}/status`, { status: "en_route", opId: reused });
    expect(conflict.status).toBe(409);
    expect(conflict.body.code).toBe("idempotency_conflict");
    expectReadableMessage(conflict.body.message);
    expect(await storedState()).toEqual(before);
    expect(await unitStatus(unitId)).toBe("acknowledged");
  });
});
