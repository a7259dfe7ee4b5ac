// Starts the real server on an ephemeral port with a fresh SQLite file, and gives tests typed HTTP and
// socket helpers. Nothing of ours is mocked.
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { io as connectSocket, type Socket } from "socket.io-client";
import type { LoginResult, UserView } from "../../shared/api";
import type { Role } from "../../shared/domain";
import type { IncidentEvent } from "../../shared/events";
import type { ClientToServerEvents, ServerToClientEvents } from "../../shared/socket";
import { createApi, type Api } from "../../client/src/api/endpoints";
import { createHttpClient } from "../../client/src/api/http";
import { loadConfig, type AppConfig } from "../../server/config";
import type { Logger } from "../../server/logger";
import { startServer, type RunningServer } from "../../server/main";
import type { Clock } from "../../server/core/time";

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
}

export interface Account {
  username: string;
  password: string;
  token: string;
  user: UserView;
}

export interface TestServer {
  url: string;
  dataDir: string;
  server: RunningServer;
  adminToken: string;
  adminUsername: string;
  adminPassword: string;
  /**
   * The client's own typed endpoints, bound to a token: a request or response shape that drifts from what the
   * client declares breaks the type check of the test that uses it. Non-2xx answers throw the client's ApiError.
   */
  client(token: string | null): Api;
  /** Calls the API untyped, for bad input and raw answers; `token` null for an anonymous request. */
  api<T = unknown>(
    method: string,
    pathname: string,
    options?: { token?: string | null; body?: unknown; raw?: string; headers?: Record<string, string> },
  ): Promise<ApiResponse<T>>;
  createAccount(role: Role, unitId?: string): Promise<Account>;
  createUnit(unitId: string, overrides?: Partial<{ callSign: string; type: string; station: string; home: { lat: number; lng: number } }>): Promise<void>;
  connect(token: string | undefined): ClientSocket;
  close(): Promise<void>;
}

export const ADMIN_PASSWORD = "admin-password-for-tests";

export async function startTestServer(
  options: { env?: Record<string, string>; config?: Partial<AppConfig>; dataDir?: string; clock?: Clock; logger?: Logger } = {},
): Promise<TestServer> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "dispatch-test-"));
  const env = {
    DATA_DIR: dataDir,
    ADMIN_USERNAME: "admin",
    ADMIN_PASSWORD,
    LOG_LEVEL: "warn",
    LOGIN_MAX_ATTEMPTS: "1000",
    LOGIN_MAX_ATTEMPTS_PER_ADDRESS: "1000",
    ...options.env,
  };
  const config = loadConfig(env, { port: 0, host: "127.0.0.1", clientDir: path.join(dataDir, "no-client"), ...options.config });
  const server = await startServer(config, {
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const sockets: ClientSocket[] = [];

  const api: TestServer["api"] = async (method, pathname, { token, body, raw, headers } = {}) => {
    const response = await fetch(`${server.url}/api/v1${pathname}`, {
      method,
      headers: {
        ...(body !== undefined || raw !== undefined ? { "content-type": "application/json" } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      ...(raw !== undefined ? { body: raw } : body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as never };
  };

  const login = async (username: string, password: string) => {
    const response = await api<LoginResult>("POST", "/auth/login", { body: { username, password } });
    if (response.status !== 200) throw new Error(`login ${username} failed: ${JSON.stringify(response.body)}`);
    return response.body;
  };
  const admin = await login("admin", ADMIN_PASSWORD);

  const createUnit: TestServer["createUnit"] = async (unitId, overrides = {}) => {
    const response = await api("PUT", `/units/${unitId}`, {
      token: admin.token,
      body: { callSign: unitId, type: "engine", station: "Station 1", home: { lat: 37.78, lng: -122.4 }, ...overrides },
    });
    if (response.status >= 300) throw new Error(`unit ${unitId}: ${JSON.stringify(response.body)}`);
  };

  const createAccount: TestServer["createAccount"] = async (role, unitId) => {
    const username = `${role}-${randomUUID().slice(0, 8)}`;
    const password = `pw-${randomUUID()}`;
    const created = await api<UserView>("POST", "/users", {
      token: admin.token,
      body: { username, password, role, ...(unitId ? { unitId } : {}) },
    });
    if (created.status !== 201) throw new Error(`create ${role}: ${JSON.stringify(created.body)}`);
    const session = await login(username, password);
    return { username, password, token: session.token, user: session.user };
  };

  const connect: TestServer["connect"] = (token) => {
    const socket: ClientSocket = connectSocket(server.url, {
      auth: token ? { token } : {},
      transports: ["websocket"],
      reconnection: false,
      forceNew: true,
    });
    sockets.push(socket);
    return socket;
  };

  const client: TestServer["client"] = (token) =>
    createApi(createHttpClient({ baseUrl: `${server.url}/api/v1`, getToken: () => token }));

  return {
    url: server.url,
    dataDir,
    server,
    client,
    adminToken: admin.token,
    adminUsername: "admin",
    adminPassword: ADMIN_PASSWORD,
    api,
    createAccount,
    createUnit,
    connect,
    close: async () => {
      for (const socket of sockets) socket.disconnect();
      await server.close();
    },
  };
}

/** The body of a set-up request that must succeed with `status`; anything else fails the test with the answer. */
export async function must<T>(pending: Promise<ApiResponse<T>>, status = 200): Promise<T> {
  const response = await pending;
  if (response.status !== status) {
    throw new Error(`set-up request answered ${response.status}, expected ${status}: ${JSON.stringify(response.body)}`);
  }
  return response.body;
}

/**
 * Calls `listener` for every incident event the socket receives, live (`incident.event`) or in a replay batch
 * (`incident.events`), in the order they arrive.
 */
export function onIncidentEvents(socket: ClientSocket, listener: (event: IncidentEvent) => void): void {
  socket.on("incident.event", listener);
  socket.on("incident.events", (events) => events.forEach((event) => listener(event)));
}

/** Resolves with the next `event` the socket receives (or rejects after `timeoutMs`). */
export function nextEvent<E extends keyof ServerToClientEvents>(
  socket: ClientSocket,
  event: E,
  predicate: (...args: Parameters<ServerToClientEvents[E]>) => boolean = () => true,
  timeoutMs = 5000,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener as never);
      reject(new Error(`no ${String(event)} within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (...args: Parameters<ServerToClientEvents[E]>) => {
      if (!predicate(...args)) return;
      clearTimeout(timer);
      socket.off(event, listener as never);
      resolve(args[0]);
    };
    socket.on(event, listener as never);
  });
}

/** Emits a client event and resolves with its ack. */
export function emitWithAck<E extends keyof ClientToServerEvents>(
  socket: ClientSocket,
  event: E,
  payload: Parameters<ClientToServerEvents[E]>[0],
): Promise<Parameters<Parameters<ClientToServerEvents[E]>[1]>[0]> {
  return new Promise((resolve) => {
    (socket.emit as (name: string, payload: unknown, ack: (result: unknown) => void) => void)(event, payload, (result) =>
      resolve(result as never),
    );
  });
}

export function waitForConnect(socket: ClientSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    if (socket.connected) return resolve();
    socket.once("connect", () => resolve());
    socket.once("connect_error", (error) => reject(error));
  });
}
