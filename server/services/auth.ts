import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs";
import { hash as argon2Hash, verify as argon2Verify } from "@node-rs/argon2";
import bcrypt from "bcryptjs";
import type { LoginResult, PasswordChangeResult, PasswordResetResult, UserView } from "../../shared/api";
import type { Actor } from "../../shared/events";
import { passwordProblem } from "../../shared/passwordPolicy";
import type { ChangePasswordBody, CreateUserBody, LoginBody, ResetPasswordBody } from "../../shared/schemas";
import { AppError, errors } from "../core/errors";
import { sha256 } from "../core/hashChain";
import { can } from "../../shared/policy";
import { UniqueViolationError, type UserRecord } from "../store/types";
import { authorize, type ServiceContext } from "./context";
import { presentUser } from "./presenters";

/** Hashes made before argon2id: still accepted, and replaced by an argon2id hash at the next successful login. */
const isBcryptHash = (stored: string) => /^\$2[abxy]?\$/.test(stored);

/**
 * argon2id, the library's default algorithm, with its default cost (19 MiB, 2 passes, 1 lane: the OWASP minimum;
 * the auth tests check the stored `$argon2id$` prefix). Unlike bcrypt it reads the whole password, so two passwords
 * that share their first 72 bytes are different passwords.
 */
export function hashPassword(password: string): Promise<string> {
  return argon2Hash(password);
}

// Compared against when the username is unknown, so a miss costs the same time as a wrong password.
let unknownUserHash: Promise<string> | undefined;

async function passwordMatches(password: string, stored: string | undefined): Promise<boolean> {
  if (stored === undefined) {
    unknownUserHash ??= hashPassword(randomBytes(16).toString("hex"));
    await argon2Verify(await unknownUserHash, password).catch(() => false);
    return false;
  }
  if (isBcryptHash(stored)) return bcrypt.compare(password, stored);
  return argon2Verify(stored, password).catch(() => false);
}

/** The common password list shipped as data; read once. */
let commonPasswords: Set<string> | undefined;
function isCommonPassword(candidate: string): boolean {
  commonPasswords ??= new Set(
    fs
      .readFileSync(new URL("../security/common-passwords.txt", import.meta.url), "utf8")
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith("#")),
  );
  return commonPasswords.has(candidate);
}

/** Refuses a password the policy does not accept (shared/passwordPolicy.ts), with `weak_password`. */
export function checkPasswordPolicy(password: string, username: string, field = "password"): void {
  const problem = passwordProblem(password, username, isCommonPassword);
  if (problem) throw new AppError("weak_password", `Choose another password: ${problem}.`, [{ path: field, message: problem }]);
}

export interface AuthenticatedSession {
  actor: Actor;
  tokenHash: string;
  expiresAt: string;
}

export function actorOf(user: UserRecord): Actor {
  return {
    userId: user.id,
    username: user.username,
    role: user.role,
    ...(user.unitId ? { unitId: user.unitId } : {}),
  };
}

/** Rate limits are applied before this, by the route (loginLimits.ts). */
export async function login(context: ServiceContext, body: LoginBody): Promise<LoginResult> {
  const now = context.clock();
  const user = await context.store.getUserByUsername(body.username);
  const matches = await passwordMatches(body.password, user?.passwordHash);
  if (!user || !matches) throw new AppError("invalid_credentials", "Username or password is wrong.");
  if (isBcryptHash(user.passwordHash)) {
    // The one moment the plain password is known: move this account off bcrypt's 72-byte limit.
    await context.store.setUserPasswordHash(user.id, await hashPassword(body.password));
  }
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

/**
 * The session a token stands for. A user whose password an admin set with "ask for their own" gets
 * `password_change_required` for everything but the few routes that let them choose it (`duringPasswordChange`),
 * so the request is enforced here and not only by the screens.
 */
export async function authenticate(
  context: ServiceContext,
  token: string | undefined,
  options: { duringPasswordChange?: boolean } = {},
): Promise<AuthenticatedSession> {
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
  if (user.passwordChangeRequiredAt !== null && !options.duringPasswordChange) {
    throw new AppError("password_change_required", "Choose your own password first (POST /auth/password); an admin set this one.");
  }
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
  if (!can.endSessionsOf(actor, target)) {
    throw new AppError(
      "protected_account",
      `A ${actor.role} account may not end the sessions of a ${target.role} account; ask an admin.`,
    );
  }
  return context.store.revokeUserSessions(userId, context.clock().toISOString());
}

export async function createUser(context: ServiceContext, actor: Actor | null, body: CreateUserBody): Promise<UserView> {
  if (actor) authorize(actor, "createAccounts", "create accounts");
  if (body.unitId && !(await context.store.getUnit(body.unitId))) {
    throw errors.validation(`Unit ${body.unitId} does not exist; create the unit first.`, [
      { path: "unitId", message: "unknown unit" },
    ]);
  }
  checkPasswordPolicy(body.password, body.username);
  const user: UserRecord = {
    id: randomUUID(),
    username: body.username,
    passwordHash: await hashPassword(body.password),
    role: body.role,
    unitId: body.unitId ?? null,
    displayName: body.displayName ?? null,
    createdAt: context.clock().toISOString(),
    passwordChangeRequiredAt: body.mustChangePassword ? context.clock().toISOString() : null,
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

/**
 * A user changes their own password. The current password is checked with the same code as a login, and the route
 * counts a wrong one against the login limits (loginLimits.ts), so a stolen token is no way to guess the password.
 * The new one goes through the password policy. The password and the end of every other session of the user are
 * one write; the session that made the change keeps working.
 */
export async function changeOwnPassword(
  context: ServiceContext,
  session: AuthenticatedSession,
  body: ChangePasswordBody,
): Promise<PasswordChangeResult> {
  const { actor } = session;
  authorize(actor, "changeOwnPassword", "change its own password; an admin sets a new one (POST /users/:id/password)");
  const user = await context.store.getUser(actor.userId);
  if (!user) throw errors.unauthenticated("This account no longer exists.");
  if (!(await passwordMatches(body.currentPassword, user.passwordHash))) {
    throw new AppError("invalid_credentials", "The current password is wrong.", [{ path: "currentPassword", message: "wrong password" }]);
  }
  if (body.newPassword === body.currentPassword) {
    throw new AppError("password_unchanged", "The new password is the current one; choose a different one.", [
      { path: "newPassword", message: "same as the current password" },
    ]);
  }
  checkPasswordPolicy(body.newPassword, user.username, "newPassword");
  const revoked = await context.store.replacePassword({
    userId: user.id,
    expectedHash: user.passwordHash,
    newHash: await hashPassword(body.newPassword),
    at: context.clock().toISOString(),
    keepSession: session.tokenHash,
    // The person chose it: whatever an admin asked is done.
    passwordChangeRequiredAt: null,
  });
  // Another change (another session of the user, or an admin's reset) landed since the current password was checked.
  if (revoked === null) throw new AppError("invalid_credentials", "The password was changed meanwhile; log in again with the new one.");
  context.logger.info("password changed by its user", { userId: user.id, revokedSessions: revoked });
  return { revokedSessions: revoked };
}

/** An admin sets another account's password; every session of that account ends in the same write. */
export async function resetPassword(
  context: ServiceContext,
  actor: Actor,
  userId: string,
  body: ResetPasswordBody,
): Promise<PasswordResetResult> {
  authorize(actor, "resetPasswords", "set other accounts' passwords");
  let newHash: string | undefined;
  // The admin's decision stands over a change that races it: read again and replace what is stored now.
  for (let attempt = 0; attempt < 3; attempt++) {
    const target = await context.store.getUser(userId);
    if (!target) throw errors.notFound(`User ${userId}`);
    if (!can.resetPasswordOf(actor, target)) {
      throw new AppError("protected_account", "Change your own password with POST /auth/password: it asks for the current one.");
    }
    if (body.mustChangePassword && target.role === "integration") {
      throw errors.validation("An integration account never changes its own password (it has no screen).", [
        { path: "mustChangePassword", message: "not for an integration account" },
      ]);
    }
    if (newHash === undefined) {
      checkPasswordPolicy(body.newPassword, target.username, "newPassword");
      newHash = await hashPassword(body.newPassword);
    }
    const revoked = await context.store.replacePassword({
      userId: target.id,
      expectedHash: target.passwordHash,
      newHash,
      at: context.clock().toISOString(),
      keepSession: null,
      passwordChangeRequiredAt: body.mustChangePassword ? context.clock().toISOString() : null,
    });
    if (revoked !== null) {
      context.logger.info("password reset by an admin", { userId: target.id, by: actor.userId, revokedSessions: revoked });
      return { userId: target.id, revokedSessions: revoked };
    }
  }
  throw new AppError("store_unavailable", "The password kept changing while it was being set; nothing was saved. Try again.");
}
