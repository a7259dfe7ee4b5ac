// Configuration comes from the environment only; every setting is documented in the README.
import path from "node:path";
import { INCIDENT_TYPES, type IncidentType } from "../shared/domain";
import type { LogLevel } from "./logger";

export interface DuplicateWindow {
  /** Within this distance and time a call is a strong candidate; up to twice the distance, a possible one. */
  radiusM: number;
  windowMinutes: number;
}

export interface AppConfig {
  port: number;
  host: string;
  dataDir: string;
  sqliteFile?: string;
  mongoUrl?: string;
  /** With REDIS_URL: how long the alert lease lasts without renewal (the holder renews it every second). */
  alertLeaseSeconds: number;
  adminUsername?: string;
  adminPassword?: string;
  /** Seed a demo roster and one account per role on an empty database (when no admin is configured). */
  seedDemo: boolean;
  /** Session length; fractional hours are allowed (tests use seconds). */
  tokenTtlHours: number;
  /** A unit's position is written (and broadcast) at most once per this many ms; the latest report wins. */
  positionWriteMs: number;
  /** Open sockets one session may hold at once; one more is refused with `too_many_connections`. */
  maxSocketsPerSession: number;
  /** Events one `sync` replays at most; the client then syncs again from the returned position. */
  syncMaxEvents: number;
  /** How long an operation record answers a retried opId (a tablet offline overnight must get its first answer). */
  opRetentionHours: number;
  /** How often the maintenance task prunes expired operation records and sessions. */
  maintenanceMinutes: number;
  /** Failed logins per account per window (whatever address they come from). */
  loginAttemptsPerWindow: number;
  /** Failed logins per client address per window (whatever usernames they try). */
  loginAttemptsPerAddress: number;
  loginWindowSeconds: number;
  /** Requests per client address and window on the public case routes (filing and status lookups together). */
  publicRateLimit: number;
  publicRateWindowSeconds: number;
  /** Requests per minute and client address to the public explanation pages and JSON. */
  publicRequestsPerMinute: number;
  /** The address residents reach this server at (QR codes, publish answers); else the request's own host. */
  publicBaseUrl?: string;
  /** Express "trust proxy": false unless TRUST_PROXY says which proxies may set X-Forwarded-For. */
  trustProxy: boolean | number | string;
  /**
   * Several app instances over one store: socket.io goes through this Redis (Streams adapter), and the login rate
   * limits are counted there.
   */
  redisUrl?: string;
  realertSeconds: number;
  overdueSeconds: number;
  lostContactSeconds: number;
  travelSpeedKmh: number;
  duplicateWindows: Record<IncidentType, DuplicateWindow>;
  tileUrl: string;
  tileAttribution: string;
  timeZone: string;
  mapCenter: { lat: number; lng: number };
  mapZoom: number;
  /** Built client to serve; absent in tests that do not need it. */
  clientDir: string;
  logLevel: LogLevel;
  /** Our agency identifier in EIDO documents we send (NENA-STA-010 style, a domain name). */
  eidoAgencyId: string;
  /** Signed checkpoint files; keep them apart from the data (another disk, a write-once mount, a copy elsewhere). */
  checkpointDir: string;
  /** 0: only at shutdown and when an evidence bundle is requested. */
  checkpointIntervalSeconds: number;
  /** CHECKPOINT_KEY: the Ed25519 signing key itself (PEM or base64 PKCS#8), e.g. from a secret store. */
  checkpointKey?: string;
  /** Used when checkpointKey is absent; created on first start. */
  checkpointKeyFile: string;
  /** CHECKPOINT_PUBLIC_KEY: what verify-log trusts instead of deriving it from the signing key. */
  checkpointPublicKey?: string;
}

/** Defaults per incident type: near 80 m / 10 min for building fires, kilometres for wildland. */
export const DEFAULT_DUPLICATE_WINDOWS: Record<IncidentType, DuplicateWindow> = {
  structure_fire: { radiusM: 80, windowMinutes: 10 },
  vehicle_fire: { radiusM: 150, windowMinutes: 10 },
  outside_fire: { radiusM: 300, windowMinutes: 20 },
  wildland_fire: { radiusM: 3000, windowMinutes: 60 },
  alarm: { radiusM: 80, windowMinutes: 10 },
  hazmat: { radiusM: 300, windowMinutes: 30 },
  rescue: { radiusM: 150, windowMinutes: 15 },
  medical: { radiusM: 50, windowMinutes: 10 },
  service: { radiusM: 50, windowMinutes: 10 },
  other: { radiusM: 100, windowMinutes: 10 },
};

type Env = Record<string, string | undefined>;

function numberFrom(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new Error(`${name} must be a number, got "${raw}"`);
  return value;
}

/** DUPLICATE_WINDOWS="structure_fire=80:10,wildland_fire=5000:90" overrides per type. */
function duplicateWindowsFrom(raw: string | undefined): Record<IncidentType, DuplicateWindow> {
  const windows = { ...DEFAULT_DUPLICATE_WINDOWS };
  if (!raw) return windows;
  for (const entry of raw.split(",")) {
    const match = /^\s*([a-z_]+)=(\d+):(\d+)\s*$/.exec(entry);
    const type = match?.[1] as IncidentType | undefined;
    if (!match || !type || !INCIDENT_TYPES.includes(type)) {
      throw new Error(`DUPLICATE_WINDOWS entry "${entry}" must look like structure_fire=80:10`);
    }
    windows[type] = { radiusM: Number(match[2]), windowMinutes: Number(match[3]) };
  }
  return windows;
}

/**
 * TRUST_PROXY: unset, empty or "false" trusts no proxy (X-Forwarded-For is ignored, so nobody can pick their own
 * rate-limit bucket); "true" trusts every hop (only behind a proxy that overwrites the header); a number is how
 * many hops to trust; anything else is express's list of addresses/subnets or names (`loopback`, `10.0.0.0/8`).
 */
function trustProxyFrom(raw: string | undefined): boolean | number | string {
  const value = raw?.trim() ?? "";
  if (value === "" || value === "false") return false;
  if (value === "true") return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}

export function loadConfig(env: Env = process.env, overrides: Partial<AppConfig> = {}): AppConfig {
  const dataDir = path.resolve(env.DATA_DIR || "./data");
  const [centerLat, centerLng] = (env.MAP_CENTER || "37.7749,-122.4194").split(",").map(Number);
  const logLevel = (env.LOG_LEVEL || "info") as AppConfig["logLevel"];
  const config: AppConfig = {
    port: numberFrom(env, "PORT", 3000),
    host: env.HOST || "0.0.0.0",
    dataDir,
    ...(env.SQLITE_FILE ? { sqliteFile: path.resolve(env.SQLITE_FILE) } : {}),
    ...(env.MONGO_URL ? { mongoUrl: env.MONGO_URL } : {}),
    alertLeaseSeconds: numberFrom(env, "ALERT_LEASE_SECONDS", 10),
    ...(env.ADMIN_USERNAME ? { adminUsername: env.ADMIN_USERNAME } : {}),
    ...(env.ADMIN_PASSWORD ? { adminPassword: env.ADMIN_PASSWORD } : {}),
    seedDemo: env.SEED_DEMO !== "false",
    tokenTtlHours: numberFrom(env, "TOKEN_TTL_HOURS", 14),
    positionWriteMs: numberFrom(env, "POSITION_WRITE_MS", 1000),
    maxSocketsPerSession: numberFrom(env, "MAX_SOCKETS_PER_SESSION", 10),
    syncMaxEvents: numberFrom(env, "SYNC_MAX_EVENTS", 5000),
    opRetentionHours: numberFrom(env, "OP_RETENTION_HOURS", 48),
    maintenanceMinutes: numberFrom(env, "MAINTENANCE_MINUTES", 15),
    loginAttemptsPerWindow: numberFrom(env, "LOGIN_MAX_ATTEMPTS", 10),
    loginAttemptsPerAddress: numberFrom(env, "LOGIN_MAX_ATTEMPTS_PER_ADDRESS", 30),
    loginWindowSeconds: numberFrom(env, "LOGIN_WINDOW_SECONDS", 300),
    publicRateLimit: numberFrom(env, "PUBLIC_RATE_LIMIT", 30),
    publicRateWindowSeconds: numberFrom(env, "PUBLIC_RATE_WINDOW_SECONDS", 600),
    publicRequestsPerMinute: numberFrom(env, "PUBLIC_REQUESTS_PER_MINUTE", 120),
    ...(env.PUBLIC_BASE_URL ? { publicBaseUrl: env.PUBLIC_BASE_URL.replace(/\/+$/, "") } : {}),
    trustProxy: trustProxyFrom(env.TRUST_PROXY),
    ...(env.REDIS_URL ? { redisUrl: env.REDIS_URL } : {}),
    realertSeconds: numberFrom(env, "REALERT_SECONDS", 15),
    overdueSeconds: numberFrom(env, "OVERDUE_SECONDS", 30),
    lostContactSeconds: numberFrom(env, "LOST_CONTACT_SECONDS", 30),
    travelSpeedKmh: numberFrom(env, "TRAVEL_SPEED_KMH", 40),
    duplicateWindows: duplicateWindowsFrom(env.DUPLICATE_WINDOWS),
    tileUrl: env.TILE_URL || "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    tileAttribution: env.TILE_ATTRIBUTION || "© OpenStreetMap contributors",
    // The default map and the demo roster are San Francisco: the default clock is theirs too.
    timeZone: env.TIME_ZONE || "America/Los_Angeles",
    mapCenter: { lat: centerLat ?? 37.7749, lng: centerLng ?? -122.4194 },
    mapZoom: numberFrom(env, "MAP_ZOOM", 13),
    clientDir: path.resolve(env.CLIENT_DIR || "./dist/client"),
    logLevel: ["debug", "info", "warn", "error", "silent"].includes(logLevel) ? logLevel : "info",
    eidoAgencyId: env.EIDO_AGENCY_ID || "fire-119.invalid",
    checkpointDir: path.resolve(env.CHECKPOINT_DIR || path.join(dataDir, "checkpoints")),
    checkpointIntervalSeconds: numberFrom(env, "CHECKPOINT_INTERVAL_SECONDS", 600),
    ...(env.CHECKPOINT_KEY ? { checkpointKey: env.CHECKPOINT_KEY } : {}),
    checkpointKeyFile: path.resolve(env.CHECKPOINT_KEY_FILE || path.join(dataDir, "checkpoint-signing-key.pem")),
    ...(env.CHECKPOINT_PUBLIC_KEY ? { checkpointPublicKey: env.CHECKPOINT_PUBLIC_KEY } : {}),
    ...overrides,
  };
  for (const [name, value] of [
    ["TOKEN_TTL_HOURS", config.tokenTtlHours],
    ["MAX_SOCKETS_PER_SESSION", config.maxSocketsPerSession],
    ["SYNC_MAX_EVENTS", config.syncMaxEvents],
    ["OP_RETENTION_HOURS", config.opRetentionHours],
    ["MAINTENANCE_MINUTES", config.maintenanceMinutes],
    ["ALERT_LEASE_SECONDS", config.alertLeaseSeconds],
  ] as const) {
    if (!(value > 0)) throw new Error(`${name} must be greater than 0, got ${value}`);
  }
  if (!(config.positionWriteMs >= 0)) throw new Error(`POSITION_WRITE_MS must be 0 or more, got ${config.positionWriteMs}`);
  // The holder renews every second: a lease shorter than a few ticks would change hands while its holder is alive.
  if (config.alertLeaseSeconds < 3) throw new Error(`ALERT_LEASE_SECONDS must be 3 or more, got ${config.alertLeaseSeconds}`);
  if (!(config.checkpointIntervalSeconds >= 0)) throw new Error("CHECKPOINT_INTERVAL_SECONDS must be 0 or more");
  if ((config.adminUsername === undefined) !== (config.adminPassword === undefined)) {
    throw new Error("ADMIN_USERNAME and ADMIN_PASSWORD must be set together");
  }
  return config;
}
