// Structured logs (issue 14, point 12): one JSON object per line, a request id on every request line, a socket id
// on socket lines, and refused socket handshakes logged without the token.
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ErrorBody } from "../../shared/errors";
import { createLogger } from "../../server/logger";
import { emitWithAck, startTestServer, waitForConnect, type TestServer } from "../helpers/server";

let server: TestServer;
const lines: string[] = [];
const entries = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);

beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split("\n").filter(Boolean));
      done();
    },
  });
  server = await startTestServer({ logger: createLogger("info", sink) });
});
afterAll(() => server.close());

describe("structured logs", () => {
  it("writes every line as JSON, and one line per request with its request id, method, path and status", async () => {
    const answer = await fetch(`${server.url}/api/v1/incidents?callerNumber=13800000001`, {
      headers: { authorization: `Bearer ${server.adminToken}`, "x-request-id": "trace-abc-123" },
    });
    expect(answer.headers.get("x-request-id")).toBe("trace-abc-123");
    expect(() => entries()).not.toThrow();
    const line = entries().find((entry) => entry.requestId === "trace-abc-123");
    expect(line).toMatchObject({ level: "info", msg: "request", method: "GET", path: "/api/v1/incidents", status: 400 });
    // The query (callers' numbers, addresses) is not logged.
    expect(lines.join("\n")).not.toContain("13800000001");

    const generated = await fetch(`${server.url}/api/v1/units`, { headers: { authorization: `Bearer ${server.adminToken}` } });
    const id = generated.headers.get("x-request-id");
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(entries().find((entry) => entry.requestId === id)).toMatchObject({ msg: "request", status: 200 });
    // Every request line has a request id, once (the log context and the line's own fields merge).
    expect(entries().filter((entry) => entry.msg === "request").every((entry) => typeof entry.requestId === "string")).toBe(true);
    expect(lines.filter((text) => text.split('"requestId"').length > 2)).toEqual([]);
  });

  it("logs a refused socket handshake with the socket id and the reason, never the token", async () => {
    const secret = "stolen-or-expired-token-value-0123456789";
    const socket = server.connect(secret);
    await expect(waitForConnect(socket)).rejects.toThrow("unauthenticated");
    const refused = entries().find((entry) => entry.msg === "socket handshake refused");
    expect(refused).toMatchObject({ level: "warn", code: "unauthenticated", tokenGiven: true, socketId: expect.any(String) });
    expect(lines.join("\n")).not.toContain(secret);
    expect(lines.join("\n")).not.toContain(server.adminPassword);
  });

  it("logs a failing socket event with the socket id, and answers the client store_unavailable", async () => {
    await server.createUnit("LOG-E1");
    const socket = server.connect(server.adminToken);
    await waitForConnect(socket);
    await server.server.store.close(); // the database goes away under a connected console
    const ack = await emitWithAck(socket, "unit.status", { unitId: "LOG-E1", status: "out_of_service", opId: "op-logging-1", source: "live" });
    expect(ack).toMatchObject({ ok: false, error: { code: "store_unavailable" } as Partial<ErrorBody> });
    const line = entries().find((entry) => entry.msg === "store unavailable" && entry.socketId === socket.id);
    expect(line).toMatchObject({ level: "warn", event: "unit.status", userId: expect.any(String) });
    expect(entries().find((entry) => entry.msg === "socket connected" && entry.socketId === socket.id)).toMatchObject({
      role: "admin",
      userId: expect.any(String),
    });
  });
});
