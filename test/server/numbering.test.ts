// Incident numbers are taken in the same atomic commit as the incident: a command that fails after choosing its
// number (here the database refuses the write, as a full disk or a crash would) leaves no hole in the numbering.
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CallIntakeResult } from "../../shared/api";
import { phoneCall } from "../helpers/factories";
import { startTestServer, type TestServer } from "../helpers/server";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

describe("incident numbering", () => {
  it("has no hole when a new incident's commit fails after its number was chosen", async () => {
    const receivedAt = new Date().toISOString();
    const year = receivedAt.slice(0, 4);
    const first = await server.api<CallIntakeResult>("POST", "/calls", { token: server.adminToken, body: phoneCall({ receivedAt }) });
    expect(first.body.incident.number).toBe(`${year}-00001`);

    // A second connection to the server's own database file makes the next call's write fail inside the commit.
    const db = new Database(path.join(server.dataDir, "dispatch.sqlite"));
    db.exec(`CREATE TRIGGER refuse_call BEFORE INSERT ON calls WHEN NEW.caller_number = '99999'
             BEGIN SELECT RAISE(ABORT, 'the disk refused the write'); END`);
    const refused = await server.api("POST", "/calls", {
      token: server.adminToken,
      body: phoneCall({ receivedAt, callerNumber: "99999", location: { lat: 38.5, lng: -121.5 } }),
    });
    expect(refused.status).toBe(500);
    db.exec("DROP TRIGGER refuse_call");
    db.close();

    const next = await server.api<CallIntakeResult>("POST", "/calls", {
      token: server.adminToken,
      body: phoneCall({ receivedAt, location: { lat: 38.6, lng: -121.5 } }),
    });
    expect(next.status).toBe(201);
    expect(next.body.incident.number).toBe(`${year}-00002`);
  });
});
