// Builds the express app without listening, so tests and the composition root can both mount it.
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import compression from "compression";
import express, { type NextFunction, type Request, type Response } from "express";
import helmet from "helmet";
import type { ClientConfigView, HealthView } from "../../shared/api";
import { can } from "../../shared/policy";
import { hasLoneSurrogate, LIMITS } from "../../shared/schemas";
import { AppError, errors, toErrorBody } from "../core/errors";
import { runWithLogContext } from "../logger";
import type { Realtime } from "../realtime/types";
import { authenticate } from "../services/auth";
import type { CheckpointService } from "../services/checkpoints";
import type { ServiceContext } from "../services/context";
import { loginLimiters, type RedisConnection } from "./loginLimits";
import { precompressedAssets } from "./staticAssets";
import { bearerToken } from "./helpers";
import { authRoutes } from "./routes/auth";
import { firegroundRoutes } from "./routes/fireground";
import { caseRoutes, publicCaseRoutes } from "./routes/cases";
import { explanationRoutes, publicApiRoutes, publicPageRoutes } from "./routes/explanations";
import { evidenceRoutes } from "./routes/evidence";
import { operationRoutes } from "./routes/operations";

const VERSION = "0.1.0";
const HEALTH_PROBE_REUSE_MS = 1000;

export interface AppOptions {
  /** Shared rate-limit counters (REDIS_URL): logins and the public routes. */
  redis?: RedisConnection;
}

export function buildApp(
  context: ServiceContext,
  realtime: Realtime,
  checkpoints: CheckpointService,
  options: AppOptions = {},
): express.Express {
  const app = express();
  const startedAt = Date.now();
  app.disable("x-powered-by");
  // Only a configured proxy may set the client address (X-Forwarded-For); otherwise it is the socket's peer.
  app.set("trust proxy", context.config.trustProxy);

  app.use((req, res, next) => {
    const requestId = req.get("x-request-id")?.replace(/[^\w.:-]/g, "").slice(0, 64) || randomUUID();
    res.locals.requestId = requestId;
    res.setHeader("x-request-id", requestId);
    const started = process.hrtime.bigint();
    // The path without the query string: queries can carry callers' numbers and addresses.
    res.on("finish", () =>
      context.logger.info("request", {
        requestId,
        method: req.method,
        path: req.path,
        status: res.statusCode,
        ms: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
      }),
    );
    // Every line logged while this request is handled, by any service, carries its id.
    runWithLogContext({ requestId }, next);
  });
  app.use(helmet(helmetOptions(context.config.tileUrl)));
  app.use(compression());
  // API answers carry callers' names, numbers and locations, and residents' case access codes: never kept by a
  // browser or a shared cache. Only the public client configuration may be.
  app.use("/api", (req, res, next) => {
    if (req.path !== "/v1/config") res.setHeader("cache-control", "no-store");
    next();
  });
  // Before the API's body parser: public requests are rate-limited before their bodies are read.
  app.use("/api/v1", publicCaseRoutes(context, options.redis));
  app.use("/api", express.json({ limit: LIMITS.bodyBytes, strict: true, type: () => true, reviver: refuseLoneSurrogates }));

  const api = express.Router();
  // One probe a second at most, shared by concurrent callers: anonymous polling must not turn into write load.
  let lastProbe: { at: number; result: Promise<{ ok: boolean; detail?: string }> } | undefined;
  const probeStore = () => {
    const now = Date.now();
    if (!lastProbe || now - lastProbe.at >= HEALTH_PROBE_REUSE_MS) {
      lastProbe = { at: now, result: context.store.ping().catch((error: unknown) => ({ ok: false, detail: String(error) })) };
    }
    return lastProbe.result;
  };
  api.get("/health", async (req, res) => {
    const ping = await probeStore();
    const health: HealthView = { status: ping.ok ? "ok" : "degraded" };
    // Anyone may ask whether the server is up; where the data lives, the version and the store's error are for admins.
    if (await isAdmin(context, req.get("authorization"))) {
      health.store = {
        kind: context.store.kind,
        location: context.store.location,
        ok: ping.ok,
        ...(ping.detail ? { detail: ping.detail } : {}),
      };
      health.uptimeSeconds = Math.round((Date.now() - startedAt) / 1000);
      health.version = VERSION;
    }
    if (!ping.ok) context.logger.warn("health check failed", { detail: ping.detail });
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
  api.use(authRoutes(context, realtime, loginLimiters(context.config, context.logger, options.redis)));
  api.use(firegroundRoutes(context));
  api.use(publicApiRoutes(context, options.redis));
  api.use(explanationRoutes(context, checkpoints));
  api.use(evidenceRoutes(context, checkpoints));
  api.use(operationRoutes(context));
  api.use(caseRoutes(context));
  api.use(() => {
    throw new AppError("not_found", "No such API route; see the README for the contract.");
  });
  app.use("/api/v1", api);
  app.use("/api", () => {
    throw errors.notFound("This API version");
  });

  app.use(publicPageRoutes(context, options.redis));

  // The built client, with the SPA fallback so deep links and reloads work.
  const indexFile = path.join(context.config.clientDir, "index.html");
  if (fs.existsSync(indexFile)) {
    app.use(precompressedAssets(context.config.clientDir));
    app.use(
      express.static(context.config.clientDir, {
        index: false,
        maxAge: "1h",
        // Hashed build output never changes under its name; sw.js, the icon and the page itself do.
        setHeaders: (res, filePath) => {
          if (path.basename(path.dirname(filePath)) === "assets") res.setHeader("Cache-Control", "public, max-age=31536000, immutable");
        },
      }),
    );
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
    const unavailable = context.store.isUnavailableError(error);
    const mapped = toErrorBody(
      unavailable ? errors.storeUnavailable() : translateBodyParserError(error),
      requestId,
    );
    const log = context.logger;
    if (unavailable) log.warn("store unavailable", { requestId, error: error instanceof Error ? error.message : String(error) });
    if (mapped.unexpected) log.error("unhandled error", { requestId, error: error instanceof Error ? error.stack : String(error) });
    res.status(mapped.status).json(mapped.body);
  });
  return app;
}

async function isAdmin(context: ServiceContext, authorization: string | undefined): Promise<boolean> {
  const token = bearerToken(authorization);
  if (!token) return false;
  // A bad token or a failing store just means no details: /health must answer either way.
  const session = await authenticate(context, token).catch(() => null);
  return session ? can.readHealthDetails(session.actor) : false;
}

/**
 * Headers for a same-origin app: scripts and styles only from here (the Vite build has no inline script),
 * map tiles from TILE_URL's origin, never framed. Style attributes are allowed because Leaflet's markers set
 * positions in their HTML; a style attribute cannot run code.
 */
function helmetOptions(tileUrl: string): Parameters<typeof helmet>[0] {
  const tileOrigin = tileSource(tileUrl);
  return {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        styleSrcAttr: ["'unsafe-inline'"],
        imgSrc: ["'self'", "data:", "blob:", ...(tileOrigin ? [tileOrigin] : [])],
        fontSrc: ["'self'", "data:"],
        // 'self' covers same-origin ws:/wss: for socket.io in current browsers.
        connectSrc: ["'self'"],
        workerSrc: ["'self'"],
        manifestSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    frameguard: { action: "deny" },
    // Tile servers (OpenStreetMap's among them) refuse requests without a Referer; send only our origin.
    referrerPolicy: { policy: "strict-origin-when-cross-origin" },
    strictTransportSecurity: { maxAge: 15_552_000, includeSubDomains: false },
  };
}

/** TILE_URL's origin as a CSP source: `https://{s}.tile.example.org/...` gives `https://*.tile.example.org`. */
export function tileSource(tileUrl: string): string | null {
  try {
    const withWildcard = tileUrl.replace(/\{s\}/g, "subdomain-wildcard");
    const url = new URL(withWildcard);
    if (url.protocol !== "http:" && url.protocol !== "https:") return null;
    return `${url.protocol}//${url.host.replace("subdomain-wildcard", "*")}`;
  } catch {
    return null; // a relative TILE_URL is served from here: 'self' covers it
  }
}

const LONE_SURROGATE_MESSAGE = "contains an unpaired UTF-16 surrogate (not valid text)";

/**
 * The shared schemas' text() refuses lone surrogates field by field; this refuses them in every REST body at
 * parse time too, so a route whose schema has plain strings (an EIDO document's many fields) cannot store one.
 */
function refuseLoneSurrogates(key: string, value: unknown): unknown {
  if (hasLoneSurrogate(key) || (typeof value === "string" && hasLoneSurrogate(value))) {
    // body-parser keeps only the message of what the reviver throws: the field name travels in it.
    const field = /^[A-Za-z_$][\w$]{0,63}$/.test(key) ? key : "body";
    throw new Error(`Field "${field}" ${LONE_SURROGATE_MESSAGE}.`);
  }
  return value;
}

/** body-parser reports its failures as errors with a `type`; give them our stable codes. */
function translateBodyParserError(error: unknown): unknown {
  const type = (error as { type?: unknown } | null)?.type;
  const message = error instanceof Error ? error.message : "";
  if (type === "entity.parse.failed" && message.includes(LONE_SURROGATE_MESSAGE)) {
    const field = /^Field "([^"]+)"/.exec(message)?.[1] ?? "body";
    return errors.validation(`Invalid body: ${field} ${LONE_SURROGATE_MESSAGE}`, [{ path: field, message: LONE_SURROGATE_MESSAGE }]);
  }
  if (type === "entity.parse.failed") {
    return new AppError("malformed_json", "The request body must be a JSON object or array, and valid JSON.");
  }
  if (type === "entity.too.large") {
    return new AppError("payload_too_large", `The request body is larger than ${LIMITS.bodyBytes / 1024} KB.`);
  }
  if (type === "encoding.unsupported" || type === "charset.unsupported") {
    return errors.validation("The request body must be UTF-8 JSON.");
  }
  // zlib failed on a body whose Content-Encoding (gzip, deflate, br) does not match its bytes: the client's fault.
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && /^(Z_|ERR_ZLIB|ERR__?BROTLI)/.test(code)) {
    return new AppError("malformed_body_encoding", "The request body does not match its Content-Encoding.");
  }
  // The router could not percent-decode a path parameter (e.g. `%E0%A4%A`).
  if (error instanceof URIError) {
    return new AppError("malformed_path", "The request path has a malformed percent-encoding.");
  }
  return error;
}
