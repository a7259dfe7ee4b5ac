// Consoles are told when a crew tablet connects and disconnects, so a unit that has lost contact can be shown.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { UnitPresence } from "../../shared/socket";
import { emitWithAck, nextEvent, startTestServer, waitForConnect, type Account, type TestServer } from "../helpers/server";

let server: TestServer;
let dispatcher: Account;
let crew: Account;

beforeAll(async () => {
  server = await startTestServer();
  await server.createUnit("P1");
  await server.createUnit("P2");
  dispatcher = await server.createAccount("dispatcher");
  crew = await server.createAccount("crew", "P1");
});
afterAll(() => server.close());

const forUnit = (unitId: string, online: boolean) => (changes: UnitPresence[]) =>
  changes.some((change) => change.unitId === unitId && change.online === online);

describe("crew tablet presence", () => {
  it("sends a console the tablets seen after its sync, then each connect and disconnect", async () => {
    const console1 = server.connect(dispatcher.token);
    await waitForConnect(console1);
    const snapshot = nextEvent(console1, "unit.presence");
    await emitWithAck(console1, "sync", {});
    expect(await snapshot).toEqual([]);

    const online = nextEvent(console1, "unit.presence", forUnit("P1", true));
    const tablet = server.connect(crew.token);
    await waitForConnect(tablet);
    const cameOnline = await online;
    expect(cameOnline).toHaveLength(1);
    expect(Date.parse(cameOnline[0]!.since)).toBeGreaterThan(Date.now() - 10_000);

    // A second socket of the same unit (a reload racing the old one) changes nothing until both are gone.
    const second = server.connect(crew.token);
    await waitForConnect(second);
    const offline = nextEvent(console1, "unit.presence", forUnit("P1", false));
    tablet.disconnect();
    await expect(nextEvent(console1, "unit.presence", forUnit("P1", false), 500)).rejects.toThrow(/no unit.presence/);
    second.disconnect();
    expect(await offline).toHaveLength(1);

    // A console that syncs later learns that P1's tablet is offline; P2 never had one and is not listed.
    const console2 = server.connect(dispatcher.token);
    await waitForConnect(console2);
    const later = nextEvent(console2, "unit.presence");
    await emitWithAck(console2, "sync", {});
    expect((await later).map(({ unitId, online: isOnline }) => ({ unitId, online: isOnline }))).toEqual([{ unitId: "P1", online: false }]);
  });

  it("does not tell crews about other units' tablets", async () => {
    const other = await server.createAccount("crew", "P2");
    const watcher = server.connect(other.token);
    await waitForConnect(watcher);
    await emitWithAck(watcher, "sync", {});
    const seen = nextEvent(watcher, "unit.presence", () => true, 800);
    const tablet = server.connect(crew.token);
    await waitForConnect(tablet);
    await expect(seen).rejects.toThrow(/no unit.presence/);
    tablet.disconnect();
  });
});
