// `npm run test:e2e`: runs the browser tests with the system Chromium, or says loudly that it could not.
import { spawnSync } from "node:child_process";
import { chromiumAvailable, CHROMIUM_PATH } from "./browser";

if (!chromiumAvailable()) {
  const line = "=".repeat(78);
  console.error(`${line}\nE2E SKIPPED: no Chromium found at ${CHROMIUM_PATH}; install it with: apt-get update && apt-get install -y chromium\n${line}`);
  process.exit(process.env.CI === "true" ? 1 : 0);
}

const result = spawnSync("npx", ["vitest", "run", "--project", "e2e"], { stdio: "inherit" });
process.exit(result.status ?? 1);
