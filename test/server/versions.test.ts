// The store, not one process's write queue, decides who wins a race. A second writer (another app instance, or a
// position report that does not go through the queue) changes a unit between a command's read and its commit: the
// store refuses the stale write, nothing of it lands, and runCommand runs the command again on fresh reads.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../shared/events";
import { runCommand } from "../../server/services/runCommand";
import { startTestServer, type TestServer } from "../helpers/server";

let server: TestServer;
let second: TestServer;
const actor: Actor = { userId: "version-test", username: "version-test", role: "admin" };

beforeAll(async () => {
  server = await startTestServer();
  // The same database file with its own write queue: what a second app instance is.
  second = await startTestServer({ dataDir: server.dataDir });
  await server.createUnit("VER-E1");
});
afterAll(async () => {
  await second?.close();
  await server?.close();
});

describe("unit versions", () => {
  it("refuses a command's write made from a stale read and runs the command again on fresh reads", async () => {
    const { context, store } = server.server;
    const seen: { attempt: number; version: number; position: unknown }[] = [];
    const result = await runCommand(context, { opId: `op-${randomUUID()}`, kind: "test.rename", actor, request: {} }, async (builder) => {
      const unit = await store.getUnit("VER-E1");
      if (!unit) throw new Error("no unit");
      seen.push({ attempt: seen.length + 1, version: unit.version, position: unit.position });
      if (seen.length === 1) {
        // Another instance moves the unit after this command read it.
        await second.server.store.updateUnitPosition("VER-E1", { lat: 37.7, lng: -122.4, at: new Date().toISOString() });
      }
      builder.putUnit({ ...unit, callSign: "Engine One" });
      return { renamedFrom: unit.version };
    });

    expect(seen).toHaveLength(2);
    expect(seen[1]?.version).toBe((seen[0]?.version ?? 0) + 1);
    expect(result).toEqual({ renamedFrom: seen[1]?.version });
    // Both writes survive: the rename, and the position the first attempt would have overwritten.
    const stored = await store.getUnit("VER-E1");
    expect(stored).toMatchObject({ callSign: "Engine One", position: { lat: 37.7, lng: -122.4 }, version: (seen[1]?.version ?? 0) + 1 });
  });

  it("gives up with a retryable 503 code when the record keeps changing, having written nothing", async () => {
    const { context, store } = server.server;
    const before = await store.getLastPosition();
    const attempt = runCommand(context, { opId: undefined, kind: "test.contended", actor, request: {} }, async (builder) => {
      const unit = await store.getUnit("VER-E1");
      if (!unit) throw new Error("no unit");
      await second.server.store.updateUnitPosition("VER-E1", { lat: 37.71, lng: -122.41, at: new Date().toISOString() });
      builder.appendTo("run_card", "service", undefined, "run_card.replaced",
        { incidentType: "service", levels: [{ alarmLevel: 1, units: [{ type: "engine", count: 9 }] }] },
        { actor, occurredAt: builder.recordedAt, source: "live" });
      builder.putUnit({ ...unit, callSign: "Never" });
    });
    await expect(attempt).rejects.toMatchObject({ code: "store_unavailable", status: 503 });
    expect(await store.getLastPosition()).toBe(before);
    expect((await store.getUnit("VER-E1"))?.callSign).toBe("Engine One");
    expect(await store.getStream("run_card", "service")).toBeNull();
  });
});
