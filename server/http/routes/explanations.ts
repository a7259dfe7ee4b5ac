// Public explanations: the PR search and the draft -> review -> publish workflow for staff, and the two public
// routes (JSON and the server-rendered page), which need no login, are rate-limited and cacheable.
import { Router, type Request } from "express";
import { rateLimit } from "express-rate-limit";
import QRCode from "qrcode";
import {
  CreateExplanationBody,
  EditExplanationBody,
  ExplanationListQuery,
  ExplanationOpBody,
  Id,
  IncidentSearchQuery,
  PublicExplanationQuery,
  ReturnExplanationBody,
  ReviewExplanationBody,
  WithdrawExplanationBody,
} from "../../../shared/schemas";
import { z } from "zod";
import { AppError } from "../../core/errors";
import type { ServiceContext } from "../../services/context";
import {
  createExplanation,
  editExplanation,
  getExplanation,
  getPublicExplanation,
  listExplanations,
  publishExplanation,
  reviewExplanation,
  searchIncidents,
  submitExplanation,
  withdrawExplanation,
} from "../../services/explanations";
import type { CheckpointService } from "../../services/checkpoints";
import { actorOf, param, parse, requireAuth } from "../helpers";
import { sharedLimitStore, type RedisConnection } from "../loginLimits";
import { PAGE_CSS, PAGE_CSS_PATH, pageLanguage, renderPublicPage } from "../publicPage";

/** Published versions never change; a correction is a new version, a withdrawal shows within a minute. */
const PUBLIC_CACHE = "public, max-age=60";
const Token = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, "not a page address");

function originOf(context: ServiceContext, req: Request): string {
  return context.config.publicBaseUrl ?? `${req.protocol}://${req.get("host") ?? "localhost"}`;
}

/** Staff routes; each names its own auth, because this router is mounted before the catch-all authenticated one. */
export function explanationRoutes(context: ServiceContext, checkpoints: CheckpointService): Router {
  const router = Router();
  const auth = requireAuth(context);
  const id = (value: string) => parse(Id, value, "explanation id");

  router.get("/incidents/search", auth, async (req, res) => {
    res.json(await searchIncidents(context, actorOf(res), parse(IncidentSearchQuery, req.query, "query")));
  });
  router.post("/incidents/:id/explanations", auth, async (req, res) => {
    const incidentId = parse(Id, param(req, "id"), "incident id");
    res.status(201).json(await createExplanation(context, actorOf(res), incidentId, parse(CreateExplanationBody, req.body, "body")));
  });
  router.get("/explanations", auth, async (req, res) => {
    res.json(await listExplanations(context, actorOf(res), parse(ExplanationListQuery, req.query, "query")));
  });
  router.get("/explanations/:id", auth, async (req, res) => {
    res.json(await getExplanation(context, actorOf(res), id(param(req, "id"))));
  });
  router.put("/explanations/:id", auth, async (req, res) => {
    res.json(await editExplanation(context, actorOf(res), id(param(req, "id")), parse(EditExplanationBody, req.body, "body")));
  });
  router.post("/explanations/:id/submit", auth, async (req, res) => {
    const { opId } = parse(ExplanationOpBody, req.body, "body");
    res.json(await submitExplanation(context, actorOf(res), id(param(req, "id")), opId));
  });
  router.post("/explanations/:id/approve", auth, async (req, res) => {
    res.json(await reviewExplanation(context, actorOf(res), id(param(req, "id")), "approved", parse(ReviewExplanationBody, req.body, "body")));
  });
  router.post("/explanations/:id/return", auth, async (req, res) => {
    res.json(await reviewExplanation(context, actorOf(res), id(param(req, "id")), "returned", parse(ReturnExplanationBody, req.body, "body")));
  });
  router.post("/explanations/:id/publish", auth, async (req, res) => {
    const { opId } = parse(ExplanationOpBody, req.body, "body");
    res.json(await publishExplanation(context, actorOf(res), id(param(req, "id")), opId, originOf(context, req), checkpoints));
  });
  router.post("/explanations/:id/withdraw", auth, async (req, res) => {
    res.json(await withdrawExplanation(context, actorOf(res), id(param(req, "id")), parse(WithdrawExplanationBody, req.body, "body")));
  });
  return router;
}

/**
 * Per client address. With REDIS_URL (`redis`) the counters are shared by every instance under `prefix`; if Redis
 * cannot be reached the pages are served unlimited meanwhile (they are public and carry nothing secret), and that
 * is logged.
 */
function publicLimiter(context: ServiceContext, redis: RedisConnection | undefined, prefix: string) {
  return rateLimit({
    windowMs: 60_000,
    limit: context.config.publicRequestsPerMinute,
    standardHeaders: "draft-8",
    legacyHeaders: false,
    ...(redis ? { store: sharedLimitStore(redis, prefix), passOnStoreError: true } : {}),
    logger: {
      warn: (error, message) => context.logger.warn(message ?? "public page limiter warning", { error: String(error) }),
      error: (error, message) => context.logger.warn(message ?? "public page limiter unavailable", { error: String(error) }),
    },
    handler: (_req, _res, next) => next(new AppError("rate_limited", "Too many requests for public pages; try again in a minute.")),
  });
}

/** `GET /api/v1/public/explanations/:token`: mounted on the API router, no login. */
export function publicApiRoutes(context: ServiceContext, redis?: RedisConnection): Router {
  const router = Router();
  router.get("/public/explanations/:token", publicLimiter(context, redis, "public-explanations:"), async (req, res) => {
    const token = parse(Token, param(req, "token"), "page address");
    const { version } = parse(PublicExplanationQuery, req.query, "query");
    const view = await getPublicExplanation(context, token, version);
    res.setHeader("cache-control", PUBLIC_CACHE);
    res.json(view);
  });
  return router;
}

/** `GET /p/:token`: the page itself, server-rendered, readable with JavaScript off. */
export function publicPageRoutes(context: ServiceContext, redis?: RedisConnection): Router {
  const router = Router();
  const PageQuery = z.strictObject({
    lang: z.string().max(10).optional(),
    v: z.coerce.number().int().min(1).max(1000).optional(),
  });
  router.get(PAGE_CSS_PATH, (_req, res) => {
    res.type("text/css").setHeader("cache-control", "public, max-age=3600");
    res.send(PAGE_CSS);
  });
  router.get("/p/:token", publicLimiter(context, redis, "public-pages:"), async (req, res) => {
    const token = parse(Token, param(req, "token"), "page address");
    const query = parse(PageQuery, req.query, "query");
    const view = await getPublicExplanation(context, token, query.v);
    const pagePath = `/p/${token}`;
    const pageUrl = `${originOf(context, req)}${pagePath}`;
    const qrSvg = await QRCode.toString(pageUrl, { type: "svg", margin: 2, errorCorrectionLevel: "M" });
    const html = renderPublicPage({
      view,
      language: pageLanguage(view, query.lang),
      pageUrl,
      pagePath,
      qrSvg,
      timeZone: context.config.timeZone,
      askPath: `/cases/new?${new URLSearchParams({ explanationToken: token, incident: view.incidentNumber }).toString()}`,
    });
    res.setHeader("cache-control", PUBLIC_CACHE);
    res.type("html").send(html);
  });
  return router;
}
