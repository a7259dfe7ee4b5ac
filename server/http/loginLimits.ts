// Login rate limits with express-rate-limit: failed logins are counted per client address (one address trying one
// password against many usernames) and per account (many addresses trying one username), independently. With
// REDIS_URL the counters live in Redis, so every app instance sees the same counts.
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { ipKeyGenerator, rateLimit, type Options, type Store as RateLimitStore } from "express-rate-limit";
import { RedisStore, type RedisReply } from "rate-limit-redis";
import type { AppConfig } from "../config";
import { AppError } from "../core/errors";
import type { Logger } from "../logger";

/** What the limiters need of a Redis connection: raw commands, and closing it on shutdown. */
export interface RedisConnection {
  sendCommand(args: string[]): Promise<unknown>;
  close(): Promise<void>;
}

/**
 * Connects to REDIS_URL. An unreachable Redis at start fails the start (a clear error, not a hang); a connection
 * lost later is logged and re-established with backoff, and logins answer 503 until it is back.
 */
export async function connectRedis(url: string, logger: Logger): Promise<RedisConnection> {
  // Imported here: a server without REDIS_URL never loads the Redis client.
  const { createClient } = await import("redis");
  let connectedOnce = false;
  const client = createClient({
    url,
    // While disconnected, fail a command at once instead of queueing it: a login must not hang.
    disableOfflineQueue: true,
    socket: {
      connectTimeout: 5000,
      reconnectStrategy: (retries: number, cause: Error) =>
        connectedOnce ? Math.min(100 * 2 ** retries, 5000) : new Error(`cannot reach REDIS_URL: ${cause.message}`),
    },
  });
  client.on("error", (error: unknown) =>
    logger.warn("redis error", { error: error instanceof Error ? error.message : String(error) }),
  );
  await client.connect();
  connectedOnce = true;
  return {
    sendCommand: (args) => client.sendCommand(args),
    close: async () => {
      await client.close();
    },
  };
}

/**
 * A rate-limit counter in Redis, shared by every app instance (REDIS_URL). Each limiter needs its own prefix:
 * express-rate-limit refuses two limiters on one store.
 */
export function sharedLimitStore(redis: RedisConnection, prefix: string): RateLimitStore {
  return new RedisStore({ prefix, sendCommand: (...args: string[]) => redis.sendCommand(args) as Promise<RedisReply> });
}

function accountKey(req: Request): string | null {
  const username = (req.body as { username?: unknown } | undefined)?.username;
  return typeof username === "string" && username.trim() ? username.trim().toLowerCase() : null;
}

function refuse(req: Request, _res: Response, next: NextFunction, options: Options): void {
  const info = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit;
  const seconds = info?.resetTime ? Math.max(1, Math.ceil((info.resetTime.getTime() - Date.now()) / 1000)) : options.windowMs / 1000;
  next(new AppError("rate_limited", `Too many failed logins; try again in ${seconds} s.`));
}

/** Both limiters for POST /auth/login, address first; a successful login is not counted. */
export function loginLimiters(config: AppConfig, logger: Logger, redis?: RedisConnection): RequestHandler[] {
  const store = (prefix: string): { store?: RateLimitStore } => (redis ? { store: sharedLimitStore(redis, prefix) } : {});
  const common: Partial<Options> = {
    windowMs: config.loginWindowSeconds * 1000,
    skipSuccessfulRequests: true,
    standardHeaders: "draft-8",
    legacyHeaders: false,
    handler: refuse,
    logger: {
      warn: (error, message) => logger.warn(message ?? "rate limiter warning", { error: String(error) }),
      error: (error, message) => logger.error(message ?? "rate limiter error", { error: String(error) }),
    },
    // A forged X-Forwarded-For from a client is expected and ignored (TRUST_PROXY unset): not a misconfiguration.
    validate: { xForwardedForHeader: false },
  };
  const perAddress = rateLimit({
    ...common,
    limit: config.loginAttemptsPerAddress,
    // req.ip honours TRUST_PROXY only; IPv6 clients are grouped by /56 so one host cannot rotate addresses.
    keyGenerator: (req) => ipKeyGenerator(req.ip ?? "unknown"),
    ...store("login-address:"),
  });
  const perAccount = rateLimit({
    ...common,
    limit: config.loginAttemptsPerWindow,
    keyGenerator: (req) => accountKey(req) ?? "",
    // Without a username the body is refused by validation anyway; there is no account to protect.
    skip: (req) => accountKey(req) === null,
    ...store("login-account:"),
  });
  return [perAddress, perAccount].map((limiter) => failClosed(limiter, logger));
}

/** A limiter whose counters cannot be reached refuses the login (503) rather than letting guesses through. */
function failClosed(limiter: RequestHandler, logger: Logger): RequestHandler {
  return (req, res, next) =>
    limiter(req, res, (error?: unknown) => {
      if (!error || error instanceof AppError) return next(error); // passed, or refused as rate_limited
      logger.warn("login limiter unavailable", { error: error instanceof Error ? error.message : String(error) });
      next(new AppError("store_unavailable", "Logins cannot be checked right now; try again shortly."));
    });
}
