// Residents' cases over REST. The public routes (no account) are mounted before the API's JSON parser: a flood is
// counted and refused per address before any body is parsed or anything reaches the store or the write queue,
// so the console keeps its speed. Staff routes sit behind login and the policy (readCases / handleCases).
import express, { Router, type NextFunction, type Request, type Response } from "express";
import { rateLimit, type ClientRateLimitInfo, type Store as RateLimitStore } from "express-rate-limit";
import { BoardQuery, CaseActionBodies, PublicCaseBody, PublicReviewBody, RegisterCaseBody, type CaseAction } from "../../../shared/cases";
import { AppError } from "../../core/errors";
import type { Clock } from "../../core/time";
import { actOnCase, caseBoard, fileCaseOnline, getCase, readCaseAsResident, registerCase, requestReviewOnline } from "../../services/cases";
import type { ServiceContext } from "../../services/context";
import { actorOf, param, parse, requireAuth } from "../helpers";
import { sharedLimitStore, type RedisConnection } from "../loginLimits";

/** Public bodies are a few kilobytes of text at most. */
const PUBLIC_BODY_LIMIT = "16kb";

/**
 * express-rate-limit's counter on the server's clock, so a test can move time past the window instead of
 * waiting. Fixed windows per key; expired keys are dropped as they are met and on a sweep when the map grows.
 */
class ClockRateLimitStore implements RateLimitStore {
  private readonly hits = new Map<string, { count: number; resetAt: number }>();
  private windowMs = 60_000;
  readonly localKeys = true;

  constructor(private readonly clock: Clock) {}

  init(options: { windowMs: number }): void {
    this.windowMs = options.windowMs;
  }

  increment(key: string): ClientRateLimitInfo {
    const now = this.clock().getTime();
    if (this.hits.size > 10_000) {
      for (const [candidate, entry] of this.hits) if (entry.resetAt <= now) this.hits.delete(candidate);
    }
    let entry = this.hits.get(key);
    if (!entry || entry.resetAt <= now) {
      entry = { count: 0, resetAt: now + this.windowMs };
      this.hits.set(key, entry);
    }
    entry.count += 1;
    return { totalHits: entry.count, resetTime: new Date(entry.resetAt) };
  }

  get(key: string): ClientRateLimitInfo | undefined {
    const entry = this.hits.get(key);
    return entry ? { totalHits: entry.count, resetTime: new Date(entry.resetAt) } : undefined;
  }

  decrement(key: string): void {
    const entry = this.hits.get(key);
    if (entry && entry.count > 0) entry.count -= 1;
  }

  resetKey(key: string): void {
    this.hits.delete(key);
  }
}

/** The access code travels in a header (preferred: it stays out of logs) or in the query (`?code=`). */
function accessCodeOf(req: Request): string | undefined {
  const header = req.get("x-access-code");
  if (header) return header.slice(0, 64);
  const query = req.query.code;
  return typeof query === "string" ? query.slice(0, 64) : undefined;
}

/**
 * `redis` (REDIS_URL): the counters are shared by every instance, so a client the load balancer spreads over them
 * gets no more tries at case codes than from one. If Redis cannot be reached the lookups are refused (503), like
 * logins: the limit guards the access codes, and must not lapse with Redis.
 */
export function publicCaseRoutes(context: ServiceContext, redis?: RedisConnection): Router {
  const router = Router();
  const limiter = rateLimit({
    windowMs: context.config.publicRateWindowSeconds * 1000,
    limit: context.config.publicRateLimit,
    standardHeaders: "draft-7",
    legacyHeaders: false,
    store: redis ? sharedLimitStore(redis, "public-cases:") : new ClockRateLimitStore(context.clock),
    handler: (_req: Request, _res: Response, next: NextFunction) =>
      next(new AppError("rate_limited", "Too many requests from this address; try again later.")),
  });
  const failClosed = (req: Request, res: Response, next: NextFunction) =>
    limiter(req, res, (error?: unknown) => {
      if (!error || error instanceof AppError) return next(error);
      context.logger.warn("public case limiter unavailable", { error: error instanceof Error ? error.message : String(error) });
      next(new AppError("store_unavailable", "Cases cannot be looked up right now; try again shortly."));
    });
  // Only the case routes: published explanations have their own limiter and must not use up a resident's tries.
  router.use("/public/cases", failClosed, express.json({ limit: PUBLIC_BODY_LIMIT, strict: true, type: () => true }));

  router.post("/public/cases", async (req, res) => {
    res.status(201).json(await fileCaseOnline(context, parse(PublicCaseBody, req.body, "body")));
  });
  router.get("/public/cases/:caseNumber", async (req, res) => {
    res.setHeader("cache-control", "no-store");
    res.json(await readCaseAsResident(context, param(req, "caseNumber"), accessCodeOf(req)));
  });
  router.post("/public/cases/:caseNumber/reviews", async (req, res) => {
    const { reason } = parse(PublicReviewBody, req.body, "body");
    res.json(await requestReviewOnline(context, param(req, "caseNumber"), accessCodeOf(req), reason));
  });
  return router;
}

/** Staff routes: `POST /cases/:caseNumber/<action>` for every step of the workflow. */
const ACTION_PATHS: Record<CaseAction, string> = {
  accept: "accept",
  refer: "refer",
  assign: "assign",
  step: "steps",
  link: "links",
  extend: "extend",
  pause: "pause",
  resume: "resume",
  answer: "answer",
  review: "reviews",
  answerReview: "review-answer",
};

export function caseRoutes(context: ServiceContext): Router {
  const router = Router();
  const auth = requireAuth(context);

  router.get("/cases", auth, async (req, res) => {
    const { status } = parse(BoardQuery, req.query, "query");
    res.json(await caseBoard(context, actorOf(res), status));
  });
  router.post("/cases", auth, async (req, res) => {
    res.status(201).json(await registerCase(context, actorOf(res), parse(RegisterCaseBody, req.body, "body")));
  });
  router.get("/cases/:caseNumber", auth, async (req, res) => {
    res.json(await getCase(context, actorOf(res), param(req, "caseNumber")));
  });
  for (const action of Object.keys(ACTION_PATHS) as CaseAction[]) {
    router.post(`/cases/:caseNumber/${ACTION_PATHS[action]}`, auth, async (req, res) => {
      const body = parse(CaseActionBodies[action], req.body ?? {}, "body");
      res.json(await actOnCase(context, actorOf(res), param(req, "caseNumber"), action, body));
    });
  }
  return router;
}
