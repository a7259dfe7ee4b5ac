// Several real app processes over one SQLite file and a real Redis (Debian's redis-server on a free loopback port),
// for the tests of what must hold across instances. Every process started here is killed by stopAll().
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import type { LoginResult } from "../../shared/api";

export const REDIS_SERVER = "/usr/bin/redis-server";
export const haveRedis = fs.existsSync(REDIS_SERVER);

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export async function waitFor<T>(what: string, probe: () => T | Promise<T>, timeoutMs = 15_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

export interface AppProcess {
  name: string;
  url: string;
  child: ChildProcess;
  /** Everything the process printed so far (JSON log lines). */
  output(): string;
  /** SIGTERM (a clean shutdown: the shutdown checkpoint) and wait for the exit. */
  stop(): Promise<void>;
  /** SIGKILL: the instance dies with nothing written. */
  kill(): Promise<void>;
}

export class Cluster {
  private readonly children: ChildProcess[] = [];
  redisUrl = "";
  private redis: ChildProcess | undefined;

  /** Starts a child and resolves once its output matches `ready`. */
  private startChild(command: string, args: string[], env: NodeJS.ProcessEnv, ready: RegExp) {
    const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    this.children.push(child);
    let output = "";
    const matched = new Promise<{ child: ChildProcess; match: RegExpExecArray }>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const match = ready.exec(output);
        if (match) resolve({ child, match });
      };
      child.stdout?.on("data", onData);
      child.stderr?.on("data", onData);
      child.once("exit", (code) => reject(new Error(`${command} exited with ${code}: ${output}`)));
    });
    return { matched, output: () => output };
  }

  async startRedis(): Promise<string> {
    const port = await freePort();
    // No persistence, loopback only: a throw-away server for this test.
    const { matched } = this.startChild(
      REDIS_SERVER,
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      process.env,
      /Ready to accept connections/i,
    );
    const { child } = await matched;
    this.redis = child;
    this.redisUrl = `redis://127.0.0.1:${port}`;
    return this.redisUrl;
  }

  /** Kills the Redis server (SIGKILL) and waits for it to be gone. */
  async stopRedis(): Promise<void> {
    const child = this.redis;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  }

  /** An app instance (`server/scripts/start.ts`) with REDIS_URL and the given environment. */
  async startApp(name: string, env: NodeJS.ProcessEnv): Promise<AppProcess> {
    const started = this.startChild(
      process.execPath,
      ["--import", "tsx", "server/scripts/start.ts"],
      { ...process.env, PORT: "0", HOST: "127.0.0.1", BUILD_CLIENT: "never", LOG_LEVEL: "info", REDIS_URL: this.redisUrl, ...env },
      /listening on (http:\/\/[\w.:-]+)/,
    );
    const { child, match } = await started.matched;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    const ended = () => child.exitCode !== null || child.signalCode !== null;
    return {
      name,
      url: match[1]!,
      child,
      output: started.output,
      stop: async () => {
        if (!ended()) child.kill("SIGTERM");
        await exited;
      },
      kill: async () => {
        if (!ended()) child.kill("SIGKILL");
        await exited;
      },
    };
  }

  stopAll(): void {
    for (const child of this.children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
}

export async function api<T>(url: string, method: string, pathname: string, token?: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(`${url}/api/v1${pathname}`, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

export async function login(url: string, username: string, password: string): Promise<string> {
  const response = await api<LoginResult>(url, "POST", "/auth/login", undefined, { username, password });
  if (response.status !== 200) throw new Error(`login ${username}: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body.token;
}
