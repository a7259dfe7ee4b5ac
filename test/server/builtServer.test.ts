// The production image runs the compiled server (`npm run build:server`) with production dependencies only. Checked
// here: the build succeeds, every package it imports is in `dependencies` (none only in devDependencies), and the
// built server starts on SQLite and answers, with no TypeScript at run time.
import { execFileSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startServerProcess } from "../helpers/process";

// Inside the repository (test-results/ is ignored by git), so the built files find its node_modules as /app does.
fs.mkdirSync("test-results", { recursive: true });
const outDir = fs.mkdtempSync(path.join("test-results", "built-server-"));
const children: ChildProcess[] = [];
afterAll(() => {
  children.forEach((child) => child.kill("SIGKILL"));
  fs.rmSync(outDir, { recursive: true, force: true });
});

describe("the built server", () => {
  it("imports only production dependencies and starts without tsx", async () => {
    const pkg = JSON.parse(fs.readFileSync("package.json", "utf8")) as {
      dependencies: Record<string, string>;
    };
    // The same script as `npm run build:server`, into a temporary directory.
    execFileSync(process.execPath, ["--import", "tsx", "server/scripts/buildServer.ts", outDir], { stdio: "pipe" });
    const built = path.join(outDir, "server");

    const imported = new Set<string>();
    for (const file of fs.readdirSync(built).filter((name) => name.endsWith(".js"))) {
      const source = fs.readFileSync(path.join(built, file), "utf8");
      for (const match of source.matchAll(/(?:from\s*|import\()"([^".][^"]*)"/g)) {
        const specifier = match[1]!;
        if (specifier.startsWith("node:")) continue;
        imported.add(specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0]!);
      }
    }
    expect([...imported].sort()).toEqual(expect.arrayContaining(["better-sqlite3", "express", "mongoose", "socket.io", "zod"]));
    for (const name of imported) expect(Object.keys(pkg.dependencies), `${name} is a production dependency`).toContain(name);

    // Run it from the repository (its node_modules) with plain node: no tsx loader.
    const entry = path.resolve(built, "start.js");
    const dataDir = path.resolve(outDir, "data-dir");
    const { url } = await startServerProcess(
      { ...process.env, DATA_DIR: dataDir, PORT: "0", HOST: "127.0.0.1", ADMIN_USERNAME: "admin", ADMIN_PASSWORD: "built-test-password", BUILD_CLIENT: "never" },
      children,
      [process.execPath, entry],
    );
    const login = await fetch(`${url}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "admin", password: "built-test-password" }),
    });
    expect(login.status).toBe(200);
  }, 60_000);
});
