// `npm start`: build the client if it is missing or older than its sources, then serve everything.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { loadConfig } from "../config";
import { startServer } from "../main";

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

function clientNeedsBuild(clientDir: string): boolean {
  const index = path.join(clientDir, "index.html");
  if (!fs.existsSync(index)) return true;
  const built = fs.statSync(index).mtimeMs;
  return ["client", "shared"].some((dir) => fs.existsSync(dir) && newestMtime(dir) > built);
}

const config = loadConfig();
if (process.env.BUILD_CLIENT !== "never" && fs.existsSync("client/index.html") && clientNeedsBuild(config.clientDir)) {
  console.log("building the client (vite build)...");
  const build = spawnSync("npx", ["vite", "build"], { stdio: "inherit" });
  if (build.status !== 0) {
    console.error("the client build failed; the API will still start");
  }
}
const server = await startServer(config);
let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void server.close().then(() => process.exit(0));
  });
}
