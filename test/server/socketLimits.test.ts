// Limits on what one session, socket or tablet may cost the server (issue 14: expiry, sync, positions, repeats,
// sockets per session, operation records). Real server, real HTTP, real socket.io-client; what is stored is read
// from the server's own SQLite file.
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import type { CallIntakeResult, DispatchResult, LoginResult, UnitStatusResult } from "../../shared/api";
import type { IncidentEvent } from "../../shared/events";
import type { AckResult } from "../../shared/errors";
import type { SyncResult, UnitPositionUpdate } from "../../shared/socket";
import type { Actor } from "../../shared/events";
import { CommitBuilder } from "../../server/core/commitBuilder";
import { north, opId, phoneCall } from "../helpers/factories";
import { emitWithAck, onIncidentEvents, startTestServer, waitForConnect, type ClientSocket, type TestServer } from "../helpers/server";

const base = { lat: 31.2, lng: 121.4 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` returns a value other than undefined (or fails after `timeoutMs`). */
async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Reads the server's SQLite file (read-only, beside the running server: WAL allows it). */
function countRows(server: TestServer, sql: string, ...params: unknown[]): number {
  const db = new Database(path.join(server.dataDir, "dispatch.sqlite"), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare(sql).get(...params) as { count: number }).count;
  } finally {
    db.close();
  }
}

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("session expiry", () => {
  it("cuts off a socket that only listens when its session expires: no caller data after expiry", async () => {
    // Long enough for the set-up on a loaded machine: the listener must be live well before expiry.
    const ttlMs = 8000;
    server = await startTestServer({ env: { TOKEN_TTL_HOURS: String(ttlMs / 3_600_000) } });
    const running = server;
    const dispatcher = await running.createAccount("dispatcher");
    const loginAt = Date.now();
    const listener = running.connect(dispatcher.token);
    const received: IncidentEvent[] = [];
    onIncidentEvents(listener, (event) => received.push(event));
    let toldExpired = false;
    listener.on("session.expired", () => (toldExpired = true));
    await waitForConnect(listener);
    expect((await emitWithAck(listener, "sync", {})).ok).toBe(true);

    // While the session lasts the listener sees calls, callers' names included.
    const before = await running.api<CallIntakeResult>("POST", "/calls", {
      token: dispatcher.token,
      body: phoneCall({ location: base, callerName: "Before Expiry" }),
    });
    await eventually(() => received.find((event) => event.streamId === before.body.incident.id), "the call before expiry");

    await sleep(Math.max(0, loginAt + ttlMs + 500 - Date.now()));
    // A fresh session (the test server's own admin token has expired too) takes a call after the expiry.
    const admin = await running.api<LoginResult>("POST", "/auth/login", {
      body: { username: running.adminUsername, password: running.adminPassword },
    });
    const control = running.connect(admin.body.token);
    const controlSaw: IncidentEvent[] = [];
    onIncidentEvents(control, (event) => controlSaw.push(event));
    await waitForConnect(control);
    await emitWithAck(control, "sync", {});
    const after = await running.api<CallIntakeResult>("POST", "/calls", {
      token: admin.body.token,
      body: phoneCall({ location: north(base, 5000), callerName: "After Expiry" }),
    });
    expect(after.status).toBe(201);
    await eventually(() => controlSaw.find((event) => event.streamId === after.body.incident.id), "the control console");

    expect(received.filter((event) => event.streamId === after.body.incident.id)).toEqual([]);
    expect(toldExpired).toBe(true);
    expect(listener.connected).toBe(false);
  });
});

describe("sockets per session", () => {
  it("refuses one socket more than MAX_SOCKETS_PER_SESSION with too_many_connections, and frees the place on disconnect", async () => {
    server = await startTestServer({ env: { MAX_SOCKETS_PER_SESSION: "3" } });
    const running = server;
    const dispatcher = await running.createAccount("dispatcher");
    const open = [running.connect(dispatcher.token), running.connect(dispatcher.token), running.connect(dispatcher.token)];
    await Promise.all(open.map(waitForConnect));

    const fourth = running.connect(dispatcher.token);
    await expect(waitForConnect(fourth)).rejects.toThrow("too_many_connections");
    // The limit is per session: another login of the same user connects.
    const again = await running.api<LoginResult>("POST", "/auth/login", {
      body: { username: dispatcher.username, password: dispatcher.password },
    });
    await waitForConnect(running.connect(again.body.token));

    open[0]!.disconnect();
    const replacement = await eventually(async () => {
      const socket = running.connect(dispatcher.token);
      return waitForConnect(socket).then(
        () => socket,
        () => undefined,
      );
    }, "a free place after a disconnect");
    expect(replacement.connected).toBe(true);
  });
});

describe("sync", () => {
  /** `count` calls through the API: two events each. */
  async function seedCalls(running: TestServer, token: string, count: number): Promise<void> {
    for (let i = 0; i < count; i += 10) {
      await Promise.all(
        Array.from({ length: Math.min(10, count - i) }, (_, j) =>
          running.api("POST", "/calls", { token, body: phoneCall({ location: north(base, (i + j) * 500) }) }),
        ),
      );
    }
  }

  /**
   * A long log, written straight through the store in one commit (through the API it would take a minute): the
   * same hash-chained events commands write, `incidents` incidents with `notes` notes each.
   */
  async function seedLog(running: TestServer, incidents: number, notes: number): Promise<number> {
    const builder = new CommitBuilder(new Date().toISOString());
    const actor: Actor = { userId: "seed", username: "seed", role: "admin" };
    const context = { actor, occurredAt: builder.recordedAt, source: "live" as const };
    for (let i = 0; i < incidents; i++) {
      const id = `SEED-${i}`;
      let state = builder.append(id, undefined, "incident.created", {
        number: id,
        incidentType: "structure_fire",
        location: north(base, i * 500),
        receivedAt: builder.recordedAt,
        alarmLevel: 1,
      }, context);
      for (let n = 0; n < notes; n++) state = builder.append(id, state, "incident.note", { text: `Seed note ${n}` }, context);
    }
    return (await running.server.store.commit(builder.build())).length;
  }

  it("does not hold up a call while consoles replay the whole log again and again", async () => {
    server = await startTestServer();
    const running = server;
    const dispatcher = await running.createAccount("dispatcher");
    const seeded = await seedLog(running, 45, 99); // 4,500 events: under the default SYNC_MAX_EVENTS

    // Three consoles (three sessions), each sending sync { position: 0 } three times at once.
    const consoles = await Promise.all(
      Array.from({ length: 3 }, async () => {
        const session = await running.api<LoginResult>("POST", "/auth/login", {
          body: { username: dispatcher.username, password: dispatcher.password },
        });
        const socket = running.connect(session.body.token);
        await waitForConnect(socket);
        return socket;
      }),
    );
    const received = consoles.map(() => [] as IncidentEvent[]);
    // Every console has begun replaying before the call is sent.
    const allReplaying = Promise.all(
      consoles.map(
        (socket, index) =>
          new Promise<void>((resolve) =>
            onIncidentEvents(socket, (event) => {
              received[index]!.push(event);
              resolve();
            }),
          ),
      ),
    );
    /** How many events each console had received when its replay was answered. */
    const receivedAtAck: number[] = [];
    // Counted in the ack callback itself: a promise would settle only after the rest of the same network read.
    const acks = consoles.map((socket, index) =>
      Promise.all(
        [0, 1, 2].map(
          () =>
            new Promise<AckResult<SyncResult>>((resolve) =>
              socket.emit("sync", { position: 0 }, (answer) => {
                if (answer.ok) receivedAtAck[index] = received[index]!.length;
                resolve(answer);
              }),
            ),
        ),
      ),
    );

    await allReplaying;
    const call = await running.api<CallIntakeResult>("POST", "/calls", {
      token: dispatcher.token,
      body: phoneCall({ location: north(base, 900_000) }),
    });
    expect(call.status).toBe(201);
    const answers = await Promise.all(acks);

    // One replay per socket at a time: the two extra syncs were refused with a stable code.
    for (const perSocket of answers) {
      expect(perSocket.filter((answer) => answer.ok)).toHaveLength(1);
      expect(perSocket.filter((answer) => !answer.ok).map((answer) => !answer.ok && answer.error.code)).toEqual([
        "sync_in_progress",
        "sync_in_progress",
      ]);
    }
    // The call was committed while replays were still running: at least one console got it inside its replay,
    // before its sync was answered. Had the replays held the write queue, every console would get it live,
    // after its answer.
    const callEvents = (events: IncidentEvent[]) => events.filter((event) => event.streamId === call.body.incident.id);
    const insideReplay = received.filter((events, index) =>
      callEvents(events.slice(0, receivedAtAck[index])).length > 0,
    );
    expect(insideReplay.length).toBeGreaterThan(0);

    // Every console ends with the whole log once, in order: no gap, no duplicate between replay and live.
    await eventually(() => (received.every((events) => callEvents(events).length === 2) ? true : undefined), "live events");
    const log: number[] = [];
    for (;;) {
      const page = await running.api<{ events: IncidentEvent[]; position: number }>("GET", `/events?after=${log.at(-1) ?? 0}&limit=500`, {
        token: dispatcher.token,
      });
      if (page.body.events.length === 0) break;
      log.push(...page.body.events.map((event) => event.position));
    }
    expect(log).toHaveLength(seeded + 2);
    for (const events of received) expect(events.map((event) => event.position)).toEqual(log);
  });

  it("replays at most SYNC_MAX_EVENTS per sync and tells the client to sync again from where it stopped", async () => {
    server = await startTestServer({ env: { SYNC_MAX_EVENTS: "50" } });
    const running = server;
    const dispatcher = await running.createAccount("dispatcher");
    await seedCalls(running, dispatcher.token, 60);
    const socket: ClientSocket = running.connect(dispatcher.token);
    const received: IncidentEvent[] = [];
    onIncidentEvents(socket, (event) => received.push(event));
    await waitForConnect(socket);

    const rounds: { replayed: number; more: boolean | undefined }[] = [];
    let position = 0;
    for (;;) {
      const ack = await emitWithAck(socket, "sync", { position });
      if (!ack.ok) throw new Error(ack.error.message);
      rounds.push({ replayed: ack.data.replayed, more: ack.data.more });
      expect(ack.data.position).toBe(received.at(-1)?.position ?? 0);
      position = ack.data.position;
      if (!ack.data.more) break;
    }
    expect(rounds).toEqual([
      { replayed: 50, more: true },
      { replayed: 50, more: true },
      { replayed: 20, more: false },
    ]);
    // Live after the last round, without a gap.
    const call = await running.api<CallIntakeResult>("POST", "/calls", { token: dispatcher.token, body: phoneCall({ location: base }) });
    await eventually(() => received.find((event) => event.streamId === call.body.incident.id), "the live call");
    expect(received.map((event) => event.position)).toEqual(Array.from({ length: 122 }, (_, i) => i + 1));
  });
});

describe("tablet traffic", () => {
  it("writes a unit's position at most once per POSITION_WRITE_MS, and the latest report always lands", async () => {
    const intervalMs = 1500;
    server = await startTestServer({ env: { POSITION_WRITE_MS: String(intervalMs) } });
    const running = server;
    await running.createUnit("T1", { home: base });
    const crew = await running.createAccount("crew", "T1");
    const dispatcher = await running.createAccount("dispatcher");
    const tablet = running.connect(crew.token);
    const consoleSocket = running.connect(dispatcher.token);
    await Promise.all([waitForConnect(tablet), waitForConnect(consoleSocket)]);
    await emitWithAck(consoleSocket, "sync", {});
    const updates: UnitPositionUpdate[] = [];
    consoleSocket.on("unit.position", (update) => updates.push(update));

    const reports = 100;
    const began = Date.now();
    for (let i = 1; i <= reports; i++) {
      const ack = await emitWithAck(tablet, "unit.position", { unitId: "T1", lat: base.lat + i / 10_000, lng: base.lng });
      expect(ack).toEqual({ ok: true, data: { received: true } });
    }
    const burstMs = Date.now() - began;
    const last = base.lat + reports / 10_000;
    await eventually(() => updates.find((update) => update.lat === last), "the last report");
    await sleep(intervalMs + 200);

    // One write per interval the burst spanned, plus the trailing one with the latest report.
    expect(updates.length).toBeLessThanOrEqual(Math.ceil(burstMs / intervalMs) + 2);
    expect(updates.at(-1)?.lat).toBe(last);
    const units = await running.api<{ units: { id: string; position: { lat: number } | null }[] }>("GET", "/units", {
      token: dispatcher.token,
    });
    expect(units.body.units.find((unit) => unit.id === "T1")?.position?.lat).toBe(last);
  });

  it("answers a repeated current status as done without writing an operation record or an event", async () => {
    server = await startTestServer();
    const running = server;
    await running.createUnit("T2", { home: base });
    const crew = await running.createAccount("crew", "T2");
    const tablet = running.connect(crew.token);
    await waitForConnect(tablet);
    const opsBefore = countRows(running, "SELECT COUNT(*) AS count FROM ops");
    const eventsBefore = countRows(running, "SELECT COUNT(*) AS count FROM events");

    for (let i = 0; i < 30; i++) {
      const ack = await emitWithAck(tablet, "unit.status", { unitId: "T2", status: "available", opId: opId(), source: "live" });
      expect(ack.ok && ack.data.unit.status).toBe("available");
    }
    expect(countRows(running, "SELECT COUNT(*) AS count FROM ops")).toBe(opsBefore);
    expect(countRows(running, "SELECT COUNT(*) AS count FROM events")).toBe(eventsBefore);

    // A real change still leaves its record, so its retry gets the first answer.
    const change = opId();
    const first = await emitWithAck(tablet, "unit.status", { unitId: "T2", status: "out_of_service", opId: change, source: "live" });
    expect(first.ok).toBe(true);
    expect(countRows(running, "SELECT COUNT(*) AS count FROM ops")).toBe(opsBefore + 1);
    expect(await emitWithAck(tablet, "unit.status", { unitId: "T2", status: "out_of_service", opId: change, source: "live" })).toEqual(first);
  });
});

describe("operation records", () => {
  it("keeps a compact record that still gives a retry exactly the first answer", async () => {
    server = await startTestServer();
    const running = server;
    const dispatcher = await running.createAccount("dispatcher");
    for (const id of ["C1", "C2", "C3"]) await running.createUnit(id, { home: north(base, 100) });
    const first = await running.api<CallIntakeResult>("POST", "/calls", { token: dispatcher.token, body: phoneCall({ location: base }) });
    const incidentId = first.body.incident.id;
    for (let i = 0; i < 4; i++) {
      await running.api("POST", "/calls", {
        token: dispatcher.token,
        body: phoneCall({ location: base, incidentId, callerName: `Second caller ${i}`, description: "x".repeat(300) }),
      });
    }
    const dispatch = { unitIds: ["C1", "C2", "C3"], opId: opId() };
    const answer = await running.api<DispatchResult>("POST", `/incidents/${incidentId}/dispatch`, { token: dispatcher.token, body: dispatch });
    expect(answer.status).toBe(200);
    // Later changes to the incident must not change the replayed answer.
    const status = { status: "acknowledged", opId: opId() };
    const statusAnswer = await running.api<UnitStatusResult>("POST", "/units/C1/status", { token: dispatcher.token, body: status });
    await running.api("POST", `/incidents/${incidentId}/notes`, { token: dispatcher.token, body: { opId: opId(), text: "Later note" } });

    const retried = await running.api<DispatchResult>("POST", `/incidents/${incidentId}/dispatch`, { token: dispatcher.token, body: dispatch });
    expect(retried.body).toEqual(answer.body);
    expect(await running.api("POST", "/units/C1/status", { token: dispatcher.token, body: status })).toEqual(statusAnswer);

    const storedBytes = countRows(running, "SELECT length(result) AS count FROM ops WHERE op_id = ?", dispatch.opId);
    const answerBytes = Buffer.byteLength(JSON.stringify(answer.body));
    expect(answerBytes).toBeGreaterThan(3000);
    expect(storedBytes).toBeLessThan(answerBytes / 3);
  });

  it("prunes operation records after OP_RETENTION_HOURS and expired sessions, in the running server", async () => {
    server = await startTestServer({
      env: { OP_RETENTION_HOURS: String(1 / 3600), MAINTENANCE_MINUTES: String(0.3 / 60), TOKEN_TTL_HOURS: String(5 / 3600) },
    });
    const running = server;
    const admin = await running.api<LoginResult>("POST", "/auth/login", {
      body: { username: running.adminUsername, password: running.adminPassword },
    });
    const unit = await running.api("PUT", "/units/P1", {
      token: admin.body.token,
      body: { callSign: "P1", type: "engine", station: "Station 1", home: base },
    });
    expect(unit.status).toBe(201);
    const change = opId();
    const first = await running.api("POST", "/units/P1/status", { token: admin.body.token, body: { status: "out_of_service", opId: change } });
    expect(first.status).toBe(200);
    expect(countRows(running, "SELECT COUNT(*) AS count FROM ops WHERE op_id = ?", change)).toBe(1);
    expect(countRows(running, "SELECT COUNT(*) AS count FROM sessions")).toBeGreaterThan(0);

    await eventually(
      () => (countRows(running, "SELECT COUNT(*) AS count FROM ops WHERE op_id = ?", change) === 0 ? true : undefined),
      "the operation record to be pruned",
    );
    await eventually(
      () => (countRows(running, "SELECT COUNT(*) AS count FROM sessions") === 0 ? true : undefined),
      "the expired sessions to be pruned",
    );
  });
});
