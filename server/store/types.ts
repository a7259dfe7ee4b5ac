// The storage port. Only the adapters (sqlite.ts, mongo.ts) import a database driver; services talk to this.
//
// Writes go through `commit`, which applies one command's changes atomically: all of it is durable, or none.
// The database itself refuses a write that lost a race, so correctness does not rest on one process's write
// queue: unique keys (stream + seq, call intakeId, opId, username) make a repeated or racing append fail, and
// units carry a version, so a unit written from a stale read is refused (StaleWriteError) and the command retried.
import type { Role, UnitStatus, UnitType, IncidentStatus, IncidentType } from "../../shared/domain";
import type { LogEvent, NewLogEvent, StreamEvent, StreamType } from "../../shared/events";
import type { IncidentState } from "../../shared/incident";
import type { StreamStates } from "../../shared/streams";
import type { LatLng } from "../../shared/schemas";

export type StoreKind = "sqlite" | "mongodb";

/** The folded state of an incident plus the columns the queries filter on. */
export interface IncidentRecord {
  id: string;
  number: string;
  status: IncidentStatus;
  incidentType: IncidentType;
  /** Epoch milliseconds of the earliest call; indexed with lat/lng for duplicate lookups. */
  receivedAtMs: number;
  /** Null while the incident has no position (an address-only transfer): window queries never match it. */
  lat: number | null;
  lng: number | null;
  /** normalizeAddress(location.address), or null. */
  addressKey: string | null;
  externalId: string | null;
  state: IncidentState;
}

export interface CallRecord {
  id: string;
  intakeId: string;
  /** sha-256 of the canonical request body: same intakeId + different body is a conflict. */
  requestHash: string;
  /** Incident the call is under now (changes when its incident is merged). */
  incidentId: string;
  receivedAtMs: number;
  callerNumber: string | null;
  /**
   * `${fromCenter}:${externalId}` for transfers, else null. Deliberately not unique: a center may transfer several
   * calls under one of its incidents, and each links to the same incident here.
   */
  transferKey: string | null;
  recordedAt: string;
}

export interface UnitRecord {
  id: string;
  callSign: string;
  type: UnitType;
  station: string;
  home: LatLng;
  status: UnitStatus;
  statusSince: string;
  incidentId: string | null;
  position: (LatLng & { at: string }) | null;
  updatedAt: string;
  /**
   * Bumped by every write. A commit carries the version it read; the store refuses it (StaleWriteError) when the
   * stored unit has moved on since, e.g. a status from another server instance or a position report.
   */
  version: number;
}

/** The folded state of a stream that has no table of its own (every stream type but incidents). */
export interface StreamRecord<S extends Exclude<StreamType, "incident"> = Exclude<StreamType, "incident">> {
  streamType: S;
  streamId: string;
  state: StreamStates[S];
  updatedAt: string;
}

export interface UserRecord {
  id: string;
  username: string;
  passwordHash: string;
  role: Role;
  unitId: string | null;
  displayName: string | null;
  createdAt: string;
  /**
   * Set when an admin gave the account its password (at creation or by a reset) and asked the person to choose
   * their own at the next login; cleared by the person's own change. Null: nothing asked.
   */
  passwordChangeRequiredAt: string | null;
}

export interface SessionRecord {
  /** sha-256 of the bearer token: a leaked database does not leak usable tokens. */
  tokenHash: string;
  userId: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
}

/** A password replaced and sessions ended together (a user's own change, or an admin's reset). */
export interface PasswordChange {
  userId: string;
  /** Applied only while the stored hash is still this one: of two changes racing, one wins. */
  expectedHash: string;
  newHash: string;
  /** When the other sessions are revoked. */
  at: string;
  /** The session that made the change and keeps working (the user's own change); null revokes every session. */
  keepSession: string | null;
  /** `UserRecord.passwordChangeRequiredAt` from now on: null for the user's own change. */
  passwordChangeRequiredAt: string | null;
}

/** Result of an idempotent operation, so a retried opId returns the first answer. */
export interface OpRecord {
  opId: string;
  kind: string;
  actorId: string;
  requestHash: string;
  /** JSON-serialisable result returned to the first caller. */
  result: unknown;
  createdAt: string;
}

/**
 * A named lease (e.g. the alert monitor's): one holder at a time across server instances, until it expires. The
 * holder renews it well before then; another instance takes it only once it has expired.
 */
export interface LeaseRecord {
  name: string;
  holder: string;
  /** Epoch ms; after this anyone may take the lease. */
  expiresAtMs: number;
  /** Epoch ms of the holder's last successful take or renewal: the holder's work is done up to about then. */
  renewedAtMs: number;
}

export interface Commit {
  /** Appended in order; (streamType, streamId, seq) must be new. Positions are assigned by the store, increasing. */
  events: NewLogEvent[];
  /** Upserted by id: the projection of incident streams. */
  incidents: IncidentRecord[];
  /** Upserted by (streamType, streamId): the projection of every other stream. */
  streams: StreamRecord[];
  /** Inserted; intakeId must be new. Existing calls whose incident changed go in callMoves. */
  calls: CallRecord[];
  /** Move calls to another incident (merge). */
  callMoves: { callId: string; incidentId: string }[];
  /**
   * Upserted by id, each with the version it was read at (0 for a new unit); stored with version + 1. A new unit
   * that exists meanwhile, or one read at a version that is no longer stored (changed or gone), is StaleWriteError.
   */
  units: UnitRecord[];
  /** Inserted; opId must be new. */
  ops: OpRecord[];
  /**
   * Named counters moved in the same transaction (incident numbers), so a crash never leaves a number used by
   * nothing. Compare-and-set: the stored value must still be `from` (0 = never used), else the commit fails.
   */
  counters: CounterAdvance[];
}

export interface CounterAdvance {
  name: string;
  from: number;
  to: number;
}

/** A stored event as read for verification: a row that no longer parses is returned, not thrown. */
export interface ScannedEvent {
  position: number;
  streamType: string;
  streamId: string;
  seq: number;
  prevHash: string;
  hash: string;
  event: LogEvent | null;
  /** Why the row could not be read as an event (event is then null). */
  unreadable?: string;
}

export interface IncidentWindowQuery {
  fromMs: number;
  toMs: number;
  minLat: number;
  maxLat: number;
  minLng: number;
  maxLng: number;
  /** Only incidents whose status is in this list. */
  statuses: IncidentStatus[];
  limit: number;
}

export interface IncidentListFilter {
  statuses?: IncidentStatus[];
  incidentType?: IncidentType;
  fromMs?: number;
  toMs?: number;
  /** Exactly this incident number (indexed). */
  number?: string;
  /** Address keys (normalizeAddress) that start with this, compared as is (a range on the address index). */
  addressKeyPrefix?: string;
  /**
   * Keyset paging: strictly beyond this (receivedAtMs, id) in the order asked for: after it ascending, before it
   * newest first.
   */
  after?: { receivedAtMs: number; id: string };
  /** Newest first instead (the console's list, the PR search). */
  newestFirst?: boolean;
  limit: number;
}

/** One distinct address key on record: where its most recent incident was, and how many incidents had it. */
export interface KnownAddress {
  /** normalizeAddress(address), the incidents' addressKey. */
  addressKey: string;
  /** The address as written on the most recent incident with this key. */
  address: string;
  lat: number;
  lng: number;
  /** receivedAtMs of that most recent incident. */
  lastSeenMs: number;
  /** Incidents with this key, whatever their status. */
  incidents: number;
}

/**
 * The exclusive upper bound of the strings that start with `prefix`, for a range on an index. Both databases
 * compare strings as UTF-8 bytes, so the bound is the prefix followed by the highest code point: "\uffff" would
 * leave out keys whose next character lies beyond the Basic Multilingual Plane (some Hong Kong and Taiwan place
 * names are written with such characters).
 */
export function prefixUpperBound(prefix: string): string {
  return `${prefix}\u{10FFFF}`;
}

/** Raised by commit when a record changed since the command read it: the command may be run again. */
export class StaleWriteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StaleWriteError";
  }
}

/** Raised by commit when a unique key already exists (a concurrent or repeated write). */
export class UniqueViolationError extends Error {
  constructor(readonly key: "event" | "intakeId" | "opId" | "username" | "counter" | "other", message: string) {
    super(message);
    this.name = "UniqueViolationError";
  }
}

/** Thrown by an adapter used before init() or after close(). */
export class StoreClosedError extends Error {
  constructor(location: string) {
    super(`store at ${location} is not open (call init())`);
    this.name = "StoreClosedError";
  }
}

// The port is one repository per record type; a Store is all of them over one database, so a command can
// commit across record types atomically. Services may depend on the narrower repository types.

export interface StoreLifecycle {
  readonly kind: StoreKind;
  /** Where the data lives, safe to log (no credentials). */
  readonly location: string;
  init(): Promise<void>;
  close(): Promise<void>;
  /** Whether the store can take a write now (a probe that writes, not only a read). */
  ping(): Promise<{ ok: boolean; detail?: string }>;
  /**
   * True for errors that say the database cannot serve now (read-only, locked, full, unreachable, closed), as
   * opposed to a bug or bad data: the caller answers 503 store_unavailable and the client retries.
   */
  isUnavailableError(error: unknown): boolean;
}

/** The log of streams, and the one atomic write of everything a command changed. */
export interface LogRepository {
  /** Applies a command's changes atomically and durably; returns the events with positions. */
  commit(changes: Partial<Commit>): Promise<LogEvent[]>;
  /**
   * Group commit, so that many commands share one durable write. After `beginGroup()` returned true, every
   * `commit` and `nextSequence` is applied and readable through this store at once but made durable only by
   * `commitGroup()` (one fsync for the group); a `commit` that throws leaves the rest of the group untouched, and
   * `rollbackGroup()` undoes the whole group. An adapter whose commits are each their own transaction returns false
   * and the caller commits one by one.
   */
  beginGroup(): boolean;
  commitGroup(): Promise<void>;
  rollbackGroup(): Promise<void>;
  /** Every stored event is checked against its stream's schema on read (parseStoredEvent). */
  getStreamEvents<S extends StreamType>(streamType: S, streamId: string, afterSeq?: number): Promise<StreamEvent<S>[]>;
  /** Global log in position order, strictly after `position`, all stream types. */
  getEventsAfter(position: number, limit: number): Promise<LogEvent[]>;
  getLastPosition(): Promise<number>;
  /** The folded state of a stream without a table of its own (the generic `streams` projection). */
  getStream<S extends Exclude<StreamType, "incident">>(streamType: S, streamId: string): Promise<StreamRecord<S> | null>;
  listStreams<S extends Exclude<StreamType, "incident">>(streamType: S): Promise<StreamRecord<S>[]>;
  /**
   * The stream whose lookup key (`STREAM_LOOKUP_KEYS` in shared/streams.ts, derived from its state on every
   * commit) equals `key`, through an index: a published explanation by its public token.
   */
  findStreamByLookupKey<S extends Exclude<StreamType, "incident">>(streamType: S, key: string): Promise<StreamRecord<S> | null>;
  /** The global log in position order for verify-log: unlike getEventsAfter, an unreadable row is named, not thrown. */
  scanEvents(afterPosition: number, limit: number): Promise<ScannedEvent[]>;
}

/** The incident projection and the queries intake and reports need. */
export interface IncidentRepository {
  getIncident(id: string): Promise<IncidentRecord | null>;
  listIncidents(filter: IncidentListFilter): Promise<IncidentRecord[]>;
  /**
   * Must seek an index of the place (the grid cells of cells.ts, or a geo index), falling back to the time window
   * for a box too wide for cells: it runs on every keystroke of intake and for every call.
   */
  findIncidentsInWindow(query: IncidentWindowQuery): Promise<IncidentRecord[]>;
  findIncidentsByAddressKey(addressKey: string, fromMs: number, toMs: number, limit: number): Promise<IncidentRecord[]>;
  /**
   * Distinct address keys that start with `prefix` (compared as is, character for character: callers normalise
   * it first), most recently seen first, up to `limit`. A range on the (addressKey, receivedAtMs) index, never a
   * pattern match: it runs on every pause in the dispatcher's typing. Which of two incidents received in the same
   * millisecond counts as the most recent is up to the adapter. A key whose most recent incident has no position
   * yet (lat null) is left out, after the limit.
   */
  searchAddresses(prefix: string, limit: number): Promise<KnownAddress[]>;
}

export interface CallRepository {
  getCall(id: string): Promise<CallRecord | null>;
  getCallByIntakeId(intakeId: string): Promise<CallRecord | null>;
  /** The most recently recorded call with this transfer key. */
  getCallByTransferKey(transferKey: string): Promise<CallRecord | null>;
  findCallsByCallerNumber(callerNumber: string, fromMs: number, toMs: number, limit: number): Promise<CallRecord[]>;
}

export interface UnitRepository {
  getUnit(id: string): Promise<UnitRecord | null>;
  listUnits(): Promise<UnitRecord[]>;
  /** Position reports are not incident events: a plain, frequent update (which bumps the unit's version). */
  updateUnitPosition(id: string, position: LatLng & { at: string }): Promise<void>;
}

export interface UserRepository {
  createUser(user: UserRecord): Promise<void>;
  getUser(id: string): Promise<UserRecord | null>;
  getUserByUsername(username: string): Promise<UserRecord | null>;
  listUsers(): Promise<UserRecord[]>;
  /** Replaces a user's password hash (re-hashing an old bcrypt hash with argon2id at login). */
  setUserPasswordHash(userId: string, passwordHash: string): Promise<void>;
  /**
   * Replaces a user's password and revokes their sessions (all, or all but `keepSession`) in one transaction, so a
   * new password never stands while the sessions it was meant to end still work. Returns how many sessions were
   * revoked, or null (nothing written) when the stored hash is no longer `expectedHash`.
   */
  replacePassword(change: PasswordChange): Promise<number | null>;
  countUsers(): Promise<number>;
}

export interface SessionRepository {
  createSession(session: SessionRecord): Promise<void>;
  getSession(tokenHash: string): Promise<SessionRecord | null>;
  revokeSession(tokenHash: string, at: string): Promise<void>;
  /** Returns how many sessions were revoked. */
  revokeUserSessions(userId: string, at: string): Promise<number>;
  /** Maintenance: deletes up to `limit` sessions that expired before `expiredBefore` (revoked or not). */
  pruneSessions(expiredBefore: string, limit: number): Promise<number>;
}

export interface OpRepository {
  getOp(opId: string): Promise<OpRecord | null>;
  /**
   * Maintenance: deletes up to `limit` operation records created before `createdBefore` (ISO time), oldest first,
   * and returns how many went. Indexed on createdAt; callers repeat until fewer than `limit` come back.
   */
  pruneOps(createdBefore: string, limit: number): Promise<number>;
}

/** Leases: one holder at a time across server instances (the alert monitor's ticks). */
export interface LeaseRepository {
  /**
   * Takes or renews lease `name` for `holder` until nowMs + ttlMs, in one conditional write: only when there is no
   * lease, it has expired (expiresAtMs <= nowMs), or `holder` already holds it. Answers whether `holder` holds it
   * now, and the lease as it was before the call (null when there was none).
   */
  acquireLease(name: string, holder: string, nowMs: number, ttlMs: number): Promise<{ acquired: boolean; previous: LeaseRecord | null }>;
  /** Gives the lease up at once (a clean shutdown), only if `holder` still holds it. */
  releaseLease(name: string, holder: string): Promise<void>;
  getLease(name: string): Promise<LeaseRecord | null>;
}

export interface SettingRepository {
  getSetting<T>(key: string): Promise<T | null>;
  putSetting<T>(key: string, value: T): Promise<void>;
  /** Atomically increments and returns a named counter (starts at 1). A separate write: see Commit.counters. */
  nextSequence(name: string): Promise<number>;
  /** The current value of a named counter, 0 if it was never used. */
  getSequence(name: string): Promise<number>;
}

export interface Store
  extends StoreLifecycle,
    LogRepository,
    IncidentRepository,
    CallRepository,
    UnitRepository,
    UserRepository,
    SessionRepository,
    OpRepository,
    LeaseRepository,
    SettingRepository {}
