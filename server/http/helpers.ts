import type { NextFunction, Request, Response } from "express";
import type { z } from "zod";
import type { Actor } from "../../shared/events";
import { fromZodError } from "../core/errors";
import { authenticate, type AuthenticatedSession } from "../services/auth";
import type { ServiceContext } from "../services/context";

export function parse<T extends z.ZodType>(schema: T, value: unknown, where: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw fromZodError(result.error, where);
  return result.data;
}

export function bearerToken(header: string | undefined): string | undefined {
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1];
}

/**
 * Sets res.locals.session or answers 401; every route but login, health and config sits behind it. Only the routes
 * a user needs to choose their own password (who am I, change it, log out) pass `duringPasswordChange`.
 */
export function requireAuth(context: ServiceContext, options: { duringPasswordChange?: boolean } = {}) {
  return async (req: Request, res: Response, next: NextFunction) => {
    res.locals.session = await authenticate(context, bearerToken(req.get("authorization")), options);
    next();
  };
}

export function sessionOf(res: Response): AuthenticatedSession {
  return res.locals.session as AuthenticatedSession;
}

export function actorOf(res: Response): Actor {
  return sessionOf(res).actor;
}

/** Express keeps route params as strings; validate them like any other input. */
export function param(req: Request, name: string): string {
  const value = req.params[name];
  return typeof value === "string" ? value : "";
}
