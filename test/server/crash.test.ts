// Kills the real server process with SIGKILL right after acknowledged writes, restarts it on the same data
// directory, and checks that everything acknowledged is there and every hash chain verifies.
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { CallIntakeResult, IncidentDetailView, LoginResult, UnitView } from "../../shared/api";
import { north, opId, phoneCall } from "../helpers/factories";
import { callApi, runScript, startServerProcess } from "../helpers/process";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "dispatch-crash-"));
const env = {
  ...process.env,
  DATA_DIR: dataDir,
  PORT: "0",
  HOST: "127.0.0.1",
  ADMIN_USERNAME: "admin",
  ADMIN_PASSWORD: "crash-test-password",
  BUILD_CLIENT: "never",
  LOG_LEVEL: "info",
};
const children: ChildProcess[] = [];
afterAll(() => children.forEach((child) => child.kill("SIGKILL")));

describe("crash safety", () => {
  it("keeps every acknowledged write through a SIGKILL, and the log chains verify after restart", async () => {
    const first = await startServerProcess(env, children);
    const login = await callApi<LoginResult>(first.url, "POST", "/auth/login", undefined, { username: "admin", password: "crash-test-password" });
    const token = login.body.token;
    const origin = { lat: 39.9, lng: 116.4 };
    for (const id of ["K1", "K2", "K3", "K4"]) {
      await callApi(first.url, "PUT", `/units/${id}`, token, { callSign: id, type: "engine", station: "Station K", home: origin });
    }

    const acknowledgedCalls: CallIntakeResult[] = [];
    for (let i = 0; i < 12; i++) {
      const response = await callApi<CallIntakeResult>(first.url, "POST", "/calls", token, phoneCall({ location: north(origin, i * 1000) }));
      expect(response.status).toBe(201);
      acknowledgedCalls.push(response.body);
    }
    const firstIncident = acknowledgedCalls[0]!.incident.id;
    expect((await callApi(first.url, "POST", `/incidents/${firstIncident}/dispatch`, token, { unitIds: ["K1", "K2"], opId: opId() })).status).toBe(200);
    expect((await callApi(first.url, "POST", "/units/K1/status", token, { status: "en_route", opId: opId() })).status).toBe(200);

    // Writes in flight at the moment of the kill may or may not land; they must never land half-written.
    // The kill comes as the first of them is answered, so the server is in the middle of the next ones.
    let firstAnswered: () => void = () => undefined;
    const answered = new Promise<void>((resolve) => (firstAnswered = resolve));
    const inFlight = Array.from({ length: 20 }, (_, i) =>
      callApi(first.url, "POST", "/calls", token, phoneCall({ location: north(origin, 50_000 + i * 1000) }))
        .then(() => firstAnswered())
        .catch(() => null),
    );
    const exited = new Promise((resolve) => first.child.once("exit", resolve));
    await answered;
    first.child.kill("SIGKILL");
    expect(await exited).toBeNull();
    await Promise.all(inFlight);

    const second = await startServerProcess(env, children);
    const relogin = await callApi<LoginResult>(second.url, "POST", "/auth/login", undefined, { username: "admin", password: "crash-test-password" });
    const token2 = relogin.body.token;
    for (const acknowledged of acknowledgedCalls) {
      const detail = await callApi<IncidentDetailView>(second.url, "GET", `/incidents/${acknowledged.incident.id}`, token2);
      expect(detail.status).toBe(200);
      expect(detail.body.calls.map((call) => call.intakeId)).toContain(acknowledged.call.intakeId);
    }
    const detail = await callApi<IncidentDetailView>(second.url, "GET", `/incidents/${firstIncident}`, token2);
    expect(detail.body.assignments.map((entry) => [entry.unitId, entry.status])).toEqual([["K1", "en_route"], ["K2", "dispatched"]]);
    // Incident numbers are taken in the incident's own commit: whatever the kill cut off, the numbering has no hole.
    const all = await callApi<{ incidents: { number: string }[] }>(second.url, "GET", "/incidents?status=all&limit=500", token2);
    const numbers = all.body.incidents.map((incident) => incident.number).sort();
    const year = numbers[0]?.slice(0, 4) ?? "";
    expect(numbers.length).toBeGreaterThanOrEqual(acknowledgedCalls.length);
    expect(numbers).toEqual(numbers.map((_number, index) => `${year}-${String(index + 1).padStart(5, "0")}`));
    const units = await callApi<{ units: UnitView[] }>(second.url, "GET", "/units", token2);
    expect(units.body.units.find((unit) => unit.id === "K1")).toMatchObject({ status: "en_route", incidentId: firstIncident });
    const stopped = new Promise((resolve) => second.child.once("exit", resolve));
    second.child.kill("SIGTERM");
    await stopped;

    const { code, output } = await runScript("verifyLog", [], env);
    expect(output).toMatch(/OK: \d+ events in streams \(\d+ incident[^)]*\); every hash chain verifies and every record equals its fold/);
    expect(code).toBe(0);
  }, 90_000);
});
