// Login rate limits with express-rate-limit: failed logins are counted per client address (one address trying one
// password against many usernames) and per account (many addresses trying one username), independently. With
// REDIS_URL the counters live in Redis, so every app instance sees the same counts. A password change checks the
// current password through the same limiters (the same counters), so a stolen token cannot guess the password
// faster than a login could.
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { ipKeyGenerator, rateLimit, type Options, type Store as RateLimitStore } from "express-rate-limit";
import { RedisStore, type RedisReply } from "rate-limit-redis";
import type { AppConfig } from "../config";
import { AppError } from "../core/errors";
import type { Logger } from "../logger";
import type { AuthenticatedSession } from "../services/auth";

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

/** The account a password is tried against: the login's username, or the signed-in user of a password change. */
function accountKey(req: Request, res: Response): string | null {
  const signedIn = (res.locals.session as AuthenticatedSession | undefined)?.actor.username;
  const username = signedIn ?? (req.body as { username?: unknown } | undefined)?.username;
  return typeof username === "string" && username.trim() ? username.trim().toLowerCase() : null;
}

function refuse(req: Request, _res: Response, next: NextFunction, options: Options): void {
  const info = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit;
  const seconds = info?.resetTime ? Math.max(1, Math.ceil((info.resetTime.getTime() - Date.now()) / 1000)) : options.windowMs / 1000;
  next(new AppError("rate_limited", `Too many wrong passwords; try again in ${seconds} s.`));
}

/**
 * Both limiters, address first, for POST /auth/login and (after authentication) POST /auth/password: the same
 * instances on both routes, so both count in the same buckets. A login counts when refused for any reason (as it
 * always did); a password change only for a wrong current password (401) or past the limit (429), as a refused new
 * password (weak, unchanged) came with the right current one, and a forbidden or malformed one checked none.
 */
export function loginLimiters(config: AppConfig, logger: Logger, redis?: RedisConnection): RequestHandler[] {
  const store = (prefix: string): { store?: RateLimitStore } => (redis ? { store: sharedLimitStore(redis, prefix) } : {});
  const common: Partial<Options> = {
    windowMs: config.loginWindowSeconds * 1000,
    skipSuccessfulRequests: true,
    requestWasSuccessful: (_req, res) =>
      res.locals.session === undefined ? res.statusCode < 400 : res.statusCode !== 401 && res.statusCode !== 429,
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
    keyGenerator: (req, res) => accountKey(req, res) ?? "",
    // Without a username the body is refused by validation anyway; there is no account to protect.
    skip: (req, res) => accountKey(req, res) === null,
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
      next(new AppError("store_unavailable", "Passwords cannot be checked right now; try again shortly."));
    });
}
