// Input that used to be silently changed, oddly accepted, or answered with 500 (issue 14, points 8 and 9): each is
// now refused with a 4xx and a stable code, logs no stack, and stores nothing.
import http from "node:http";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CallIntakeResult, IncidentDetailView, UnitView } from "../../shared/api";
import type { ErrorBody } from "../../shared/errors";
import { createLogger } from "../../server/logger";
import { phoneCall } from "../helpers/factories";
import { startTestServer, type TestServer } from "../helpers/server";

let server: TestServer;
const logLines: string[] = [];
let incidentId: string;

beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(...chunk.toString().split("\n").filter(Boolean));
      done();
    },
  });
  server = await startTestServer({ logger: createLogger("info", sink) });
  await server.createUnit("IH-E1");
  const created = await server.api<CallIntakeResult>("POST", "/calls", { token: server.adminToken, body: phoneCall() });
  expect(created.status).toBe(201);
  incidentId = created.body.incident.id;
});
afterAll(() => server.close());

/** Sends exact bytes and headers (fetch would fix up or refuse some of what a probe sends). */
function rawRequest(method: string, pathname: string, headers: Record<string, string>, body?: Buffer) {
  return new Promise<{ status: number; body: ErrorBody }>((resolve, reject) => {
    const request = http.request(`${server.url}${pathname}`, { method, headers }, (response) => {
      let text = "";
      response.on("data", (chunk: Buffer) => (text += chunk.toString()));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as ErrorBody }));
    });
    request.on("error", reject);
    request.end(body);
  });
}

const callCount = async () =>
  (await server.api<{ incidents: unknown[] }>("GET", "/incidents?status=all&limit=500", { token: server.adminToken })).body.incidents.length;

describe("HTTP-level client errors (point 8)", () => {
  it("answers a body labelled gzip that is not gzip with 400 malformed_body_encoding, anonymously, and logs no stack", async () => {
    const before = logLines.length;
    const answer = await rawRequest(
      "POST",
      "/api/v1/auth/login",
      { "content-type": "application/json", "content-encoding": "gzip" },
      Buffer.from(JSON.stringify({ username: "admin", password: "whatever-password" })),
    );
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe("malformed_body_encoding");
    const logged = logLines.slice(before).join("\n");
    expect(logged).not.toMatch(/unhandled error|at .*\.js:\d+/);
  });

  it("answers a malformed percent-encoding in a path parameter with 400 malformed_path", async () => {
    const answer = await rawRequest("GET", "/api/v1/incidents/%E0%A4%A", { authorization: `Bearer ${server.adminToken}` });
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe("malformed_path");
    const unit = await rawRequest(
      "POST",
      "/api/v1/units/%ZZ/status",
      { authorization: `Bearer ${server.adminToken}`, "content-type": "application/json" },
      Buffer.from(JSON.stringify({ status: "en_route", opId: "op-12345678" })),
    );
    expect(unit.status).toBe(400);
    expect(unit.body.code).toBe("malformed_path");
  });
});

describe("input that was silently changed or oddly accepted (point 9)", () => {
  it("refuses GET /calls/duplicates with empty lat and lng instead of searching at 0,0", async () => {
    const answer = await server.api<ErrorBody>("GET", "/calls/duplicates?lat=&lng=&incidentType=structure_fire", {
      token: server.adminToken,
    });
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe("validation_failed");
    expect(answer.body.issues?.map((issue) => issue.path)).toEqual(expect.arrayContaining(["lat", "lng"]));
    const blank = await server.api<ErrorBody>("GET", "/calls/duplicates?lat=%20&lng=1&incidentType=structure_fire", {
      token: server.adminToken,
    });
    expect(blank.status).toBe(400);
    const empty = await server.api<ErrorBody>("GET", "/events?after=", { token: server.adminToken });
    expect(empty.status).toBe(400);
    const fine = await server.api("GET", "/calls/duplicates?lat=37.78&lng=-122.40&incidentType=structure_fire", {
      token: server.adminToken,
    });
    expect(fine.status).toBe(200);
  });

  it("refuses a lone surrogate in a call sign, a caller name and a note, and stores nothing", async () => {
    const units = async () => (await server.api<{ units: UnitView[] }>("GET", "/units", { token: server.adminToken })).body.units;
    const unitsBefore = await units();
    // JSON.stringify keeps a lone surrogate as the escape \ud800, exactly what a probe sends.
    const unit = await server.api<ErrorBody>("PUT", "/units/IH-E2", {
      token: server.adminToken,
      body: { callSign: "E2\ud800", type: "engine", station: "Station 1", home: { lat: 37.78, lng: -122.4 } },
    });
    expect(unit.status).toBe(400);
    expect(unit.body).toMatchObject({ code: "validation_failed", issues: [expect.objectContaining({ path: "callSign" })] });
    expect(await units()).toEqual(unitsBefore);

    const before = await callCount();
    const call = await server.api<ErrorBody>("POST", "/calls", { token: server.adminToken, body: phoneCall({ callerName: "Li \udc00Wei" }) });
    expect(call.status).toBe(400);
    expect(call.body.issues?.[0]?.path).toBe("callerName");
    const note = await server.api<ErrorBody>("POST", `/incidents/${incidentId}/notes`, {
      token: server.adminToken,
      body: { opId: "op-surrogate-note", text: "ok \ud83d" },
    });
    expect(note.status).toBe(400);
    expect(await callCount()).toBe(before);
    // A correctly paired surrogate (an emoji) is ordinary text.
    const emoji = await server.api("POST", `/incidents/${incidentId}/notes`, {
      token: server.adminToken,
      body: { opId: "op-emoji-note", text: "crew ok \ud83d\udc4d" },
    });
    expect(emoji.status).toBe(200);
    const detail = await server.api<IncidentDetailView>("GET", `/incidents/${incidentId}`, { token: server.adminToken });
    expect(JSON.stringify(detail.body.events)).toContain("crew ok 👍");
    expect(JSON.stringify(detail.body.events)).not.toContain("\ufffd");
  });

  it("refuses a lone surrogate anywhere in a REST body, even on a route whose schema has plain strings (EIDO)", async () => {
    const before = await callCount();
    const eido = await server.api<ErrorBody>("POST", "/transfers/eido", {
      token: server.adminToken,
      raw: '{"$id":"urn:x:\\ud800","lastUpdateTimeStamp":"2026-01-01T00:00:00Z","notesComponent":[{"notesActionComments":"a\\udfff"}]}',
    });
    expect(eido.status).toBe(400);
    expect(eido.body).toMatchObject({ code: "validation_failed", issues: [{ path: "$id" }] });
    expect(await callCount()).toBe(before);
  });

  it("refuses a resident's public case with a lone surrogate or an invisible-only name (the case schemas share text())", async () => {
    const filing = (name: string) =>
      server.api<ErrorBody>("POST", "/public/cases", {
        body: { request: "An explanation of the response time, please.", facts: "The fire was next door.", name, contact: "13912345678" },
      });
    for (const name of ["Wang \ud800Xiuying", "\u200b\u200b"]) {
      const refused = await filing(name);
      expect(refused.status, JSON.stringify(name)).toBe(400);
      expect(refused.body).toMatchObject({ code: "validation_failed", issues: [expect.objectContaining({ path: "name" })] });
    }
    expect((await filing("Wang Xiuying")).status).toBe(201);
  });

  it("refuses a caller name or note that is only zero-width or other invisible characters", async () => {
    const before = await callCount();
    for (const invisible of ["\u200b", "\u200b\u200c\u200d", " \ufeff\u2060 ", "\u00a0\u3000"]) {
      const call = await server.api<ErrorBody>("POST", "/calls", { token: server.adminToken, body: phoneCall({ callerName: invisible }) });
      expect(call.status, JSON.stringify(invisible)).toBe(400);
      expect(call.body.issues?.[0]).toMatchObject({ path: "callerName" });
    }
    const note = await server.api<ErrorBody>("POST", `/incidents/${incidentId}/notes`, {
      token: server.adminToken,
      body: { opId: "op-invisible-note", text: "\u200b\u200b" },
    });
    expect(note.status).toBe(400);
    expect(await callCount()).toBe(before);
  });

  it("refuses a receivedAt in year 0000 (or before 1900) on an import instead of creating incident 0-00001", async () => {
    const before = await callCount();
    for (const receivedAt of ["0000-01-01T00:00:00Z", "1899-12-31T23:59:59Z"]) {
      const call = await server.api<ErrorBody>("POST", "/calls", {
        token: server.adminToken,
        body: phoneCall({ source: "import", receivedAt, externalId: `old-${receivedAt.slice(0, 4)}` }),
      });
      expect(call.status, receivedAt).toBe(400);
      expect(call.body.code).toBe("validation_failed");
      expect(call.body.issues?.[0]).toMatchObject({ path: "receivedAt" });
    }
    expect(await callCount()).toBe(before);
    const old = await server.api<CallIntakeResult>("POST", "/calls", {
      token: server.adminToken,
      body: phoneCall({ source: "import", receivedAt: "1995-06-01T10:00:00Z", externalId: "old-1995" }),
    });
    expect(old.status).toBe(201);
    expect(old.body.incident.number).toMatch(/^1995-/);
  });
});
