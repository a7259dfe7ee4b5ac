// Group commit through the real server: a burst of commands shares durable writes, yet each call is taken once,
// a refused command in the burst changes nothing for the others, every answer is on record after a restart, the
// console gets every event once in log order, and the log's chains verify.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { CallIntakeResult } from "../../shared/api";
import type { IncidentEvent } from "../../shared/events";
import { verifyStoreLog } from "../../server/scripts/verifyLog";
import { north, opId, phoneCall } from "../helpers/factories";
import { emitWithAck, onIncidentEvents, startTestServer, waitForConnect, type TestServer } from "../helpers/server";

const BURST = 48;

describe("group commit", () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "dispatch-group-"));
  let server: TestServer | null = null;

  afterAll(async () => {
    await server?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("takes a burst of calls with retries exactly once, refuses one bad command alone, and keeps every answer", async () => {
    server = await startTestServer({ dataDir });
    const dispatcher = await server.createAccount("dispatcher");
    await server.createUnit("G1");
    const consoleSocket = server.connect(dispatcher.token);
    await waitForConnect(consoleSocket);
    await emitWithAck(consoleSocket, "sync", {});
    const received: IncidentEvent[] = [];
    onIncidentEvents(consoleSocket, (event) => received.push(event));

    const base = { lat: 37.7, lng: -122.45 };
    const bodies = Array.from({ length: BURST }, (_, i) => phoneCall({ location: north(base, i * 5_000) }));
    const post = (body: unknown) => server!.api<CallIntakeResult>("POST", "/calls", { token: dispatcher.token, body });
    // Every call sent twice at once (a retry racing its first delivery), and a dispatch of a unit that does not exist.
    const [answers, retries, refused] = await Promise.all([
      Promise.all(bodies.map(post)),
      Promise.all(bodies.map(post)),
      server.api("POST", "/incidents/no-such-incident/dispatch", { token: dispatcher.token, body: { unitIds: ["G1"], opId: opId() } }),
    ]);
    expect(refused.status).toBe(404);
    for (let i = 0; i < BURST; i++) {
      const first = answers[i];
      const retry = retries[i];
      expect([first?.status, retry?.status]).toEqual([201, expect.any(Number)]);
      expect(retry?.status).toBeLessThan(300);
      expect(retry?.body.incident.id).toBe(first?.body.incident.id);
      expect([first?.body.replayed, retry?.body.replayed].filter(Boolean)).toHaveLength(1);
    }
    const incidentIds = answers.map((answer) => answer.body.incident.id);
    expect(new Set(incidentIds).size).toBe(BURST);

    await expect.poll(() => received.length, { timeout: 5000 }).toBe(BURST * 2);
    const positions = received.map((event) => event.position);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(new Set(positions).size).toBe(positions.length);

    // Every acknowledged call is on record after a restart, and the chains verify.
    await server.close();
    server = await startTestServer({ dataDir });
    const admin = server.adminToken;
    for (const id of incidentIds) {
      expect((await server.api("GET", `/incidents/${id}`, { token: admin })).status).toBe(200);
    }
    const verified = await verifyStoreLog(server.server.store);
    expect(verified.problems).toEqual([]);
  }, 60_000);
});
