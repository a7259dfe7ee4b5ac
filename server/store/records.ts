// Each record type's storage shape, declared once for both adapters: which field is the key, the SQLite column
// of every field, and whether its value is stored as is or as JSON. The SQLite adapter derives its rows and
// statements from these, the MongoDB adapter its documents and schemas; adding a field to a record type does not
// type-check until its mapping names it.
import { lookupKeyOf } from "../../shared/streams";
import { cellOf } from "./cells";
import type {
  CallRecord,
  IncidentRecord,
  OpRecord,
  SessionRecord,
  StreamRecord,
  UnitRecord,
  UserRecord,
} from "./types";

/** `text` and `number` are stored as they are (or NULL); `json` is any JSON value, kept as text in SQLite. */
export type Codec = "text" | "number" | "json";

export interface FieldMapping {
  column: string;
  codec: Codec;
}

export interface RecordMapping<R> {
  /** The SQLite table and the MongoDB collection. */
  name: string;
  /**
   * The key fields, in order. MongoDB's `_id` is the single key's value, or the values joined by ":"; the key
   * fields are not repeated in the document unless the key has several.
   */
  key: readonly (keyof R & string)[];
  fields: { [K in keyof R]-?: FieldMapping };
  /**
   * Stored for queries only, computed from the record on every write and never read back: an index needs the
   * value, the record does not (a grid cell of the position, a stream's lookup key).
   */
  derived?: Record<string, DerivedField<R>>;
}

export interface DerivedField<R> extends FieldMapping {
  codec: "text" | "number";
  of: (record: R) => string | number | null;
}

const text = (column: string): FieldMapping => ({ column, codec: "text" });
const number = (column: string): FieldMapping => ({ column, codec: "number" });
const json = (column: string): FieldMapping => ({ column, codec: "json" });

export const INCIDENTS: RecordMapping<IncidentRecord> = {
  name: "incidents",
  key: ["id"],
  fields: {
    id: text("id"),
    number: text("number"),
    status: text("status"),
    incidentType: text("incident_type"),
    receivedAtMs: number("received_at_ms"),
    lat: number("lat"),
    lng: number("lng"),
    addressKey: text("address_key"),
    externalId: text("external_id"),
    state: json("state"),
  },
  derived: {
    cell: { column: "cell", codec: "number", of: (incident) => (incident.lat === null || incident.lng === null ? null : cellOf(incident.lat, incident.lng)) },
  },
};

export const CALLS: RecordMapping<CallRecord> = {
  name: "calls",
  key: ["id"],
  fields: {
    id: text("id"),
    intakeId: text("intake_id"),
    requestHash: text("request_hash"),
    incidentId: text("incident_id"),
    receivedAtMs: number("received_at_ms"),
    callerNumber: text("caller_number"),
    transferKey: text("transfer_key"),
    recordedAt: text("recorded_at"),
  },
};

export const UNITS: RecordMapping<UnitRecord> = {
  name: "units",
  key: ["id"],
  fields: {
    id: text("id"),
    callSign: text("call_sign"),
    type: text("type"),
    station: text("station"),
    home: json("home"),
    status: text("status"),
    statusSince: text("status_since"),
    incidentId: text("incident_id"),
    position: json("position"),
    updatedAt: text("updated_at"),
    version: number("version"),
  },
};

export const STREAMS: RecordMapping<StreamRecord> = {
  name: "streams",
  key: ["streamType", "streamId"],
  fields: {
    streamType: text("stream_type"),
    streamId: text("stream_id"),
    state: json("state"),
    updatedAt: text("updated_at"),
  },
  derived: {
    // A published explanation's token (STREAM_LOOKUP_KEYS), indexed with the stream type.
    lookupKey: { column: "lookup_key", codec: "text", of: (stream) => lookupKeyOf(stream.streamType, stream.state) },
  },
};

export const USERS: RecordMapping<UserRecord> = {
  name: "users",
  key: ["id"],
  fields: {
    id: text("id"),
    username: text("username"),
    passwordHash: text("password_hash"),
    role: text("role"),
    unitId: text("unit_id"),
    displayName: text("display_name"),
    createdAt: text("created_at"),
    passwordChangeRequiredAt: text("password_change_required_at"),
  },
};

export const SESSIONS: RecordMapping<SessionRecord> = {
  name: "sessions",
  key: ["tokenHash"],
  fields: {
    tokenHash: text("token_hash"),
    userId: text("user_id"),
    createdAt: text("created_at"),
    expiresAt: text("expires_at"),
    revokedAt: text("revoked_at"),
  },
};

export const OPS: RecordMapping<OpRecord> = {
  name: "ops",
  key: ["opId"],
  fields: {
    opId: text("op_id"),
    kind: text("kind"),
    actorId: text("actor_id"),
    requestHash: text("request_hash"),
    result: json("result"),
    createdAt: text("created_at"),
  },
};

function entries<R>(mapping: RecordMapping<R>): [keyof R & string, FieldMapping][] {
  return Object.entries(mapping.fields) as [keyof R & string, FieldMapping][];
}

function derivedEntries<R>(mapping: RecordMapping<R>): [string, DerivedField<R>][] {
  return Object.entries(mapping.derived ?? {});
}

/** Every stored field (mapped and derived) with its column and codec: what a schema or a table declares. */
export function storedFields<R>(mapping: RecordMapping<R>): [string, FieldMapping][] {
  return [...entries(mapping), ...derivedEntries(mapping)];
}

// ---- SQLite: rows and statements ----

export type SqlValue = string | number | null;

/** The row to bind for a record: JSON fields as text, undefined as NULL (SQLite cannot bind undefined). */
export function toRow<R>(mapping: RecordMapping<R>, record: R): Record<string, SqlValue> {
  const row: Record<string, SqlValue> = {};
  for (const [field, { column, codec }] of entries(mapping)) {
    const value = record[field] as unknown;
    row[column] = value === undefined || value === null ? null : codec === "json" ? JSON.stringify(value) : (value as SqlValue);
  }
  for (const [, { column, of }] of derivedEntries(mapping)) row[column] = of(record);
  return row;
}

/** The record a row holds. The store only reads back what it wrote, so the cast is the mapping's promise. */
export function fromRow<R>(mapping: RecordMapping<R>, row: Record<string, unknown>): R {
  const record: Record<string, unknown> = {};
  for (const [field, { column, codec }] of entries(mapping)) {
    const value = row[column];
    record[field] = value === null || value === undefined ? null : codec === "json" ? JSON.parse(String(value)) : value;
  }
  return record as R;
}

export function columnsOf<R>(mapping: RecordMapping<R>): string[] {
  return storedFields(mapping).map(([, { column }]) => column);
}

export function keyColumnsOf<R>(mapping: RecordMapping<R>): string[] {
  return mapping.key.map((field) => mapping.fields[field].column);
}

export function insertSql<R>(mapping: RecordMapping<R>): string {
  const columns = columnsOf(mapping);
  return `INSERT INTO ${mapping.name} (${columns.join(", ")}) VALUES (${columns.map((column) => `@${column}`).join(", ")})`;
}

function nonKeyColumnsOf<R>(mapping: RecordMapping<R>): string[] {
  const keys = keyColumnsOf(mapping);
  return columnsOf(mapping).filter((column) => !keys.includes(column));
}

/** Insert, or replace every non-key column. */
export function upsertSql<R>(mapping: RecordMapping<R>): string {
  const updates = nonKeyColumnsOf(mapping).map((column) => `${column} = excluded.${column}`);
  return `${insertSql(mapping)} ON CONFLICT (${keyColumnsOf(mapping).join(", ")}) DO UPDATE SET ${updates.join(", ")}`;
}

/** Replace every non-key column of the stored record with this key, only where `guard` holds (an expected version). */
export function updateSql<R>(mapping: RecordMapping<R>, guard: string): string {
  const updates = nonKeyColumnsOf(mapping).map((column) => `${column} = @${column}`);
  const key = keyColumnsOf(mapping).map((column) => `${column} = @${column}`);
  return `UPDATE ${mapping.name} SET ${updates.join(", ")} WHERE ${key.join(" AND ")} AND ${guard}`;
}

// ---- MongoDB: documents ----

export type MongoDocument = { _id: string } & Record<string, unknown>;

export function documentId<R>(mapping: RecordMapping<R>, key: Partial<R>): string {
  return mapping.key.map((field) => String(key[field])).join(":");
}

/** The document for a record: `_id` from the key; JSON fields as their plain JSON copy (what SQLite would keep). */
export function toDocument<R>(mapping: RecordMapping<R>, record: R): MongoDocument {
  const document: MongoDocument = { _id: documentId(mapping, record) };
  const singleKey = mapping.key.length === 1 ? mapping.key[0] : undefined;
  for (const [field, { codec }] of entries(mapping)) {
    if (field === singleKey) continue;
    const value = record[field] as unknown;
    document[field] = value === undefined || value === null ? null : codec === "json" ? JSON.parse(JSON.stringify(value)) : value;
  }
  for (const [field, { of }] of derivedEntries(mapping)) document[field] = of(record);
  return document;
}

export function fromDocument<R>(mapping: RecordMapping<R>, document: Record<string, unknown>): R {
  const record: Record<string, unknown> = {};
  const singleKey = mapping.key.length === 1 ? mapping.key[0] : undefined;
  for (const [field] of entries(mapping)) {
    record[field] = field === singleKey ? document._id : (document[field] ?? null);
  }
  return record as R;
}
