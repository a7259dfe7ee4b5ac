import { Router, type RequestHandler } from "express";
import { ChangePasswordBody, CreateUserBody, LoginBody, ResetPasswordBody, RevokeBody } from "../../../shared/schemas";
import { errors } from "../../core/errors";
import { presentUser } from "../../services/presenters";
import {
  changeOwnPassword,
  createUser,
  listUsers,
  login,
  logout,
  resetPassword,
  revokeUserSessions,
} from "../../services/auth";
import type { ServiceContext } from "../../services/context";
import type { Realtime } from "../../realtime/types";
import { actorOf, param, parse, requireAuth, sessionOf } from "../helpers";

/**
 * `loginLimits` run before a login is even parsed, and before a password change checks the current password (after
 * authentication, so they count against the signed-in account): see loginLimits.ts.
 */
export function authRoutes(context: ServiceContext, realtime: Realtime, loginLimits: RequestHandler[]): Router {
  const router = Router();
  const auth = requireAuth(context);
  const authDuringPasswordChange = requireAuth(context, { duringPasswordChange: true });

  router.post("/auth/login", ...loginLimits, async (req, res) => {
    const body = parse(LoginBody, req.body, "body");
    res.json(await login(context, body));
  });
  router.post("/auth/logout", authDuringPasswordChange, async (_req, res) => {
    const session = sessionOf(res);
    await logout(context, session.tokenHash);
    realtime.endSession(session.tokenHash);
    res.status(204).end();
  });
  router.get("/auth/me", authDuringPasswordChange, async (_req, res) => {
    const user = await context.store.getUser(actorOf(res).userId);
    if (!user) throw errors.unauthenticated("This account no longer exists.");
    res.json(presentUser(user));
  });
  router.post("/auth/revoke", auth, async (req, res) => {
    const { userId } = parse(RevokeBody, req.body, "body");
    const revoked = await revokeUserSessions(context, actorOf(res), userId);
    realtime.endUserSessions(userId);
    res.json({ revoked });
  });
  router.post("/auth/password", authDuringPasswordChange, ...loginLimits, async (req, res) => {
    const session = sessionOf(res);
    const result = await changeOwnPassword(context, session, parse(ChangePasswordBody, req.body, "body"));
    // Sockets of the other sessions go now, on every instance; this session's stay.
    realtime.endUserSessions(session.actor.userId, session.tokenHash);
    res.json(result);
  });

  router.post("/users", auth, async (req, res) => {
    res.status(201).json(await createUser(context, actorOf(res), parse(CreateUserBody, req.body, "body")));
  });
  router.get("/users", auth, async (_req, res) => {
    res.json({ users: await listUsers(context, actorOf(res)) });
  });
  router.post("/users/:id/password", auth, async (req, res) => {
    const result = await resetPassword(context, actorOf(res), param(req, "id"), parse(ResetPasswordBody, req.body, "body"));
    realtime.endUserSessions(result.userId);
    res.json(result);
  });
  return router;
}
