// Builds the express app without listening, so tests and the composition root can both mount it.
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import compression from "compression";
import express, { type NextFunction, type Request, type Response } from "express";
import type { ClientConfigView, HealthView } from "../../shared/api";
import { LIMITS } from "../../shared/schemas";
import { AppError, errors, toErrorBody } from "../core/errors";
import type { Realtime } from "../realtime/types";
import type { ServiceContext } from "../services/context";
import { authRoutes } from "./routes/auth";
import { firegroundRoutes } from "./routes/fireground";
import { caseRoutes, publicCaseRoutes } from "./routes/cases";
import { explanationRoutes, publicApiRoutes, publicPageRoutes } from "./routes/explanations";
import { operationRoutes } from "./routes/operations";

const VERSION = "0.1.0";

export function buildApp(context: ServiceContext, realtime: Realtime): express.Express {
  const app = express();
  const startedAt = Date.now();
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback");
  // JSON, pages and the built client are compressed when the client accepts it (socket.io has its own).
  app.use(compression());

  app.use((req, res, next) => {
    res.locals.requestId = req.get("x-request-id")?.slice(0, 64) || randomUUID();
    res.setHeader("x-request-id", res.locals.requestId as string);
    next();
  });
  // Before the API's body parser: public requests are rate-limited before their bodies are read.
  app.use("/api/v1", publicCaseRoutes(context));
  app.use("/api", express.json({ limit: LIMITS.bodyBytes, strict: true, type: () => true }));

  const api = express.Router();
  api.get("/health", async (_req, res) => {
    const ping = await context.store.ping().catch((error: unknown) => ({ ok: false, detail: String(error) }));
    const health: HealthView = {
      status: ping.ok ? "ok" : "degraded",
      store: {
        kind: context.store.kind,
        location: context.store.location,
        ok: ping.ok,
        ...(ping.detail ? { detail: ping.detail } : {}),
      },
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      version: VERSION,
    };
    res.status(ping.ok ? 200 : 503).json(health);
  });
  api.get("/config", (_req, res) => {
    const { config } = context;
    const view: ClientConfigView = {
      tileUrl: config.tileUrl,
      tileAttribution: config.tileAttribution,
      timeZone: config.timeZone,
      mapCenter: config.mapCenter,
      mapZoom: config.mapZoom,
      realertSeconds: config.realertSeconds,
      overdueSeconds: config.overdueSeconds,
      lostContactSeconds: config.lostContactSeconds,
    };
    res.json(view);
  });
  api.use(authRoutes(context, realtime));
  api.use(firegroundRoutes(context));
  api.use(publicApiRoutes(context));
  api.use(explanationRoutes(context));
  api.use(operationRoutes(context));
  api.use(caseRoutes(context));
  api.use(() => {
    throw new AppError("not_found", "No such API route; see the README for the contract.");
  });
  app.use("/api/v1", api);
  app.use("/api", () => {
    throw errors.notFound("This API version");
  });

  app.use(publicPageRoutes(context));

  // The built client, with the SPA fallback so deep links and reloads work.
  const indexFile = path.join(context.config.clientDir, "index.html");
  if (fs.existsSync(indexFile)) {
    app.use(express.static(context.config.clientDir, { index: false, maxAge: "1h" }));
    // A missing file (/favicon.ico, an old asset) is a 404, not the page: only routes without an extension are the app's.
    app.get(/^\/(?!api\/|socket\.io\/)[^.]*\.[a-z0-9]+$/i, (_req, res) => {
      res.status(404).type("text").send("Not found");
    });
    app.get(/^\/(?!api\/|socket\.io\/).*/, (_req, res) => {
      res.setHeader("cache-control", "no-cache");
      res.sendFile(indexFile);
    });
  } else {
    app.get("/", (_req, res) => {
      res.type("text").send("The client is not built: run `npm run build` (npm start does it for you).");
    });
  }

  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const requestId = res.locals.requestId as string | undefined;
    const mapped = toErrorBody(translateBodyParserError(error), requestId);
    if (mapped.unexpected) {
      context.logger.error("unhandled error", { requestId, error: error instanceof Error ? error.stack : String(error) });
    }
    res.status(mapped.status).json(mapped.body);
  });
  return app;
}

/** body-parser reports its failures as errors with a `type`; give them our stable codes. */
function translateBodyParserError(error: unknown): unknown {
  const type = (error as { type?: unknown } | null)?.type;
  if (type === "entity.parse.failed") {
    return new AppError("malformed_json", "The request body must be a JSON object or array, and valid JSON.");
  }
  if (type === "entity.too.large") {
    return new AppError("payload_too_large", `The request body is larger than ${LIMITS.bodyBytes / 1024} KB.`);
  }
  if (type === "encoding.unsupported" || type === "charset.unsupported") {
    return errors.validation("The request body must be UTF-8 JSON.");
  }
  return error;
}
