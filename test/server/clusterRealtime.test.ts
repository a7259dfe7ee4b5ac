// Two app processes on one SQLite file with a real Redis: what a console is told about crew tablets, and the cap on
// sockets per session, hold across instances. A console on A sees the tablets connected to B in its snapshot; a unit's
// tablet closing on B while it has another on A is not announced offline; when
// B dies (SIGKILL) its tablets are announced offline to A's consoles, and a console connecting afterwards does not
// see them online. A session holding the cap on both instances together is refused a socket on either. With Redis
// gone, consoles still connect and sync.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { io as connectSocket } from "socket.io-client";
import { afterAll, describe, expect, it } from "vitest";
import type { UserView } from "../../shared/api";
import type { UnitPresence } from "../../shared/socket";
import { Cluster, api, haveRedis, login, REDIS_SERVER, sleep, waitFor, type AppProcess } from "../helpers/cluster";
import type { ClientSocket } from "../helpers/server";

const ADMIN_PASSWORD = "cluster-realtime-password";
const cluster = new Cluster();
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "cluster-realtime-"));
const sockets: ClientSocket[] = [];
afterAll(() => {
  for (const socket of sockets) socket.disconnect();
  cluster.stopAll();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function alertLeaseHolder(): string | null {
  const db = new Database(path.join(dataDir, "dispatch.sqlite"), { readonly: true, fileMustExist: true });
  try {
    return db.prepare<[], { holder: string }>(`SELECT holder FROM leases WHERE name = 'alerts' AND expires_at_ms > 0`).get()?.holder ?? null;
  } finally {
    db.close();
  }
}

/** Connects and resolves once connected, or rejects with the server's refusal (connect_error message). */
function open(instance: AppProcess, token: string, onPresence?: (changes: UnitPresence[]) => void): Promise<ClientSocket> {
  const socket: ClientSocket = connectSocket(instance.url, { auth: { token }, transports: ["websocket"], reconnection: false, forceNew: true });
  sockets.push(socket);
  if (onPresence) socket.on("unit.presence", onPresence);
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", (error) => reject(error));
  });
}

/** A console: connects, syncs, and resolves with the presence snapshot its sync brought. */
async function openConsole(instance: AppProcess, token: string, changes: UnitPresence[][]): Promise<{ socket: ClientSocket; snapshot: UnitPresence[] }> {
  const socket = await open(instance, token, (received) => changes.push(received));
  const before = changes.length;
  const ack = (await socket.timeout(10_000).emitWithAck("sync", {})) as { ok: boolean };
  expect(ack.ok).toBe(true);
  await waitFor("the presence snapshot", () => changes.length > before);
  return { socket, snapshot: changes[before]! };
}

const stateOf = (snapshot: readonly UnitPresence[], unitId: string) => snapshot.find((entry) => entry.unitId === unitId)?.online;

if (!haveRedis) {
  // CI installs it (.ci/run): there a missing server is a failure, not a skip.
  if (process.env.CI === "true") throw new Error(`${REDIS_SERVER} is missing: .ci/run installs it (apt-get install redis-server)`);
  console.warn(`\n*** CLUSTER REALTIME TEST SKIPPED: ${REDIS_SERVER} is missing (apt-get install redis-server). ***\n`);
}

describe.runIf(haveRedis)("tablet presence and the socket cap across instances", () => {
  it("a console sees tablets on the other instance, and those of an instance that dies go offline; the cap counts both", async () => {
    await cluster.startRedis();
    const env = { DATA_DIR: dataDir, ADMIN_USERNAME: "admin", ADMIN_PASSWORD, LOGIN_MAX_ATTEMPTS: "1000", MAX_SOCKETS_PER_SESSION: "2" };
    const a = await cluster.startApp("A", env);
    // A holds the alert lease (it sweeps presence) before B exists, so the instance killed below is not the sweeper.
    await waitFor("A to take the alert lease", () => alertLeaseHolder()?.includes(`:${a.child.pid}:`));
    const b = await cluster.startApp("B", env);
    const admin = await login(a.url, "admin", ADMIN_PASSWORD);
    const account = async (role: string, unitId?: string) => {
      const username = `${role}-${(unitId ?? "x").toLowerCase()}`;
      const password = `pw-${username}-secret-1`;
      const created = await api<UserView>(a.url, "POST", "/users", admin, { username, password, role, ...(unitId ? { unitId } : {}) });
      expect(created.status).toBe(201);
      return login(a.url, username, password);
    };
    for (const unitId of ["P1", "P2"]) {
      const unit = await api(a.url, "PUT", `/units/${unitId}`, admin, { callSign: unitId, type: "engine", station: "S", home: { lat: 30.5, lng: 114.3 } });
      expect(unit.status).toBe(201);
    }
    const dispatcher = await account("dispatcher");
    await open(b, await account("crew", "P1")); // P1's tablet on B
    const crewP2 = await account("crew", "P2");
    await open(a, crewP2); // P2's tablet on A

    // A console on A: its snapshot lists the tablet on B as online, not only A's own.
    const onA: UnitPresence[][] = [];
    const consoleA = await openConsole(a, dispatcher, onA);
    expect(stateOf(consoleA.snapshot, "P1")).toBe(true);
    expect(stateOf(consoleA.snapshot, "P2")).toBe(true);

    // The session's second socket, on B, fills the cap of 2; a third is refused on B and on A alike.
    await openConsole(b, dispatcher, []);
    await expect(open(b, dispatcher)).rejects.toThrow("too_many_connections");
    await expect(open(a, dispatcher)).rejects.toThrow("too_many_connections");

    // P2's second tablet, on B, closes: P2 still has one on A, so it is not announced offline.
    const secondP2 = await open(b, crewP2);
    secondP2.disconnect();
    await sleep(1_500);
    expect(onA.some((changes) => stateOf(changes, "P2") === false)).toBe(false);

    // B dies: nobody says goodbye for P1's tablet, yet A's console is told it is offline.
    await b.kill();
    await waitFor("P1 announced offline on A's console", () => onA.some((changes) => stateOf(changes, "P1") === false), 20_000);
    expect(onA.some((changes) => stateOf(changes, "P2") === false)).toBe(false);
    // A console connecting afterwards does not see it online either (and the dead instance's socket no longer counts).
    const later = await openConsole(a, dispatcher, []);
    expect(stateOf(later.snapshot, "P1")).toBe(false);
    expect(stateOf(later.snapshot, "P2")).toBe(true);
    later.socket.disconnect();

    // Redis gone: a handshake and a console's sync do not wait for it (this instance's sockets and what was announced).
    await cluster.stopRedis();
    const withoutRedis = await openConsole(a, dispatcher, []);
    expect(stateOf(withoutRedis.snapshot, "P2")).toBe(true);
    await a.stop();
  }, 90_000);
});
