// Several real app processes over one SQLite file and a real Redis (Debian's redis-server on a free loopback port),
// for the tests of what must hold across instances. Every process started here is killed by stopAll().
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import type { LoginResult } from "../../shared/api";
import { callApi, spawnUntil, startServerProcess } from "./process";

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
  private redis: ChildProcess | undefined;
  redisUrl = "";

  async startRedis(): Promise<string> {
    const port = await freePort();
    // No persistence, loopback only: a throw-away server for this test.
    const { child } = await spawnUntil(
      [REDIS_SERVER, "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      process.env,
      /Ready to accept connections/i,
      this.children,
    );
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

  /** An app instance (`npm start` without npm) with REDIS_URL and the given environment. */
  async startApp(name: string, env: NodeJS.ProcessEnv): Promise<AppProcess> {
    const { child, url, output } = await startServerProcess(
      { ...process.env, PORT: "0", HOST: "127.0.0.1", BUILD_CLIENT: "never", LOG_LEVEL: "info", REDIS_URL: this.redisUrl, ...env },
      this.children,
    );
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    const ended = () => child.exitCode !== null || child.signalCode !== null;
    return {
      name,
      url,
      child,
      output,
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

export const api = callApi;

export async function login(url: string, username: string, password: string): Promise<string> {
  const response = await api<LoginResult>(url, "POST", "/auth/login", undefined, { username, password });
  if (response.status !== 200) throw new Error(`login ${username}: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body.token;
}
