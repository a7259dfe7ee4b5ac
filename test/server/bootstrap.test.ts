// First start of the real server process, as a newcomer runs it: `npm start` on an empty data directory.
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { ClientConfigView, HealthView, LoginResult, UnitView } from "../../shared/api";
import { distanceMeters } from "../../shared/geo";
import { startServerProcess, stopProcess, type ServerProcess } from "../helpers/process";

const children: ChildProcess[] = [];
afterAll(() => children.forEach((child) => child.kill("SIGKILL")));

function runUntilListening(env: Record<string, string>): Promise<ServerProcess> {
  const { ADMIN_USERNAME: _user, ADMIN_PASSWORD: _password, TIME_ZONE: _zone, MAP_CENTER: _center, ...inherited } = process.env;
  return startServerProcess({ ...inherited, PORT: "0", HOST: "127.0.0.1", BUILD_CLIENT: "never", ...env }, children);
}

const login = (url: string, username: string, password: string) =>
  fetch(`${url}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password }),
  });

describe("first start on an empty database", () => {
  it("seeds the demo roster and one account per role, printing the passwords once", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "dispatch-demo-"));
    const first = await runUntilListening({ DATA_DIR: dataDir });
    expect(first.output()).toContain(`store: sqlite at ${path.join(dataDir, "dispatch.sqlite")}`);
    const passwords = new Map<string, string>();
    for (const match of first.output().matchAll(/^\s+(dispatcher|supervisor|pr|admin|caseworker|crew)\s+(\S+)\s+(\S+)/gm)) {
      passwords.set(match[2]!, match[3]!);
    }
    expect([...passwords.keys()].sort()).toEqual(["admin", "caseworker", "crew-e1", "crew-m1", "dispatcher", "pr", "supervisor"]);

    const dispatcher = await login(first.url, "dispatcher", passwords.get("dispatcher")!);
    expect(dispatcher.status).toBe(200);
    const { token } = (await dispatcher.json()) as LoginResult;
    const units = (await (await fetch(`${first.url}/api/v1/units`, { headers: { authorization: `Bearer ${token}` } })).json()) as { units: UnitView[] };
    expect(units.units).toHaveLength(16);
    // The demo runs in its own city: its clock is San Francisco's and its map is centred on its stations.
    const config = (await (await fetch(`${first.url}/api/v1/config`)).json()) as ClientConfigView;
    expect(config.timeZone).toBe("America/Los_Angeles");
    for (const unit of units.units) expect(distanceMeters(unit.home, config.mapCenter)).toBeLessThan(15_000);
    const crew = (await (await login(first.url, "crew-e1", passwords.get("crew-e1")!)).json()) as LoginResult;
    expect(crew.user).toMatchObject({ role: "crew", unitId: "E1" });
    const admin = (await (await login(first.url, "admin", passwords.get("admin")!)).json()) as LoginResult;
    const health = (await (await fetch(`${first.url}/api/v1/health`, { headers: { authorization: `Bearer ${admin.token}` } })).json()) as HealthView;
    expect(health.store).toMatchObject({ kind: "sqlite", ok: true, location: path.join(dataDir, "dispatch.sqlite") });
    await stopProcess(first.child);

    // A restart keeps the accounts and prints no new passwords.
    const second = await runUntilListening({ DATA_DIR: dataDir });
    expect(second.output()).not.toMatch(/Demo data seeded/);
    expect((await login(second.url, "dispatcher", passwords.get("dispatcher")!)).status).toBe(200);
    await stopProcess(second.child);
  });

  it("creates only the configured admin when ADMIN_USERNAME and ADMIN_PASSWORD are set", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "dispatch-admin-"));
    const started = await runUntilListening({ DATA_DIR: dataDir, ADMIN_USERNAME: "chief", ADMIN_PASSWORD: "a-long-admin-password" });
    expect(started.output()).not.toMatch(/Demo data seeded/);
    const admin = await login(started.url, "chief", "a-long-admin-password");
    expect(admin.status).toBe(200);
    const { token } = (await admin.json()) as LoginResult;
    const units = (await (await fetch(`${started.url}/api/v1/units`, { headers: { authorization: `Bearer ${token}` } })).json()) as { units: UnitView[] };
    expect(units.units).toEqual([]);
    expect((await login(started.url, "dispatcher", "anything")).status).toBe(401);
    await stopProcess(started.child);
  });
});
