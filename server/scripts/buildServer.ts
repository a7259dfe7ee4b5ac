// `npm run build:server`: compiles the server into dist/server for production (plain `node`, no tsx), with
// esbuild: the sources import each other without file extensions, which Node's own ESM loader does not resolve,
// so tsc alone cannot emit runnable files. Packages stay external (installed with `npm ci --omit=dev`), and each
// dynamically imported module (the store adapters, the Redis cluster link) stays a chunk loaded only when used.
// Data files the server reads next to its modules are copied alongside. `tsc --noEmit` does the type check.
import fs from "node:fs";
import path from "node:path";
import { build } from "esbuild";

const outRoot = path.resolve(process.argv[2] ?? "dist");
const serverOut = path.join(outRoot, "server");
fs.rmSync(serverOut, { recursive: true, force: true });
await build({
  entryPoints: ["server/scripts/start.ts", "server/scripts/verifyLog.ts"],
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  splitting: true,
  sourcemap: true,
  outdir: serverOut,
  logLevel: "warning",
});
// server/services/auth.ts reads ../security/common-passwords.txt relative to its module: dist/server -> dist/security.
fs.cpSync("server/security", path.join(outRoot, "security"), { recursive: true });
console.log(`server built into ${serverOut}`);
