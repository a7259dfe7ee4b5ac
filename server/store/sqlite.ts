// SQLite adapter of the storage port: the embedded default. One file, WAL, synchronous=FULL so a commit that
// returned is on disk. better-sqlite3 is synchronous; the methods are async only to honour the port.
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { parseStoredEvent, StoredEventError } from "../../shared/eventSchemas";
import type { LogEvent, NewLogEvent, StreamEvent, StreamType } from "../../shared/events";
import type { LatLng } from "../../shared/schemas";
import {
  prefixUpperBound,
  StaleWriteError,
  StoreClosedError,
  UniqueViolationError,
  type CallRecord,
  type Commit,
  type IncidentListFilter,
  type IncidentRecord,
  type IncidentWindowQuery,
  type KnownAddress,
  type LeaseRecord,
  type OpRecord,
  type ScannedEvent,
  type PasswordChange,
  type SessionRecord,
  type Store,
  type StreamRecord,
  type UnitRecord,
  type UserRecord,
} from "./types";
import { CELL_SQL, cellsCovering } from "./cells";
import { CALLS, fromRow, INCIDENTS, insertSql, OPS, SESSIONS, STREAMS, toRow, UNITS, updateSql, upsertSql, USERS, type SqlValue } from "./records";

const SCHEMA_VERSION = 8;

const META = `
CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);`;

/** The events table: one global log of streams, each with its own gap-free seq and hash chain. */
const EVENTS_TABLE = (name: string) => `
CREATE TABLE ${name} (
  position INTEGER PRIMARY KEY AUTOINCREMENT,
  stream_type TEXT NOT NULL,
  stream_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  type TEXT NOT NULL,
  occurred_at TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  source TEXT NOT NULL,
  actor TEXT NOT NULL,
  payload TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL,
  UNIQUE (stream_type, stream_id, seq)
);`;

const STREAMS_TABLE = `
CREATE TABLE streams (
  stream_type TEXT NOT NULL,
  stream_id TEXT NOT NULL,
  state TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (stream_type, stream_id)
);`;

/** Version 5: a stream's lookup key (STREAM_LOOKUP_KEYS) and the incident number, each indexed. */
const LOOKUP_INDEXES = `
CREATE INDEX streams_lookup ON streams (stream_type, lookup_key);
CREATE INDEX incidents_number ON incidents (number);`;

const CELL_INDEX = `CREATE INDEX incidents_cell ON incidents (cell, received_at_ms);`;

/** The duplicate lookup's conditions, newest first, whichever index finds the candidates (WindowParams). */
const IN_WINDOW = `received_at_ms BETWEEN @fromMs AND @toMs
         AND lat BETWEEN @minLat AND @maxLat
         AND lng BETWEEN @minLng AND @maxLng
         AND status IN (SELECT value FROM json_each(@statuses))
       ORDER BY received_at_ms DESC, id DESC
       LIMIT @limit`;

/**
 * Migrations by the version they lead to, each run in one transaction with the version bump. Version 2: the
 * incident log becomes a log of streams (positions, seqs and hashes kept as they were), units get a version,
 * and streams other than incidents get their projection table. Version 3: indexes for pruning by time.
 */
const MIGRATIONS: Record<number, string> = {
  2: `
${EVENTS_TABLE("events_v2")}
INSERT INTO events_v2 (position, stream_type, stream_id, seq, type, occurred_at, recorded_at, source, actor, payload, prev_hash, hash)
  SELECT position, 'incident', incident_id, seq, type, occurred_at, recorded_at, source, actor, payload, prev_hash, hash
  FROM events ORDER BY position;
DROP TABLE events;
ALTER TABLE events_v2 RENAME TO events;
ALTER TABLE units ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
${STREAMS_TABLE}
`,
  // Version 3: an incident may have no position yet (an address-only EIDO transfer), so lat/lng may be NULL.
  // SQLite cannot drop a NOT NULL in place: the table is rebuilt and its indexes made again.
  3: `
CREATE TABLE incidents_v3 (
  id TEXT PRIMARY KEY, number TEXT NOT NULL, status TEXT NOT NULL, incident_type TEXT NOT NULL,
  received_at_ms INTEGER NOT NULL, lat REAL, lng REAL, address_key TEXT, external_id TEXT, state TEXT NOT NULL
);
INSERT INTO incidents_v3 SELECT id, number, status, incident_type, received_at_ms, lat, lng, address_key, external_id, state
  FROM incidents;
DROP TABLE incidents;
ALTER TABLE incidents_v3 RENAME TO incidents;
CREATE INDEX incidents_window ON incidents (received_at_ms, lat);
CREATE INDEX incidents_address ON incidents (address_key, received_at_ms);
CREATE INDEX incidents_status ON incidents (status, received_at_ms);
`,
  // Version 4: the maintenance task prunes operation records and expired sessions by time.
  4: `
CREATE INDEX ops_created ON ops (created_at);
CREATE INDEX sessions_expires ON sessions (expires_at);
`,
  // Version 5: streams found by a key of their own (a published explanation's token), incidents by number.
  5: `
ALTER TABLE streams ADD COLUMN lookup_key TEXT;
${LOOKUP_INDEXES}
`,
  // Version 6: leases, so that one server instance among several runs the alert monitor.
  6: `
CREATE TABLE leases (
  name TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  expires_at_ms INTEGER NOT NULL,
  renewed_at_ms INTEGER NOT NULL
);
`,
  // Version 7: the grid cell of an incident's position (cells.ts), indexed with the time for the duplicate lookup.
  7: `
ALTER TABLE incidents ADD COLUMN cell INTEGER;
UPDATE incidents SET cell = ${CELL_SQL} WHERE lat IS NOT NULL AND lng IS NOT NULL;
${CELL_INDEX}
`,
  // Version 8: an admin may ask a person to choose their own password at the next login (after a reset).
  8: `
ALTER TABLE users ADD COLUMN password_change_required_at TEXT;
`,
};

/** The current schema, for a new file. */
const SCHEMA = `
${EVENTS_TABLE("events")}
${STREAMS_TABLE.replace("updated_at TEXT NOT NULL,", "updated_at TEXT NOT NULL,\n  lookup_key TEXT,")}
CREATE TABLE incidents (
  id TEXT PRIMARY KEY,
  number TEXT NOT NULL,
  status TEXT NOT NULL,
  incident_type TEXT NOT NULL,
  received_at_ms INTEGER NOT NULL,
  lat REAL,
  lng REAL,
  cell INTEGER,
  address_key TEXT,
  external_id TEXT,
  state TEXT NOT NULL
);
${CELL_INDEX}
CREATE INDEX incidents_window ON incidents (received_at_ms, lat);
CREATE INDEX incidents_address ON incidents (address_key, received_at_ms);
CREATE INDEX incidents_status ON incidents (status, received_at_ms);
CREATE TABLE calls (
  id TEXT PRIMARY KEY,
  intake_id TEXT NOT NULL UNIQUE,
  request_hash TEXT NOT NULL,
  incident_id TEXT NOT NULL,
  received_at_ms INTEGER NOT NULL,
  caller_number TEXT,
  transfer_key TEXT,
  recorded_at TEXT NOT NULL
);
CREATE INDEX calls_caller ON calls (caller_number, received_at_ms);
CREATE INDEX calls_transfer ON calls (transfer_key, recorded_at);
CREATE TABLE units (
  id TEXT PRIMARY KEY,
  call_sign TEXT NOT NULL,
  type TEXT NOT NULL,
  station TEXT NOT NULL,
  home TEXT NOT NULL,
  status TEXT NOT NULL,
  status_since TEXT NOT NULL,
  incident_id TEXT,
  position TEXT,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL
);
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL,
  unit_id TEXT,
  display_name TEXT,
  created_at TEXT NOT NULL,
  password_change_required_at TEXT
);
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  revoked_at TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE TABLE ops (
  op_id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  actor_id TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  result TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX ops_created ON ops (created_at);
CREATE INDEX sessions_expires ON sessions (expires_at);
CREATE TABLE counters (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
${LOOKUP_INDEXES}
CREATE TABLE leases (
  name TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  expires_at_ms INTEGER NOT NULL,
  renewed_at_ms INTEGER NOT NULL
);
`;

interface LeaseRow {
  name: string;
  holder: string;
  expires_at_ms: number;
  renewed_at_ms: number;
}

function leaseFromRow(row: LeaseRow): LeaseRecord {
  return { name: row.name, holder: row.holder, expiresAtMs: row.expires_at_ms, renewedAtMs: row.renewed_at_ms };
}

/** A row of the events table, as stored. */
export interface EventRow {
  position: number;
  stream_type: string;
  stream_id: string;
  seq: number;
  type: string;
  occurred_at: string;
  recorded_at: string;
  source: string;
  actor: string;
  payload: string;
  prev_hash: string;
  hash: string;
}

interface KnownAddressRow {
  address_key: string;
  address: string | null;
  lat: number | null;
  lng: number | null;
  last_seen_ms: number;
  incidents: number;
}

/** The one place stored JSON becomes a typed value again: the store only reads back what it wrote. */
function fromJson<T>(text: string): T {
  return JSON.parse(text) as T;
}

/** JSON.stringify(undefined) is undefined, which SQLite cannot bind: store it as null. */
function toJson(value: unknown): string {
  return JSON.stringify(value) ?? "null";
}

/** A stored event, checked against its stream's schema; a row whose JSON no longer parses is named too. */
function rowToEvent(row: EventRow): LogEvent {
  const json = (text: string, field: string): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      return { unparsable: field };
    }
  };
  return parseStoredEvent({
    position: row.position,
    streamType: row.stream_type,
    streamId: row.stream_id,
    seq: row.seq,
    type: row.type,
    occurredAt: row.occurred_at,
    recordedAt: row.recorded_at,
    source: row.source,
    actor: json(row.actor, "actor"),
    payload: json(row.payload, "payload"),
    prevHash: row.prev_hash,
    hash: row.hash,
  });
}

type Row = Record<string, SqlValue>;

/** Each record type's rows read back through its declared mapping (records.ts). */
const read = {
  incident: (row: Row) => fromRow(INCIDENTS, row),
  call: (row: Row) => fromRow(CALLS, row),
  unit: (row: Row) => fromRow(UNITS, row),
  stream: (row: Row) => fromRow(STREAMS, row),
  user: (row: Row) => fromRow(USERS, row),
  session: (row: Row) => fromRow(SESSIONS, row),
  op: (row: Row) => fromRow(OPS, row),
};

/** Which unique key a constraint message names, e.g. "UNIQUE constraint failed: calls.intake_id". */
const UNIQUE_KEYS: [columns: string, key: UniqueViolationError["key"]][] = [
  ["events.stream_type, events.stream_id, events.seq", "event"],
  ["calls.intake_id", "intakeId"],
  ["ops.op_id", "opId"],
  ["users.username", "username"],
  ["counters.name", "counter"],
];

function isSqliteError(error: unknown): error is InstanceType<typeof Database.SqliteError> {
  return error instanceof Database.SqliteError;
}

/** Turns a SQLite UNIQUE/PRIMARY KEY failure into the port's error; anything else passes through unchanged. */
function toUniqueViolation(error: unknown): unknown {
  if (!isSqliteError(error)) return error;
  if (error.code !== "SQLITE_CONSTRAINT_UNIQUE" && error.code !== "SQLITE_CONSTRAINT_PRIMARYKEY") return error;
  const failed = error.message.replace(/^UNIQUE constraint failed: /, "");
  const match = UNIQUE_KEYS.find(([columns]) => failed === columns);
  return new UniqueViolationError(match ? match[1] : "other", error.message);
}

function prepareStatements(db: Database.Database) {
  return {
    insertEvent: db.prepare<[EventRowInput], void>(
      `INSERT INTO events (stream_type, stream_id, seq, type, occurred_at, recorded_at, source, actor, payload, prev_hash, hash)
       VALUES (@stream_type, @stream_id, @seq, @type, @occurred_at, @recorded_at, @source, @actor, @payload, @prev_hash, @hash)`,
    ),
    upsertIncident: db.prepare<[Row], void>(upsertSql(INCIDENTS)),
    insertCall: db.prepare<[Row], void>(insertSql(CALLS)),
    moveCall: db.prepare<[incidentId: string, callId: string], void>(`UPDATE calls SET incident_id = ? WHERE id = ?`),
    // Bound with the new version: the update only applies where the stored unit is still at the one before.
    // A unit read at version 0 is new: taken meanwhile, the insert does nothing and the write is stale. One read
    // at version N is updated only while the stored one is still at N (bound with N + 1); gone, it is stale too.
    insertUnit: db.prepare<[Row], void>(`${insertSql(UNITS)} ON CONFLICT (id) DO NOTHING`),
    updateUnit: db.prepare<[Row], void>(updateSql(UNITS, "version = @version - 1")),
    upsertStream: db.prepare<[Row], void>(upsertSql(STREAMS)),
    getStream: db.prepare<[streamType: string, streamId: string], Row>(
      `SELECT * FROM streams WHERE stream_type = ? AND stream_id = ?`,
    ),
    listStreams: db.prepare<[streamType: string], Row>(`SELECT * FROM streams WHERE stream_type = ? ORDER BY stream_id`),
    findStreamByLookupKey: db.prepare<[streamType: string, key: string], Row>(
      `SELECT * FROM streams WHERE stream_type = ? AND lookup_key = ? LIMIT 1`,
    ),
    insertOp: db.prepare<[Row], void>(insertSql(OPS)),
    nextSequence: db.prepare<[name: string], { value: number }>(
      `INSERT INTO counters (name, value) VALUES (?, 1)
       ON CONFLICT (name) DO UPDATE SET value = value + 1
       RETURNING value`,
    ),
    getCounter: db.prepare<[name: string], { value: number }>(`SELECT value FROM counters WHERE name = ?`),
    insertCounter: db.prepare<[name: string, value: number], void>(`INSERT INTO counters (name, value) VALUES (?, ?)`),
    advanceCounter: db.prepare<[to: number, name: string, from: number], void>(
      `UPDATE counters SET value = ? WHERE name = ? AND value = ?`,
    ),

    getIncident: db.prepare<[id: string], Row>(`SELECT * FROM incidents WHERE id = ?`),
    // The duplicate lookup of intake, run on every keystroke and for every call: one seek of the (cell,
    // received_at_ms) index per cell around the call, so it reads the incidents of a few square kilometres, not
    // those of the whole center in the window (a storm puts thousands there). Cells and statuses come as JSON
    // arrays so the statement is prepared once whatever their number.
    findIncidentsInCells: db.prepare<[WindowParams & { cells: string }], Row>(
      `SELECT * FROM incidents INDEXED BY incidents_cell
       WHERE cell IN (SELECT value FROM json_each(@cells)) AND ${IN_WINDOW}`,
    ),
    // A box too wide for cells (a wildland fire's kilometres): a range on the (received_at_ms, lat) index walked
    // newest first, lat checked in the index, the rest on the rows it yields. INDEXED BY because the planner would
    // otherwise take (status, received_at_ms) and sort every match before the LIMIT.
    findIncidentsInWindow: db.prepare<[WindowParams], Row>(
      `SELECT * FROM incidents INDEXED BY incidents_window WHERE ${IN_WINDOW}`,
    ),
    findIncidentsByAddressKey: db.prepare<[addressKey: string, fromMs: number, toMs: number, limit: number], Row>(
      `SELECT * FROM incidents
       WHERE address_key = ? AND received_at_ms BETWEEN ? AND ?
       ORDER BY received_at_ms DESC, id DESC
       LIMIT ?`,
    ),
    // Address suggestions while the dispatcher types. The aggregate is a range on the (address_key,
    // received_at_ms) index that never leaves the index (no LIKE: a pattern cannot use it, and % or _ typed by
    // the dispatcher would be wildcards); only the few keys kept after the LIMIT read their latest incident's row.
    // INDEXED BY makes a lost index a prepare error rather than a silent scan.
    searchAddresses: db.prepare<[{ from: string; to: string; limit: number }], KnownAddressRow>(
      `WITH matches AS (
         SELECT address_key, MAX(received_at_ms) AS last_seen_ms, COUNT(*) AS incidents
         FROM incidents INDEXED BY incidents_address
         WHERE address_key >= @from AND address_key < @to
         GROUP BY address_key
         ORDER BY last_seen_ms DESC, address_key
         LIMIT @limit
       )
       SELECT m.address_key, m.last_seen_ms, m.incidents, i.lat, i.lng,
              json_extract(i.state, '$.location.address') AS address
       FROM matches AS m
       JOIN incidents AS i ON i.id = (
         SELECT latest.id FROM incidents AS latest INDEXED BY incidents_address
         WHERE latest.address_key = m.address_key
         ORDER BY latest.received_at_ms DESC, latest.id DESC
         LIMIT 1
       )
       ORDER BY m.last_seen_ms DESC, m.address_key`,
    ),

    getStreamEvents: db.prepare<[streamType: string, streamId: string, afterSeq: number], EventRow>(
      `SELECT * FROM events WHERE stream_type = ? AND stream_id = ? AND seq > ? ORDER BY seq`,
    ),
    getEventsAfter: db.prepare<[position: number, limit: number], EventRow>(
      `SELECT * FROM events WHERE position > ? ORDER BY position LIMIT ?`,
    ),
    getLastPosition: db.prepare<[], { last: number }>(`SELECT COALESCE(MAX(position), 0) AS last FROM events`),

    getCall: db.prepare<[id: string], Row>(`SELECT * FROM calls WHERE id = ?`),
    getCallByIntakeId: db.prepare<[intakeId: string], Row>(`SELECT * FROM calls WHERE intake_id = ?`),
    // Several calls may share a transfer key (one external incident, several transfers): the latest recorded wins.
    getCallByTransferKey: db.prepare<[transferKey: string], Row>(
      `SELECT * FROM calls WHERE transfer_key = ? ORDER BY recorded_at DESC, id DESC LIMIT 1`,
    ),
    findCallsByCallerNumber: db.prepare<[callerNumber: string, fromMs: number, toMs: number, limit: number], Row>(
      `SELECT * FROM calls
       WHERE caller_number = ? AND received_at_ms BETWEEN ? AND ?
       ORDER BY received_at_ms DESC, id DESC
       LIMIT ?`,
    ),

    getUnit: db.prepare<[id: string], Row>(`SELECT * FROM units WHERE id = ?`),
    listUnits: db.prepare<[], Row>(`SELECT * FROM units ORDER BY call_sign, id`),
    updateUnitPosition: db.prepare<[position: string, id: string], void>(
      `UPDATE units SET position = ?, version = version + 1 WHERE id = ?`,
    ),

    insertUser: db.prepare<[Row], void>(insertSql(USERS)),
    getUser: db.prepare<[id: string], Row>(`SELECT * FROM users WHERE id = ?`),
    getUserByUsername: db.prepare<[username: string], Row>(`SELECT * FROM users WHERE username = ?`),
    listUsers: db.prepare<[], Row>(`SELECT * FROM users ORDER BY username`),
    countUsers: db.prepare<[], { count: number }>(`SELECT COUNT(*) AS count FROM users`),

    insertSession: db.prepare<[Row], void>(insertSql(SESSIONS)),
    getSession: db.prepare<[tokenHash: string], Row>(`SELECT * FROM sessions WHERE token_hash = ?`),
    // The first revocation time stands: revoking twice does not move it.
    revokeSession: db.prepare<[at: string, tokenHash: string], void>(
      `UPDATE sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL`,
    ),
    replacePasswordHash: db.prepare<[newHash: string, requiredAt: string | null, userId: string, expectedHash: string], void>(
      `UPDATE users SET password_hash = ?, password_change_required_at = ? WHERE id = ? AND password_hash = ?`,
    ),
    revokeOtherSessions: db.prepare<[at: string, userId: string, keep: string], void>(
      `UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL AND token_hash <> ?`,
    ),
    revokeUserSessions: db.prepare<[at: string, userId: string], void>(
      `UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL`,
    ),

    getOp: db.prepare<[opId: string], Row>(`SELECT * FROM ops WHERE op_id = ?`),
    pruneOps: db.prepare<[createdBefore: string, limit: number], void>(
      `DELETE FROM ops WHERE op_id IN
         (SELECT op_id FROM ops INDEXED BY ops_created WHERE created_at < ? ORDER BY created_at LIMIT ?)`,
    ),
    pruneSessions: db.prepare<[expiredBefore: string, limit: number], void>(
      `DELETE FROM sessions WHERE token_hash IN
         (SELECT token_hash FROM sessions INDEXED BY sessions_expires WHERE expires_at < ? ORDER BY expires_at LIMIT ?)`,
    ),

    getLease: db.prepare<[name: string], LeaseRow>(`SELECT * FROM leases WHERE name = ?`),
    putLease: db.prepare<[name: string, holder: string, expiresAtMs: number, renewedAtMs: number], void>(
      `INSERT INTO leases (name, holder, expires_at_ms, renewed_at_ms) VALUES (?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at_ms = excluded.expires_at_ms,
           renewed_at_ms = excluded.renewed_at_ms`,
    ),
    releaseLease: db.prepare<[name: string, holder: string], void>(
      `UPDATE leases SET expires_at_ms = 0 WHERE name = ? AND holder = ?`,
    ),
    getSetting: db.prepare<[key: string], { value: string }>(`SELECT value FROM settings WHERE key = ?`),
    putSetting: db.prepare<[key: string, value: string], void>(
      `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    ),
  };
}

type EventRowInput = Omit<EventRow, "position">;
type WindowParams = Omit<IncidentWindowQuery, "statuses"> & { statuses: string };
type Statements = ReturnType<typeof prepareStatements>;

/** Bind values of a listIncidents query; only the ones its SQL names are passed. */
type ListParams = Partial<
  Record<"statuses" | "incidentType" | "fromMs" | "toMs" | "afterMs" | "afterId" | "number" | "keyFrom" | "keyTo", string | number>
> & {
  limit: number;
};

/** SQLite result codes that mean "cannot write now" (disk, permissions, locks), not a bug or bad data. */
const UNAVAILABLE_SQLITE_CODES = /^SQLITE_(READONLY|BUSY|LOCKED|FULL|IOERR|CANTOPEN|PROTOCOL|NOLFS|AUTH)(_|$)/;
const PING_BUSY_TIMEOUT_MS = 1000;

export class SqliteStore implements Store {
  readonly kind = "sqlite" as const;
  readonly location: string;
  private db: Database.Database | null = null;
  private statements: Statements | null = null;
  private applyCommit: ((changes: Partial<Commit>) => LogEvent[]) | null = null;
  /** listIncidents has one SQL text per combination of filters; each is prepared the first time it is used. */
  private readonly listStatements = new Map<string, Database.Statement<[ListParams], Row>>();

  constructor(filePath: string) {
    this.location = path.resolve(filePath);
  }

  async init(): Promise<void> {
    if (this.db) return;
    fs.mkdirSync(path.dirname(this.location), { recursive: true });
    const db = new Database(this.location);
    try {
      db.pragma("journal_mode = WAL");
      db.pragma("synchronous = FULL");
      db.pragma("foreign_keys = ON");
      db.pragma("busy_timeout = 5000");
      this.migrate(db);
      const statements = prepareStatements(db);
      this.statements = statements;
      this.applyCommit = db.transaction((changes: Partial<Commit>) => this.writeCommit(statements, changes));
      this.db = db;
    } catch (error) {
      db.close();
      throw error;
    }
  }

  /** Creates a new file at the current schema, or brings an older file up to it one version at a time. */
  private migrate(db: Database.Database): void {
    db.exec(META);
    const setVersion = db.prepare<[value: string], void>(
      `INSERT INTO meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    );
    const row = db.prepare<[], { value: string }>(`SELECT value FROM meta WHERE key = 'schema_version'`).get();
    if (!row) {
      db.transaction(() => {
        db.exec(SCHEMA);
        setVersion.run(String(SCHEMA_VERSION));
      })();
      return;
    }
    const version = Number(row.value);
    if (version > SCHEMA_VERSION) {
      throw new Error(`${this.location} has schema version ${version}; this server knows up to ${SCHEMA_VERSION}`);
    }
    for (let next = version + 1; next <= SCHEMA_VERSION; next++) {
      const migration = MIGRATIONS[next];
      if (migration === undefined) throw new Error(`no migration to schema version ${next}`);
      db.transaction(() => {
        db.exec(migration);
        setVersion.run(String(next));
      })();
    }
  }

  async close(): Promise<void> {
    this.db?.close();
    this.db = null;
    this.statements = null;
    this.applyCommit = null;
    this.listStatements.clear();
  }

  async ping(): Promise<{ ok: boolean; detail?: string }> {
    try {
      const db = this.open();
      const busyTimeout = db.pragma("busy_timeout", { simple: true }) as number;
      // Take the write lock and write, then roll back: a read-only, moved or locked file fails here, as a real
      // write would, without adding anything to the file. A short wait: a health check must answer quickly.
      db.pragma(`busy_timeout = ${PING_BUSY_TIMEOUT_MS}`);
      try {
        db.exec("BEGIN IMMEDIATE");
        try {
          db.prepare(`INSERT OR REPLACE INTO meta (key, value) VALUES ('health_probe', ?)`).run(new Date().toISOString());
        } finally {
          db.exec("ROLLBACK");
        }
      } finally {
        db.pragma(`busy_timeout = ${busyTimeout}`);
      }
      return { ok: true };
    } catch (error) {
      return { ok: false, detail: error instanceof Error ? error.message : String(error) };
    }
  }

  isUnavailableError(error: unknown): boolean {
    if (error instanceof StoreClosedError) return true;
    const code = (error as { code?: unknown } | null)?.code;
    return typeof code === "string" && UNAVAILABLE_SQLITE_CODES.test(code);
  }

  private open(): Database.Database {
    if (!this.db) throw new StoreClosedError(this.location);
    return this.db;
  }

  private get s(): Statements {
    if (!this.statements) throw new StoreClosedError(this.location);
    return this.statements;
  }

  async commit(changes: Partial<Commit>): Promise<LogEvent[]> {
    if (!this.applyCommit) throw new StoreClosedError(this.location);
    try {
      return this.applyCommit(changes);
    } catch (error) {
      throw toUniqueViolation(error);
    }
  }

  /** Runs inside the transaction: any throw rolls the whole commit back. */
  private writeCommit(s: Statements, changes: Partial<Commit>): LogEvent[] {
    const stored: LogEvent[] = [];
    for (const event of changes.events ?? []) {
      const result = s.insertEvent.run(eventToRow(event));
      stored.push({ ...event, position: Number(result.lastInsertRowid) } as LogEvent);
    }
    for (const incident of changes.incidents ?? []) s.upsertIncident.run(toRow(INCIDENTS, incident));
    for (const stream of changes.streams ?? []) {
      s.upsertStream.run(toRow(STREAMS, stream));
    }
    for (const call of changes.calls ?? []) s.insertCall.run(toRow(CALLS, call));
    for (const move of changes.callMoves ?? []) {
      // A move of a call that does not exist is a bug in the caller: fail the whole commit rather than lose it.
      if (s.moveCall.run(move.incidentId, move.callId).changes !== 1) throw new Error(`call ${move.callId} not found`);
    }
    for (const unit of changes.units ?? []) {
      const write = unit.version === 0 ? s.insertUnit : s.updateUnit;
      if (write.run(toRow(UNITS, { ...unit, version: unit.version + 1 })).changes !== 1) {
        throw new StaleWriteError(`unit ${unit.id} changed since version ${unit.version} was read`);
      }
    }
    for (const op of changes.ops ?? []) s.insertOp.run(toRow(OPS, op));
    for (const counter of changes.counters ?? []) {
      // Compare-and-set: a counter moved by someone else since it was read fails the whole commit.
      if (counter.from === 0) s.insertCounter.run(counter.name, counter.to);
      else if (s.advanceCounter.run(counter.to, counter.name, counter.from).changes !== 1) {
        throw new UniqueViolationError("counter", `counter ${counter.name} is no longer at ${counter.from}`);
      }
    }
    return stored;
  }

  /**
   * One transaction around many commands: each `commit` inside runs as a savepoint (better-sqlite3 nests
   * transactions that way), so a refused commit rolls back alone, and the group's COMMIT is the one fsync
   * (synchronous=FULL) that makes all of them durable.
   */
  beginGroup(): boolean {
    const db = this.open();
    if (db.inTransaction) return false;
    db.exec("BEGIN IMMEDIATE");
    return true;
  }

  async commitGroup(): Promise<void> {
    const db = this.open();
    if (!db.inTransaction) return;
    try {
      db.exec("COMMIT");
    } catch (error) {
      if (db.inTransaction) db.exec("ROLLBACK");
      throw error;
    }
  }

  async rollbackGroup(): Promise<void> {
    const db = this.open();
    if (db.inTransaction) db.exec("ROLLBACK");
  }

  async nextSequence(name: string): Promise<number> {
    const row = this.s.nextSequence.get(name);
    if (!row) throw new Error(`counter ${name} returned no value`);
    return row.value;
  }

  async getSequence(name: string): Promise<number> {
    return this.s.getCounter.get(name)?.value ?? 0;
  }

  async getIncident(id: string): Promise<IncidentRecord | null> {
    const row = this.s.getIncident.get(id);
    return row ? read.incident(row) : null;
  }

  async listIncidents(filter: IncidentListFilter): Promise<IncidentRecord[]> {
    if (!(filter.limit > 0)) return [];
    const where: string[] = [];
    const params: ListParams = { limit: filter.limit };
    if (filter.statuses) {
      where.push("status IN (SELECT value FROM json_each(@statuses))");
      params.statuses = JSON.stringify(filter.statuses);
    }
    if (filter.incidentType !== undefined) {
      where.push("incident_type = @incidentType");
      params.incidentType = filter.incidentType;
    }
    if (filter.fromMs !== undefined) {
      where.push("received_at_ms >= @fromMs");
      params.fromMs = filter.fromMs;
    }
    if (filter.toMs !== undefined) {
      where.push("received_at_ms <= @toMs");
      params.toMs = filter.toMs;
    }
    if (filter.number !== undefined) {
      where.push("number = @number");
      params.number = filter.number;
    }
    if (filter.addressKeyPrefix !== undefined) {
      where.push("address_key >= @keyFrom AND address_key < @keyTo");
      params.keyFrom = filter.addressKeyPrefix;
      params.keyTo = prefixUpperBound(filter.addressKeyPrefix);
    }
    if (filter.after) {
      const beyond = filter.newestFirst ? "<" : ">";
      where.push(`(received_at_ms ${beyond} @afterMs OR (received_at_ms = @afterMs AND id ${beyond} @afterId))`);
      params.afterMs = filter.after.receivedAtMs;
      params.afterId = filter.after.id;
    }
    const order = filter.newestFirst ? "received_at_ms DESC, id DESC" : "received_at_ms, id";
    const sql = `SELECT * FROM incidents${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY ${order} LIMIT @limit`;
    let statement = this.listStatements.get(sql);
    if (!statement) {
      statement = this.open().prepare<[ListParams], Row>(sql);
      this.listStatements.set(sql, statement);
    }
    return statement.all(params).map(read.incident);
  }

  async findIncidentsInWindow(query: IncidentWindowQuery): Promise<IncidentRecord[]> {
    if (!(query.limit > 0)) return [];
    const params: WindowParams = {
      fromMs: query.fromMs,
      toMs: query.toMs,
      minLat: query.minLat,
      maxLat: query.maxLat,
      minLng: query.minLng,
      maxLng: query.maxLng,
      statuses: JSON.stringify(query.statuses),
      limit: query.limit,
    };
    const cells = cellsCovering(query);
    const rows = cells
      ? this.s.findIncidentsInCells.all({ ...params, cells: JSON.stringify(cells) })
      : this.s.findIncidentsInWindow.all(params);
    return rows.map(read.incident);
  }

  async findIncidentsByAddressKey(
    addressKey: string,
    fromMs: number,
    toMs: number,
    limit: number,
  ): Promise<IncidentRecord[]> {
    if (!(limit > 0)) return [];
    return this.s.findIncidentsByAddressKey.all(addressKey, fromMs, toMs, limit).map(read.incident);
  }

  async searchAddresses(prefix: string, limit: number): Promise<KnownAddress[]> {
    if (!(limit > 0)) return [];
    const known: KnownAddress[] = [];
    for (const row of this.s.searchAddresses.all({ from: prefix, to: prefixUpperBound(prefix), limit })) {
      // The latest incident there has no position yet (an address-only transfer): nothing to place a call with.
      if (row.lat === null || row.lng === null) continue;
      known.push({
        addressKey: row.address_key,
        address: row.address ?? row.address_key,
        lat: row.lat,
        lng: row.lng,
        lastSeenMs: row.last_seen_ms,
        incidents: row.incidents,
      });
    }
    return known;
  }

  async getStreamEvents<S extends StreamType>(streamType: S, streamId: string, afterSeq = 0): Promise<StreamEvent<S>[]> {
    return this.s.getStreamEvents.all(streamType, streamId, afterSeq).map(rowToEvent) as StreamEvent<S>[];
  }

  async getStream<S extends Exclude<StreamType, "incident">>(streamType: S, streamId: string): Promise<StreamRecord<S> | null> {
    const row = this.s.getStream.get(streamType, streamId);
    return row ? (read.stream(row) as StreamRecord<S>) : null;
  }

  async listStreams<S extends Exclude<StreamType, "incident">>(streamType: S): Promise<StreamRecord<S>[]> {
    return this.s.listStreams.all(streamType).map(read.stream) as StreamRecord<S>[];
  }

  async findStreamByLookupKey<S extends Exclude<StreamType, "incident">>(streamType: S, key: string): Promise<StreamRecord<S> | null> {
    const row = this.s.findStreamByLookupKey.get(streamType, key);
    return row ? (read.stream(row) as StreamRecord<S>) : null;
  }

  async getEventsAfter(position: number, limit: number): Promise<LogEvent[]> {
    if (!(limit > 0)) return [];
    return this.s.getEventsAfter.all(position, limit).map(rowToEvent);
  }

  async getLastPosition(): Promise<number> {
    return this.s.getLastPosition.get()?.last ?? 0;
  }

  async scanEvents(afterPosition: number, limit: number): Promise<ScannedEvent[]> {
    if (!(limit > 0)) return [];
    return this.s.getEventsAfter.all(afterPosition, limit).map((row) => {
      const place = { position: row.position, streamType: row.stream_type, streamId: row.stream_id, seq: row.seq, prevHash: row.prev_hash, hash: row.hash };
      for (const field of ["actor", "payload"] as const) {
        try {
          JSON.parse(row[field]);
        } catch (error) {
          return { ...place, event: null, unreadable: `${field} is not valid JSON (${error instanceof Error ? error.message : String(error)})` };
        }
      }
      try {
        return { ...place, event: rowToEvent(row) };
      } catch (error) {
        return { ...place, event: null, unreadable: error instanceof StoredEventError ? error.problem : String(error) };
      }
    });
  }

  async getCall(id: string): Promise<CallRecord | null> {
    const row = this.s.getCall.get(id);
    return row ? read.call(row) : null;
  }

  async getCallByIntakeId(intakeId: string): Promise<CallRecord | null> {
    const row = this.s.getCallByIntakeId.get(intakeId);
    return row ? read.call(row) : null;
  }

  async getCallByTransferKey(transferKey: string): Promise<CallRecord | null> {
    const row = this.s.getCallByTransferKey.get(transferKey);
    return row ? read.call(row) : null;
  }

  async findCallsByCallerNumber(callerNumber: string, fromMs: number, toMs: number, limit: number): Promise<CallRecord[]> {
    if (!(limit > 0)) return [];
    return this.s.findCallsByCallerNumber.all(callerNumber, fromMs, toMs, limit).map(read.call);
  }

  async getUnit(id: string): Promise<UnitRecord | null> {
    const row = this.s.getUnit.get(id);
    return row ? read.unit(row) : null;
  }

  async listUnits(): Promise<UnitRecord[]> {
    return this.s.listUnits.all().map(read.unit);
  }

  async updateUnitPosition(id: string, position: LatLng & { at: string }): Promise<void> {
    this.s.updateUnitPosition.run(toJson(position), id);
  }

  async createUser(user: UserRecord): Promise<void> {
    try {
      this.s.insertUser.run(toRow(USERS, user));
    } catch (error) {
      throw toUniqueViolation(error);
    }
  }

  async setUserPasswordHash(userId: string, passwordHash: string): Promise<void> {
    this.open().prepare(`UPDATE users SET password_hash = ? WHERE id = ?`).run(passwordHash, userId);
  }

  async replacePassword(change: PasswordChange): Promise<number | null> {
    const statements = this.s;
    // BEGIN IMMEDIATE: the compare-and-set and the revocation hold the write lock together.
    const replace = this.open().transaction((): number | null => {
      const replaced = statements.replacePasswordHash.run(change.newHash, change.passwordChangeRequiredAt, change.userId, change.expectedHash);
      if (replaced.changes !== 1) return null;
      return change.keepSession === null
        ? statements.revokeUserSessions.run(change.at, change.userId).changes
        : statements.revokeOtherSessions.run(change.at, change.userId, change.keepSession).changes;
    });
    return replace.immediate();
  }

  async getUser(id: string): Promise<UserRecord | null> {
    const row = this.s.getUser.get(id);
    return row ? read.user(row) : null;
  }

  async getUserByUsername(username: string): Promise<UserRecord | null> {
    const row = this.s.getUserByUsername.get(username);
    return row ? read.user(row) : null;
  }

  async listUsers(): Promise<UserRecord[]> {
    return this.s.listUsers.all().map(read.user);
  }

  async countUsers(): Promise<number> {
    return this.s.countUsers.get()?.count ?? 0;
  }

  async createSession(session: SessionRecord): Promise<void> {
    try {
      this.s.insertSession.run(toRow(SESSIONS, session));
    } catch (error) {
      throw toUniqueViolation(error);
    }
  }

  async getSession(tokenHash: string): Promise<SessionRecord | null> {
    const row = this.s.getSession.get(tokenHash);
    return row ? read.session(row) : null;
  }

  async revokeSession(tokenHash: string, at: string): Promise<void> {
    this.s.revokeSession.run(at, tokenHash);
  }

  async revokeUserSessions(userId: string, at: string): Promise<number> {
    return this.s.revokeUserSessions.run(at, userId).changes;
  }

  async getOp(opId: string): Promise<OpRecord | null> {
    const row = this.s.getOp.get(opId);
    return row ? read.op(row) : null;
  }

  async pruneOps(createdBefore: string, limit: number): Promise<number> {
    if (!(limit > 0)) return 0;
    return this.s.pruneOps.run(createdBefore, limit).changes;
  }

  async pruneSessions(expiredBefore: string, limit: number): Promise<number> {
    if (!(limit > 0)) return 0;
    return this.s.pruneSessions.run(expiredBefore, limit).changes;
  }

  async acquireLease(
    name: string,
    holder: string,
    nowMs: number,
    ttlMs: number,
  ): Promise<{ acquired: boolean; previous: LeaseRecord | null }> {
    const statements = this.s;
    // BEGIN IMMEDIATE takes the write lock before the read: two processes on one file cannot both see it free.
    const take = this.open().transaction(() => {
      const row = statements.getLease.get(name);
      const previous = row ? leaseFromRow(row) : null;
      if (previous && previous.holder !== holder && previous.expiresAtMs > nowMs) return { acquired: false, previous };
      statements.putLease.run(name, holder, nowMs + ttlMs, nowMs);
      return { acquired: true, previous };
    });
    return take.immediate();
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    this.s.releaseLease.run(name, holder);
  }

  async getLease(name: string): Promise<LeaseRecord | null> {
    const row = this.s.getLease.get(name);
    return row ? leaseFromRow(row) : null;
  }

  async getSetting<T>(key: string): Promise<T | null> {
    const row = this.s.getSetting.get(key);
    return row ? fromJson<T>(row.value) : null;
  }

  async putSetting<T>(key: string, value: T): Promise<void> {
    this.s.putSetting.run(key, toJson(value));
  }
}

function eventToRow(event: NewLogEvent): EventRowInput {
  return {
    stream_type: event.streamType,
    stream_id: event.streamId,
    seq: event.seq,
    type: event.type,
    occurred_at: event.occurredAt,
    recorded_at: event.recordedAt,
    source: event.source,
    actor: toJson(event.actor),
    payload: toJson(event.payload),
    prev_hash: event.prevHash,
    hash: event.hash,
  };
}
