// The real server as a child process, for the tests that must kill it, restart it on the same data, run it as
// another user or run the built files: what `startTestServer` (in-process) cannot do.
import { spawn, type ChildProcess } from "node:child_process";

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** Everything it wrote so far, stdout and stderr together. */
  output: () => string;
}

/** `npm start` without npm: the TypeScript entry through tsx. */
export const START_SCRIPT = [process.execPath, "--import", "tsx", "server/scripts/start.ts"];

/**
 * Spawns `command` and resolves with the URL once it logs "listening on"; rejects with all it wrote if it exits
 * first. The child goes into `children` at once, so the test's afterAll kills it even if it never listens.
 */
export function startServerProcess(env: NodeJS.ProcessEnv, children: ChildProcess[], command: string[] = START_SCRIPT): Promise<ServerProcess> {
  const [file, ...args] = command;
  if (!file) throw new Error("no command");
  const child = spawn(file, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let output = "";
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/[^\s"]+)/.exec(output);
      if (match?.[1]) resolve({ child, url: match[1], output: () => output });
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`server exited with ${code}: ${output}`)));
  });
}

/** One JSON call to the API of a server at `url`. */
export async function callApi<T>(url: string, method: string, pathname: string, token?: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(`${url}/api/v1${pathname}`, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, body: (await response.json()) as T };
}

/** SIGTERM, and wait until it has exited (a graceful stop, unlike the SIGKILL of afterAll). */
export async function stopProcess(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}
