// `npm run dev`: the API with restart-on-change (tsx watch) and the Vite dev server with its proxy to it.
import { spawn, type ChildProcess } from "node:child_process";

const children: ChildProcess[] = [
  spawn("npx", ["tsx", "watch", "server/scripts/start.ts"], {
    stdio: "inherit",
    env: { ...process.env, BUILD_CLIENT: "never" },
  }),
  spawn("npx", ["vite"], { stdio: "inherit" }),
];
console.log("API on http://localhost:3000, client (reloads on change) on http://localhost:5173");

const stop = () => {
  for (const child of children) child.kill("SIGTERM");
};
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, stop);
for (const child of children) child.on("exit", (code) => {
  stop();
  process.exitCode = code ?? 0;
});
