import { randomBytes, randomUUID } from "node:crypto";
import bcrypt from "bcryptjs";
import type { LoginResult, UserView } from "../../shared/api";
import type { Actor } from "../../shared/events";
import type { CreateUserBody, LoginBody } from "../../shared/schemas";
import { AppError, errors } from "../core/errors";
import { sha256 } from "../core/hashChain";
import { UniqueViolationError, type UserRecord } from "../store/types";
import { can } from "../../shared/policy";
import { authorize, ensureAllowed, type ServiceContext } from "./context";
import { presentUser } from "./presenters";

const BCRYPT_ROUNDS = 10;
// Compared against when the username is unknown, so a miss costs the same time as a wrong password.
const UNKNOWN_USER_HASH = bcrypt.hashSync("no-such-user-placeholder", BCRYPT_ROUNDS);

export interface AuthenticatedSession {
  actor: Actor;
  tokenHash: string;
  expiresAt: string;
}

/** Fixed-window counter of failed and attempted logins per client address and username. */
export class LoginRateLimiter {
  private readonly attempts = new Map<string, { count: number; windowStart: number }>();
  constructor(
    private readonly maxAttempts: number,
    private readonly windowMs: number,
  ) {}

  check(key: string, now: number): void {
    const entry = this.attempts.get(key);
    if (!entry || now - entry.windowStart >= this.windowMs) {
      this.attempts.set(key, { count: 1, windowStart: now });
      return;
    }
    entry.count += 1;
    if (entry.count > this.maxAttempts) {
      const retryIn = Math.ceil((entry.windowStart + this.windowMs - now) / 1000);
      throw new AppError("rate_limited", `Too many login attempts; try again in ${retryIn} s.`);
    }
  }

  reset(key: string): void {
    this.attempts.delete(key);
  }
}

export function actorOf(user: UserRecord): Actor {
  return {
    userId: user.id,
    username: user.username,
    role: user.role,
    ...(user.unitId ? { unitId: user.unitId } : {}),
  };
}

export async function login(
  context: ServiceContext,
  limiter: LoginRateLimiter,
  body: LoginBody,
  clientAddress: string,
): Promise<LoginResult> {
  const now = context.clock();
  const key = `${clientAddress}|${body.username.toLowerCase()}`;
  limiter.check(key, now.getTime());
  const user = await context.store.getUserByUsername(body.username);
  const matches = await bcrypt.compare(body.password, user?.passwordHash ?? UNKNOWN_USER_HASH);
  if (!user || !matches) throw new AppError("invalid_credentials", "Username or password is wrong.");
  limiter.reset(key);
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + context.config.tokenTtlHours * 3600_000).toISOString();
  await context.store.createSession({
    tokenHash: sha256(token),
    userId: user.id,
    createdAt: now.toISOString(),
    expiresAt,
    revokedAt: null,
  });
  return { token, user: presentUser(user), expiresAt };
}

export async function authenticate(context: ServiceContext, token: string | undefined): Promise<AuthenticatedSession> {
  if (!token) throw errors.unauthenticated();
  const tokenHash = sha256(token);
  const session = await context.store.getSession(tokenHash);
  if (!session) throw errors.unauthenticated("This token is not valid; log in again.");
  if (session.revokedAt) throw new AppError("token_revoked", "This session was ended; log in again.");
  if (Date.parse(session.expiresAt) <= context.clock().getTime()) {
    throw errors.unauthenticated("This session has expired; log in again.");
  }
  const user = await context.store.getUser(session.userId);
  if (!user) throw errors.unauthenticated("This account no longer exists.");
  return { actor: actorOf(user), tokenHash, expiresAt: session.expiresAt };
}

export async function logout(context: ServiceContext, tokenHash: string): Promise<void> {
  await context.store.revokeSession(tokenHash, context.clock().toISOString());
}

/** Ends every session of a user (shift change, lost tablet). */
export async function revokeUserSessions(context: ServiceContext, actor: Actor, userId: string): Promise<number> {
  authorize(actor, "endOtherUsersSessions", "end other users' sessions");
  const target = await context.store.getUser(userId);
  if (!target) throw errors.notFound(`User ${userId}`);
  ensureAllowed(can.endSessionsOf(actor, target), `A ${actor.role} account may not end the sessions of a ${target.role} account.`);
  return context.store.revokeUserSessions(userId, context.clock().toISOString());
}

export async function createUser(context: ServiceContext, actor: Actor | null, body: CreateUserBody): Promise<UserView> {
  if (actor) authorize(actor, "createAccounts", "create accounts");
  if (body.unitId && !(await context.store.getUnit(body.unitId))) {
    throw errors.validation(`Unit ${body.unitId} does not exist; create the unit first.`, [
      { path: "unitId", message: "unknown unit" },
    ]);
  }
  const user: UserRecord = {
    id: randomUUID(),
    username: body.username,
    passwordHash: await bcrypt.hash(body.password, BCRYPT_ROUNDS),
    role: body.role,
    unitId: body.unitId ?? null,
    displayName: body.displayName ?? null,
    createdAt: context.clock().toISOString(),
  };
  try {
    await context.store.createUser(user);
  } catch (error) {
    if (error instanceof UniqueViolationError) {
      throw new AppError("already_exists", `The username ${body.username} is taken.`);
    }
    throw error;
  }
  return presentUser(user);
}

export async function listUsers(context: ServiceContext, actor: Actor): Promise<UserView[]> {
  authorize(actor, "listAccounts", "list accounts");
  return (await context.store.listUsers()).map(presentUser);
}
