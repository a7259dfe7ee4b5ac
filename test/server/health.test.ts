// /health tells whether writes can succeed, and only an admin sees where the data is (issue 14, points 2 and 11).
// The read-only case is the real one: the server process restarted on a database file it may not write (as a
// non-root user, since root ignores file modes), not a flag inside SQLite.
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CallIntakeResult, HealthView, LoginResult } from "../../shared/api";
import type { ErrorBody } from "../../shared/errors";
import { phoneCall } from "../helpers/factories";
import { callApi, START_SCRIPT, startServerProcess, stopProcess, type ServerProcess } from "../helpers/process";
import { startTestServer, type TestServer } from "../helpers/server";

describe("GET /health on a healthy server (point 11)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it("tells an anonymous caller only ok, and a dispatcher no more", async () => {
    const anonymous = await server.api<HealthView>("GET", "/health");
    expect(anonymous.status).toBe(200);
    expect(anonymous.body).toEqual({ status: "ok" });
    const dispatcher = await server.createAccount("dispatcher");
    expect((await server.api<HealthView>("GET", "/health", { token: dispatcher.token })).body).toEqual({ status: "ok" });
    expect((await server.api<HealthView>("GET", "/health", { token: "not-a-token" })).body).toEqual({ status: "ok" });
  });

  it("gives an admin the store kind, location and version", async () => {
    const admin = await server.api<HealthView>("GET", "/health", { token: server.adminToken });
    expect(admin.status).toBe(200);
    expect(admin.body).toMatchObject({
      status: "ok",
      store: { kind: "sqlite", ok: true, location: path.join(server.dataDir, "dispatch.sqlite") },
      version: expect.any(String),
      uptimeSeconds: expect.any(Number),
    });
  });
});

// ---- a database file the server may not write ----

const NOBODY = 65534;
const runAsNobody = process.getuid?.() === 0;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "dispatch-readonly-"));
const sqliteFile = path.join(dataDir, "dispatch.sqlite");
const children: ChildProcess[] = [];
afterAll(() => children.forEach((child) => child.kill("SIGKILL")));

function startProcess(): Promise<ServerProcess> {
  const env = {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: "0",
    HOST: "127.0.0.1",
    ADMIN_USERNAME: "admin",
    ADMIN_PASSWORD: "readonly-test-passphrase",
    BUILD_CLIENT: "never",
    LOG_LEVEL: "info",
    HOME: dataDir,
  };
  const command = runAsNobody ? ["setpriv", `--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", ...START_SCRIPT] : START_SCRIPT;
  return startServerProcess(env, children, command);
}

describe("a read-only database file (point 2)", () => {
  it("reports unhealthy, and refuses writes with 503 store_unavailable while reads keep working", async () => {
    if (runAsNobody) fs.chownSync(dataDir, NOBODY, NOBODY);
    const first = await startProcess();
    const admin = await callApi<LoginResult>(first.url, "POST", "/auth/login", undefined, {
      username: "admin",
      password: "readonly-test-passphrase",
    });
    expect(admin.status).toBe(200);
    const stored = await callApi<CallIntakeResult>(first.url, "POST", "/calls", admin.body.token, phoneCall());
    expect(stored.status).toBe(201);
    await stopProcess(first.child);

    // What an operator (or a full, remounted or mis-restored volume) does to the file between two starts.
    for (const name of fs.readdirSync(dataDir)) fs.chmodSync(path.join(dataDir, name), 0o444);
    fs.chmodSync(sqliteFile, 0o444);
    const second = await startProcess();
    const token = admin.body.token;

    const anonymous = await callApi<HealthView>(second.url, "GET", "/health");
    expect(anonymous.status).toBe(503);
    expect(anonymous.body).toEqual({ status: "degraded" });
    const detailed = await callApi<HealthView>(second.url, "GET", "/health", token);
    expect(detailed.status).toBe(503);
    expect(detailed.body.store).toMatchObject({ kind: "sqlite", ok: false, detail: expect.stringMatching(/readonly/i) });

    const call = await callApi<ErrorBody>(second.url, "POST", "/calls", token, phoneCall());
    expect(call.status).toBe(503);
    expect(call.body.code).toBe("store_unavailable");
    const login = await callApi<ErrorBody>(second.url, "POST", "/auth/login", undefined, {
      username: "admin",
      password: "readonly-test-passphrase",
    });
    expect(login.status).toBe(503);
    expect(login.body.code).toBe("store_unavailable");

    // Reads still work: the incident stored before is there, and nothing half-written was added.
    const incidents = await callApi<{ incidents: { id: string }[] }>(second.url, "GET", "/incidents?status=all", token);
    expect(incidents.status).toBe(200);
    expect(incidents.body.incidents.map((incident) => incident.id)).toEqual([stored.body.incident.id]);

    // Logged as a store problem for the operator, not as an unexplained crash with a stack.
    expect(second.output()).toMatch(/store unavailable/);
    expect(second.output()).not.toMatch(/unhandled error/);
    await stopProcess(second.child);
  }, 60_000);
});
