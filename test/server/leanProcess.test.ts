// A server on SQLite loads the SQLite driver and neither mongoose nor the Redis client: the store adapter and the
// cluster link are imported only when MONGO_URL / REDIS_URL ask for them. Checked in a real server process whose
// module loader records every module it resolves (test/helpers/moduleRecorder.mjs).
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "dispatch-lean-"));
let child: ChildProcess | undefined;
afterAll(() => {
  child?.kill("SIGKILL");
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("a lean production process", () => {
  it("loads only the SQLite driver when MONGO_URL and REDIS_URL are unset", async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: "0", HOST: "127.0.0.1", ADMIN_USERNAME: "admin", ADMIN_PASSWORD: "lean-test-password", BUILD_CLIENT: "never" };
    delete env.MONGO_URL;
    delete env.REDIS_URL;
    const started = spawn(process.execPath, ["--import", "./test/helpers/moduleRecorder.mjs", "--import", "tsx", "server/scripts/start.ts"], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    child = started;
    let output = "";
    const seen = (pattern: RegExp) =>
      new Promise<RegExpExecArray>((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(output);
          if (match) resolve(match);
        };
        started.stdout?.on("data", (chunk: Buffer) => {
          output += chunk.toString();
          check();
        });
        started.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
        started.once("exit", (code) => reject(new Error(`server exited with ${code}: ${output}`)));
        check();
      });
    await seen(/listening on http/);
    started.kill("SIGUSR2");
    const [, list] = await seen(/LOADED MODULES (\[.*\])\n/);
    const modules = JSON.parse(list!) as string[];
    const packageLoaded = (name: string) => modules.some((url) => url.includes(`/node_modules/${name}/`));
    // The recorder sees packages imported from our code: the ones this server needs are there.
    expect(packageLoaded("better-sqlite3")).toBe(true);
    expect(packageLoaded("socket.io")).toBe(true);
    expect(packageLoaded("mongoose")).toBe(false);
    expect(packageLoaded("mongodb")).toBe(false);
    expect(packageLoaded("redis")).toBe(false);
    expect(packageLoaded("@socket.io/redis-streams-adapter")).toBe(false);
    expect(modules.some((url) => url.endsWith("/server/store/mongo.ts"))).toBe(false);
  }, 60_000);
});
