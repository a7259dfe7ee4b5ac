// Child processes for the tests that need a real one: the server when a test must kill it, restart it on the same
// data, run it as another user or run the built files (what the in-process `startTestServer` cannot do).
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
 * Spawns `command` and resolves once its output (stdout and stderr together) matches `ready`; rejects with all it
 * wrote if it exits first. The child goes into `children` at once, so the test's afterAll kills it even if it never
 * gets ready.
 */
export function spawnUntil(
  command: string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
  children: ChildProcess[],
): Promise<{ child: ChildProcess; match: RegExpExecArray; output: () => string }> {
  const [file, ...args] = command;
  if (!file) throw new Error("no command");
  const child = spawn(file, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let output = "";
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = ready.exec(output);
      if (match) resolve({ child, match, output: () => output });
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`${file} exited with ${code}: ${output}`)));
  });
}

/** The server (by default `npm start` without npm), resolved with the URL it logs once it listens. */
export async function startServerProcess(env: NodeJS.ProcessEnv, children: ChildProcess[], command: string[] = START_SCRIPT): Promise<ServerProcess> {
  const { child, match, output } = await spawnUntil(command, env, /listening on (http:\/\/[^\s"]+)/, children);
  return { child, url: match[1]!, output };
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

/** Runs one of our CLI scripts (`server/scripts/<name>.ts`) to its exit: its code and everything it printed. */
export async function runScript(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", `server/scripts/${script}.ts`, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  return { code, output };
}
