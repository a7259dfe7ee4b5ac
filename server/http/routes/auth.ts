import { Router, type RequestHandler } from "express";
import { CreateUserBody, LoginBody, RevokeBody } from "../../../shared/schemas";
import { errors } from "../../core/errors";
import { presentUser } from "../../services/presenters";
import { createUser, listUsers, login, logout, revokeUserSessions } from "../../services/auth";
import type { ServiceContext } from "../../services/context";
import type { Realtime } from "../../realtime/types";
import { actorOf, parse, requireAuth, sessionOf } from "../helpers";

/** `loginLimits` run before a login is even parsed: see loginLimits.ts. */
export function authRoutes(context: ServiceContext, realtime: Realtime, loginLimits: RequestHandler[]): Router {
  const router = Router();
  const auth = requireAuth(context);

  router.post("/auth/login", ...loginLimits, async (req, res) => {
    const body = parse(LoginBody, req.body, "body");
    res.json(await login(context, body));
  });
  router.post("/auth/logout", auth, async (_req, res) => {
    const session = sessionOf(res);
    await logout(context, session.tokenHash);
    realtime.endSession(session.tokenHash);
    res.status(204).end();
  });
  router.get("/auth/me", auth, async (_req, res) => {
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

  router.post("/users", auth, async (req, res) => {
    res.status(201).json(await createUser(context, actorOf(res), parse(CreateUserBody, req.body, "body")));
  });
  router.get("/users", auth, async (_req, res) => {
    res.json({ users: await listUsers(context, actorOf(res)) });
  });
  return router;
}
