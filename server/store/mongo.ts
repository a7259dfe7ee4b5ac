// MongoDB adapter of the storage port. Needs a replica set (transactions). Every commit is one transaction with
// write concern majority + journal, so a commit that returned survives a primary failover.
//
// Documents are plain fields; JSON-shaped values (state, payload, actor, result, settings) are Mixed and go through
// a JSON round trip on the way in, so both adapters store exactly the same thing (undefined keys dropped).
import mongoose from "mongoose";
import type { ClientSession, Connection, FilterQuery } from "mongoose";
import { parseStoredEvent, StoredEventError } from "../../shared/eventSchemas";
import type { Actor, LogEvent, NewLogEvent, StreamEvent, StreamType } from "../../shared/events";
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
  type PasswordChange,
  type ScannedEvent,
  type SessionRecord,
  type Store,
  type StreamRecord,
  type UnitRecord,
  type UserRecord,
} from "./types";
import { CELL_MONGO, cellsCovering } from "./cells";
import {
  CALLS,
  fromDocument,
  INCIDENTS,
  OPS,
  SESSIONS,
  STREAMS,
  storedFields,
  toDocument,
  UNITS,
  USERS,
  type MongoDocument,
  type RecordMapping,
} from "./records";

const { Schema } = mongoose;
const Mixed = Schema.Types.Mixed;

/** The counters document the global event position comes from; named counters live beside it as `seq:<name>`. */
const EVENT_POSITION_COUNTER = "eventPosition";

interface EventDoc {
  position: number;
  streamType: string;
  streamId: string;
  seq: number;
  type: string;
  occurredAt: string;
  recordedAt: string;
  source: string;
  actor: Actor;
  payload: unknown;
  prevHash: string;
  hash: string;
}

interface CounterDoc {
  _id: string;
  value: number;
}

interface LeaseDoc {
  _id: string;
  holder: string;
  expiresAtMs: number;
  renewedAtMs: number;
}

function leaseFromDoc(doc: LeaseDoc): LeaseRecord {
  return { name: doc._id, holder: doc.holder, expiresAtMs: doc.expiresAtMs, renewedAtMs: doc.renewedAtMs };
}

interface SettingDoc {
  _id: string;
  value: unknown;
}

// Indexes are built by syncIndexes() in init(), never implicitly; minimize:false keeps empty objects ({} phases)
// inside Mixed values; no __v.
const schemaOptions = { autoIndex: false, autoCreate: false, minimize: false, versionKey: false } as const;

/** A collection's schema from its record mapping: `_id` and every other field, JSON fields as Mixed. */
function schemaFor<R>(mapping: RecordMapping<R>): mongoose.Schema {
  const definition: mongoose.SchemaDefinition = { _id: String };
  const singleKey = mapping.key.length === 1 ? mapping.key[0] : undefined;
  for (const [field, { codec }] of storedFields(mapping)) {
    if (field === singleKey) continue;
    // The long form throughout: a field named "type" would otherwise be read as mongoose's type key.
    definition[field] = { type: codec === "json" ? Mixed : codec === "number" ? Number : String };
  }
  return new Schema(definition, schemaOptions);
}

/** The models over one connection; exported so a test can check the schemas without a database. */
export function buildModels(connection: Connection) {
  const events = new Schema<EventDoc>(
    {
      position: Number,
      streamType: String,
      streamId: String,
      seq: Number,
      // `type` is mongoose's type key, so the field named "type" needs the long form.
      type: { type: String },
      occurredAt: String,
      recordedAt: String,
      source: String,
      actor: Mixed,
      payload: Mixed,
      prevHash: String,
      hash: String,
    },
    schemaOptions,
  );
  events.index({ streamType: 1, streamId: 1, seq: 1 }, { unique: true });
  events.index({ position: 1 }, { unique: true });

  const incidents = schemaFor(INCIDENTS);
  incidents.index({ cell: 1, receivedAtMs: 1 });
  incidents.index({ receivedAtMs: 1, lat: 1 });
  incidents.index({ addressKey: 1, receivedAtMs: 1 });
  incidents.index({ status: 1, receivedAtMs: 1 });
  incidents.index({ number: 1 });

  const calls = schemaFor(CALLS);
  calls.index({ intakeId: 1 }, { unique: true });
  calls.index({ transferKey: 1, recordedAt: -1 });
  calls.index({ callerNumber: 1, receivedAtMs: 1 });

  const units = schemaFor(UNITS);

  const streams = schemaFor(STREAMS);
  streams.index({ streamType: 1, streamId: 1 }, { unique: true });
  streams.index({ streamType: 1, lookupKey: 1 });

  const users = schemaFor(USERS);
  users.index({ username: 1 }, { unique: true });

  const sessions = schemaFor(SESSIONS);
  sessions.index({ userId: 1 });
  sessions.index({ expiresAt: 1 });

  const ops = schemaFor(OPS);
  ops.index({ createdAt: 1 });

  const counters = new Schema<CounterDoc>({ _id: String, value: Number }, schemaOptions);
  const settings = new Schema<SettingDoc>({ _id: String, value: Mixed }, schemaOptions);
  const leases = new Schema<LeaseDoc>({ _id: String, holder: String, expiresAtMs: Number, renewedAtMs: Number }, schemaOptions);

  return {
    events: connection.model<EventDoc>("Event", events, "events"),
    incidents: connection.model<MongoDocument>("Incident", incidents, INCIDENTS.name),
    calls: connection.model<MongoDocument>("Call", calls, CALLS.name),
    units: connection.model<MongoDocument>("Unit", units, UNITS.name),
    streams: connection.model<MongoDocument>("Stream", streams, STREAMS.name),
    users: connection.model<MongoDocument>("User", users, USERS.name),
    sessions: connection.model<MongoDocument>("Session", sessions, SESSIONS.name),
    ops: connection.model<MongoDocument>("Op", ops, OPS.name),
    counters: connection.model<CounterDoc>("Counter", counters, "counters"),
    settings: connection.model<SettingDoc>("Setting", settings, "settings"),
    leases: connection.model<LeaseDoc>("Lease", leases, "leases"),
  };
}

type Models = ReturnType<typeof buildModels>;
type CollectionName = keyof Models;

/** A JSON-shaped copy: what SQLite would store. undefined becomes null at the top, is dropped inside. */
function plain<T>(value: T): T {
  const text = JSON.stringify(value);
  return (text === undefined ? null : JSON.parse(text)) as T;
}

/**
 * Unique index -> port key, per collection (an `_id_` duplicate means opId only in ops). Index names are
 * MongoDB's defaults, e.g. `incidentId_1_seq_1`.
 */
export const UNIQUE_KEYS: Partial<Record<CollectionName, Record<string, UniqueViolationError["key"]>>> = {
  events: { streamType_1_streamId_1_seq_1: "event" },
  calls: { intakeId_1: "intakeId" },
  ops: { _id_: "opId" },
  users: { username_1: "username" },
  counters: { _id_: "counter" },
};

function isDuplicateKeyError(error: unknown): error is Error & { code: number; keyPattern?: unknown } {
  return error instanceof Error && "code" in error && error.code === 11000;
}

/**
 * The index a duplicate-key error names. Single writes carry `keyPattern`; insertMany's bulk error does not,
 * so fall back to the server message ("E11000 duplicate key error collection: db.calls index: intakeId_1 dup key").
 */
function duplicateIndexName(error: Error & { keyPattern?: unknown }): string | null {
  if (error.keyPattern && typeof error.keyPattern === "object") {
    const pattern = Object.entries(error.keyPattern);
    if (pattern.length > 0) {
      const name = pattern.map(([field, direction]) => `${field}_${String(direction)}`).join("_");
      return name === "_id_1" ? "_id_" : name;
    }
  }
  return /index: (\S+)/.exec(error.message)?.[1] ?? null;
}

export function toUniqueViolation(collection: CollectionName, error: unknown): unknown {
  if (!isDuplicateKeyError(error)) return error;
  const index = duplicateIndexName(error);
  const key = (index !== null ? UNIQUE_KEYS[collection]?.[index] : undefined) ?? "other";
  return new UniqueViolationError(key, `duplicate ${collection} key: ${error.message}`);
}

/** Runs one write; a duplicate key becomes UniqueViolationError (which aborts, never retries, a transaction). */
async function write<T>(collection: CollectionName, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw toUniqueViolation(collection, error);
  }
}

/** The URL without its password (and without credential-looking query values), safe to log. */
export function redactMongoUrl(url: string): string {
  const withoutPassword = url.replace(/^(mongodb(?:\+srv)?:\/\/)([^@/]*)@/, (_match, scheme: string, userInfo: string) => {
    const user = userInfo.split(":")[0] ?? "";
    return `${scheme}${user}@`;
  });
  return withoutPassword.replace(/([?&])([^=&]*(?:pass|secret|token|key|auth)[^=&]*)=([^&]*)/gi, "$1$2=***");
}

/** A stored event, checked against its stream's schema before anything folds it or sends it out. */
function toEvent(doc: EventDoc): LogEvent {
  return parseStoredEvent({
    position: doc.position,
    streamType: doc.streamType,
    streamId: doc.streamId,
    seq: doc.seq,
    type: doc.type,
    occurredAt: doc.occurredAt,
    recordedAt: doc.recordedAt,
    source: doc.source,
    actor: doc.actor,
    payload: doc.payload,
    prevHash: doc.prevHash,
    hash: doc.hash,
  });
}

export function eventDoc(event: NewLogEvent, position: number): EventDoc {
  return {
    position,
    streamType: event.streamType,
    streamId: event.streamId,
    seq: event.seq,
    type: event.type,
    occurredAt: event.occurredAt,
    recordedAt: event.recordedAt,
    source: event.source,
    actor: plain(event.actor),
    payload: plain(event.payload),
    prevHash: event.prevHash,
    hash: event.hash,
  };
}

/** Each record type's documents read back through its declared mapping (records.ts). */
const read = {
  incident: (doc: MongoDocument) => fromDocument(INCIDENTS, doc),
  call: (doc: MongoDocument) => fromDocument(CALLS, doc),
  unit: (doc: MongoDocument) => fromDocument(UNITS, doc),
  stream: (doc: MongoDocument) => fromDocument(STREAMS, doc),
  user: (doc: MongoDocument) => fromDocument(USERS, doc),
  session: (doc: MongoDocument) => fromDocument(SESSIONS, doc),
  op: (doc: MongoDocument) => fromDocument(OPS, doc),
};

/** The unique index of the events of the incident-only log, before streams: { incidentId: 1, seq: 1 }. */
const LEGACY_EVENT_INDEX = "incidentId_1_seq_1";

/**
 * Brings documents written by an older version up to the current shape, idempotently, before the indexes are
 * synced: events of the incident-only log become incident-stream events (positions, seqs and hashes kept), and
 * units get a version. Uses update pipelines (MongoDB 4.2+) so the values move inside the server.
 */
async function migrateDocuments(models: Models): Promise<void> {
  // The incident-only log had a unique { incidentId, seq } index. A unique index keys a document without the field
  // as null, so once the update below unsets incidentId, the first events of two incidents collide on (null, 1):
  // the old index goes first (syncIndexes, which would drop it, runs only after the migration).
  if (await models.events.collection.indexExists(LEGACY_EVENT_INDEX)) {
    await models.events.collection.dropIndex(LEGACY_EVENT_INDEX);
  }
  await models.events.collection.updateMany({ streamType: { $exists: false } }, [
    { $set: { streamType: "incident", streamId: "$incidentId" } },
    { $unset: "incidentId" },
  ]);
  await models.units.collection.updateMany({ version: { $exists: false } }, { $set: { version: 1 } });
  // Incidents stored before the duplicate lookup went by grid cell (an update pipeline computes it in place).
  await models.incidents.collection.updateMany({ cell: { $exists: false } }, [{ $set: { cell: CELL_MONGO } }]);
}
/** Driver error classes that mean the cluster cannot be reached or cannot take the write now. */
const UNAVAILABLE_MONGO_ERRORS = new Set([
  "MongoNetworkError",
  "MongoNetworkTimeoutError",
  "MongoServerSelectionError",
  "MongoNotConnectedError",
  "MongoTopologyClosedError",
  "MongoWriteConcernError",
]);
/**
 * Server codes for the same: the retryable-writes codes (HostUnreachable 6, HostNotFound 7, NetworkTimeout 89,
 * ShutdownInProgress 91, PrimarySteppedDown 189, ExceededTimeLimit 262, SocketException 9001, NotWritablePrimary
 * 10107, InterruptedAtShutdown 11600, InterruptedDueToReplStateChange 11602, NotPrimaryNoSecondaryOk 13435,
 * NotPrimaryOrSecondary 13436) and WriteConcernFailed 64 (a majority not reached in time).
 */
const UNAVAILABLE_MONGO_CODES = new Set([6, 7, 64, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436]);
const PING_WRITE_TIMEOUT_MS = 5000;

export class MongoStore implements Store {
  readonly kind = "mongodb" as const;
  readonly location: string;
  private readonly url: string;
  private connection: Connection | null = null;
  private models: Models | null = null;

  constructor(url: string) {
    this.url = url;
    this.location = redactMongoUrl(url);
  }

  async init(): Promise<void> {
    if (this.connection) return;
    const connection = mongoose.createConnection(this.url, {
      // Fail a write at once when the database is unreachable instead of queueing it in memory.
      bufferCommands: false,
      autoIndex: false,
      autoCreate: false,
      writeConcern: { w: "majority", journal: true },
      serverSelectionTimeoutMS: 10_000,
    });
    try {
      await connection.asPromise();
      const models = buildModels(connection);
      // Collections first: a transaction cannot create them on every server version.
      for (const model of Object.values(models)) await model.createCollection();
      await migrateDocuments(models);
      // syncIndexes also drops indexes the schemas no longer declare (the events' old incidentId_1_seq_1).
      for (const model of Object.values(models)) await model.syncIndexes();
      this.connection = connection;
      this.models = models;
    } catch (error) {
      await connection.close().catch(() => undefined);
      throw error;
    }
  }

  async close(): Promise<void> {
    const connection = this.connection;
    this.connection = null;
    this.models = null;
    await connection?.close();
  }

  async ping(): Promise<{ ok: boolean; detail?: string }> {
    try {
      const db = this.connection?.db;
      if (!db) return { ok: false, detail: "not connected" };
      // A real write with the same durability as commands: a cluster without a writable primary, or one that
      // cannot reach a majority, fails here instead of answering healthy to a read-only ping.
      await db
        .collection<{ _id: string; at: Date }>("health_probes")
        .updateOne(
          { _id: "probe" },
          { $set: { at: new Date() } },
          { upsert: true, writeConcern: { w: "majority", journal: true, wtimeoutMS: PING_WRITE_TIMEOUT_MS } },
        );
      return { ok: true };
    } catch (error) {
      return { ok: false, detail: error instanceof Error ? error.message : String(error) };
    }
  }

  isUnavailableError(error: unknown): boolean {
    if (error instanceof StoreClosedError) return true;
    if (typeof error !== "object" || error === null) return false;
    const { name, code } = error as { name?: unknown; code?: unknown };
    if (typeof name === "string" && UNAVAILABLE_MONGO_ERRORS.has(name)) return true;
    if (typeof code === "number" && UNAVAILABLE_MONGO_CODES.has(code)) return true;
    const hasLabel = (error as { hasErrorLabel?: unknown }).hasErrorLabel;
    return typeof hasLabel === "function" && Boolean(hasLabel.call(error, "RetryableWriteError"));
  }

  /** Drops this store's whole database. Not part of the port: for throw-away test databases only. */
  async dropDatabase(): Promise<void> {
    await this.conn.dropDatabase();
  }

  private get m(): Models {
    if (!this.models) throw new StoreClosedError(this.location);
    return this.models;
  }

  private get conn(): Connection {
    if (!this.connection) throw new StoreClosedError(this.location);
    return this.connection;
  }

  async commit(changes: Partial<Commit>): Promise<LogEvent[]> {
    const models = this.m;
    // withTransaction retries the whole callback on transient errors, so it starts from scratch every time.
    return this.conn.transaction((session) => this.writeCommit(models, session, changes), {
      readConcern: { level: "snapshot" },
      writeConcern: new mongoose.mongo.WriteConcern("majority", undefined, true),
      readPreference: "primary",
    });
  }

  private async writeCommit(models: Models, session: ClientSession, changes: Partial<Commit>): Promise<LogEvent[]> {
    const events = changes.events ?? [];
    const stored: LogEvent[] = [];
    if (events.length > 0) {
      // Incremented inside the transaction: concurrent commits conflict on this document, so positions are
      // handed out in commit order and a rolled-back commit does not consume any.
      const counter = await models.counters
        .findOneAndUpdate(
          { _id: EVENT_POSITION_COUNTER },
          { $inc: { value: events.length } },
          { upsert: true, new: true, session },
        )
        .lean<CounterDoc>()
        .exec();
      if (!counter) throw new Error("event position counter returned no document");
      const first = counter.value - events.length + 1;
      const docs = events.map((event, index) => eventDoc(event, first + index));
      await write("events", () => models.events.insertMany(docs, { session, ordered: true }));
      events.forEach((event, index) => stored.push({ ...event, position: first + index } as LogEvent));
    }
    for (const incident of changes.incidents ?? []) {
      const doc = toDocument(INCIDENTS, incident);
      await write("incidents", () => models.incidents.replaceOne({ _id: doc._id }, doc, { upsert: true, session }).exec());
    }
    const calls = (changes.calls ?? []).map((call) => toDocument(CALLS, call));
    if (calls.length > 0) await write("calls", () => models.calls.insertMany(calls, { session, ordered: true }));
    for (const move of changes.callMoves ?? []) {
      const result = await models.calls
        .updateOne({ _id: move.callId }, { $set: { incidentId: move.incidentId } }, { session })
        .exec();
      // A move of a call that does not exist is a bug in the caller: fail the whole commit rather than lose it.
      if (result.matchedCount !== 1) throw new Error(`call ${move.callId} not found`);
    }
    for (const stream of changes.streams ?? []) {
      const doc = toDocument(STREAMS, stream);
      await write("streams", () => models.streams.replaceOne({ _id: doc._id }, doc, { upsert: true, session }).exec());
    }
    for (const unit of changes.units ?? []) {
      const doc = toDocument(UNITS, { ...unit, version: unit.version + 1 });
      const stale = new StaleWriteError(`unit ${unit.id} changed since version ${unit.version} was read`);
      if (unit.version === 0) {
        // A new unit: if another writer created it first, the _id is taken and this write is stale.
        try {
          await models.units.insertMany([doc], { session });
        } catch (error) {
          throw isDuplicateKeyError(error) ? stale : error;
        }
      } else {
        const result = await models.units.replaceOne({ _id: doc._id, version: unit.version }, doc, { session }).exec();
        if (result.matchedCount !== 1) throw stale;
      }
    }
    const ops = (changes.ops ?? []).map((op) => toDocument(OPS, op));
    if (ops.length > 0) await write("ops", () => models.ops.insertMany(ops, { session, ordered: true }));
    for (const counter of changes.counters ?? []) {
      // Compare-and-set inside the transaction. A counter never used is inserted: if it exists meanwhile, the
      // duplicate _id fails the commit; otherwise only a document still at `from` is moved.
      if (counter.from === 0) {
        await write("counters", () => models.counters.create([{ _id: `seq:${counter.name}`, value: counter.to }], { session }));
      } else {
        const result = await models.counters
          .updateOne({ _id: `seq:${counter.name}`, value: counter.from }, { $set: { value: counter.to } }, { session })
          .exec();
        if (result.matchedCount !== 1) {
          throw new UniqueViolationError("counter", `counter ${counter.name} is no longer at ${counter.from}`);
        }
      }
    }
    return stored;
  }

  /** Each commit is its own multi-document transaction: no group commit (see the port). */
  beginGroup(): boolean {
    return false;
  }

  async commitGroup(): Promise<void> {}

  async rollbackGroup(): Promise<void> {}

  async nextSequence(name: string): Promise<number> {
    const counter = await this.m.counters
      .findOneAndUpdate({ _id: `seq:${name}` }, { $inc: { value: 1 } }, { upsert: true, new: true })
      .lean<CounterDoc>()
      .exec();
    if (!counter) throw new Error(`counter ${name} returned no document`);
    return counter.value;
  }

  async getSequence(name: string): Promise<number> {
    const counter = await this.m.counters.findOne({ _id: `seq:${name}` }).lean<CounterDoc>().exec();
    return counter?.value ?? 0;
  }

  async getIncident(id: string): Promise<IncidentRecord | null> {
    const doc = await this.m.incidents.findOne({ _id: id }).lean<MongoDocument>().exec();
    return doc ? read.incident(doc) : null;
  }

  async listIncidents(filter: IncidentListFilter): Promise<IncidentRecord[]> {
    if (!(filter.limit > 0)) return [];
    const query: FilterQuery<MongoDocument> = {};
    if (filter.statuses) query.status = { $in: filter.statuses };
    if (filter.incidentType !== undefined) query.incidentType = filter.incidentType;
    if (filter.fromMs !== undefined || filter.toMs !== undefined) {
      query.receivedAtMs = {
        ...(filter.fromMs !== undefined ? { $gte: filter.fromMs } : {}),
        ...(filter.toMs !== undefined ? { $lte: filter.toMs } : {}),
      };
    }
    if (filter.number !== undefined) query.number = filter.number;
    if (filter.addressKeyPrefix !== undefined) {
      query.addressKey = { $gte: filter.addressKeyPrefix, $lt: prefixUpperBound(filter.addressKeyPrefix) };
    }
    if (filter.after) {
      const { receivedAtMs, id } = filter.after;
      const beyond = filter.newestFirst ? "$lt" : "$gt";
      query.$or = [{ receivedAtMs: { [beyond]: receivedAtMs } }, { receivedAtMs, _id: { [beyond]: id } }];
    }
    const direction = filter.newestFirst ? -1 : 1;
    const docs = await this.m.incidents
      .find(query)
      .sort({ receivedAtMs: direction, _id: direction })
      .limit(filter.limit)
      .lean<MongoDocument[]>()
      .exec();
    return docs.map(read.incident);
  }

  async findIncidentsInWindow(query: IncidentWindowQuery): Promise<IncidentRecord[]> {
    if (!(query.limit > 0)) return [];
    // One index seek per grid cell around the call (cells.ts); a box too wide for cells walks the time window.
    const cells = cellsCovering(query);
    const docs = await this.m.incidents
      .find({
        ...(cells ? { cell: { $in: cells } } : {}),
        receivedAtMs: { $gte: query.fromMs, $lte: query.toMs },
        lat: { $gte: query.minLat, $lte: query.maxLat },
        lng: { $gte: query.minLng, $lte: query.maxLng },
        status: { $in: query.statuses },
      })
      .hint(cells ? { cell: 1, receivedAtMs: 1 } : { receivedAtMs: 1, lat: 1 })
      .sort({ receivedAtMs: -1, _id: -1 })
      .limit(query.limit)
      .lean<MongoDocument[]>()
      .exec();
    return docs.map(read.incident);
  }

  async findIncidentsByAddressKey(
    addressKey: string,
    fromMs: number,
    toMs: number,
    limit: number,
  ): Promise<IncidentRecord[]> {
    if (!(limit > 0)) return [];
    const docs = await this.m.incidents
      .find({ addressKey, receivedAtMs: { $gte: fromMs, $lte: toMs } })
      .sort({ receivedAtMs: -1, _id: -1 })
      .limit(limit)
      .lean<MongoDocument[]>()
      .exec();
    return docs.map(read.incident);
  }

  async searchAddresses(prefix: string, limit: number): Promise<KnownAddress[]> {
    if (!(limit > 0)) return [];
    // A range, never a $regex: nothing the dispatcher types is a pattern. The $match and $sort run on the
    // { addressKey: 1, receivedAtMs: 1 } index walked backwards, so each key's documents arrive newest first and
    // $first takes the most recent incident's location and text.
    const rows = await this.m.incidents
      .aggregate<{ _id: string; address: string | null; lat: number | null; lng: number | null; lastSeenMs: number; incidents: number }>([
        { $match: { addressKey: { $gte: prefix, $lt: prefixUpperBound(prefix) } } },
        { $sort: { addressKey: -1, receivedAtMs: -1 } },
        {
          $group: {
            _id: "$addressKey",
            lastSeenMs: { $first: "$receivedAtMs" },
            address: { $first: "$state.location.address" },
            lat: { $first: "$lat" },
            lng: { $first: "$lng" },
            incidents: { $sum: 1 },
          },
        },
        { $sort: { lastSeenMs: -1, _id: 1 } },
        { $limit: limit },
      ])
      .hint({ addressKey: 1, receivedAtMs: 1 })
      .exec();
    const known: KnownAddress[] = [];
    for (const row of rows) {
      // The latest incident there has no position yet (an address-only transfer): nothing to place a call with.
      if (row.lat === null || row.lat === undefined || row.lng === null || row.lng === undefined) continue;
      known.push({
        addressKey: row._id,
        address: row.address ?? row._id,
        lat: row.lat,
        lng: row.lng,
        lastSeenMs: row.lastSeenMs,
        incidents: row.incidents,
      });
    }
    return known;
  }

  async getStreamEvents<S extends StreamType>(streamType: S, streamId: string, afterSeq = 0): Promise<StreamEvent<S>[]> {
    const docs = await this.m.events
      .find({ streamType, streamId, seq: { $gt: afterSeq } })
      .sort({ seq: 1 })
      .lean<EventDoc[]>()
      .exec();
    return docs.map(toEvent) as StreamEvent<S>[];
  }

  async getStream<S extends Exclude<StreamType, "incident">>(streamType: S, streamId: string): Promise<StreamRecord<S> | null> {
    const doc = await this.m.streams.findOne({ _id: `${streamType}:${streamId}` }).lean<MongoDocument>().exec();
    return doc ? (read.stream(doc) as StreamRecord<S>) : null;
  }

  async listStreams<S extends Exclude<StreamType, "incident">>(streamType: S): Promise<StreamRecord<S>[]> {
    const docs = await this.m.streams.find({ streamType }).sort({ streamId: 1 }).lean<MongoDocument[]>().exec();
    return docs.map(read.stream) as StreamRecord<S>[];
  }

  async findStreamByLookupKey<S extends Exclude<StreamType, "incident">>(streamType: S, key: string): Promise<StreamRecord<S> | null> {
    const doc = await this.m.streams.findOne({ streamType, lookupKey: key }).lean<MongoDocument>().exec();
    return doc ? (read.stream(doc) as StreamRecord<S>) : null;
  }

  async getEventsAfter(position: number, limit: number): Promise<LogEvent[]> {
    if (!(limit > 0)) return [];
    const docs = await this.m.events
      .find({ position: { $gt: position } })
      .sort({ position: 1 })
      .limit(limit)
      .lean<EventDoc[]>()
      .exec();
    return docs.map(toEvent);
  }

  async getLastPosition(): Promise<number> {
    const doc = await this.m.events.findOne({}).sort({ position: -1 }).lean<EventDoc>().exec();
    return doc?.position ?? 0;
  }

  async scanEvents(afterPosition: number, limit: number): Promise<ScannedEvent[]> {
    if (!(limit > 0)) return [];
    const docs = await this.m.events
      .find({ position: { $gt: afterPosition } })
      .sort({ position: 1 })
      .limit(limit)
      .lean<EventDoc[]>()
      .exec();
    return docs.map((doc) => {
      const place = { position: doc.position, streamType: doc.streamType, streamId: doc.streamId, seq: doc.seq, prevHash: doc.prevHash, hash: doc.hash };
      try {
        return { ...place, event: toEvent(doc) };
      } catch (error) {
        return { ...place, event: null, unreadable: error instanceof StoredEventError ? error.problem : String(error) };
      }
    });
  }

  async getCall(id: string): Promise<CallRecord | null> {
    const doc = await this.m.calls.findOne({ _id: id }).lean<MongoDocument>().exec();
    return doc ? read.call(doc) : null;
  }

  async getCallByIntakeId(intakeId: string): Promise<CallRecord | null> {
    const doc = await this.m.calls.findOne({ intakeId }).lean<MongoDocument>().exec();
    return doc ? read.call(doc) : null;
  }

  async getCallByTransferKey(transferKey: string): Promise<CallRecord | null> {
    // Several calls may share a transfer key (one external incident, several transfers): the latest recorded wins.
    const doc = await this.m.calls
      .findOne({ transferKey })
      .sort({ recordedAt: -1, _id: -1 })
      .lean<MongoDocument>()
      .exec();
    return doc ? read.call(doc) : null;
  }

  async findCallsByCallerNumber(callerNumber: string, fromMs: number, toMs: number, limit: number): Promise<CallRecord[]> {
    if (!(limit > 0)) return [];
    const docs = await this.m.calls
      .find({ callerNumber, receivedAtMs: { $gte: fromMs, $lte: toMs } })
      .sort({ receivedAtMs: -1, _id: -1 })
      .limit(limit)
      .lean<MongoDocument[]>()
      .exec();
    return docs.map(read.call);
  }

  async getUnit(id: string): Promise<UnitRecord | null> {
    const doc = await this.m.units.findOne({ _id: id }).lean<MongoDocument>().exec();
    return doc ? read.unit(doc) : null;
  }

  async listUnits(): Promise<UnitRecord[]> {
    const docs = await this.m.units.find({}).sort({ callSign: 1, _id: 1 }).lean<MongoDocument[]>().exec();
    return docs.map(read.unit);
  }

  async updateUnitPosition(id: string, position: LatLng & { at: string }): Promise<void> {
    await this.m.units.updateOne({ _id: id }, { $set: { position: plain(position) }, $inc: { version: 1 } }).exec();
  }

  async createUser(user: UserRecord): Promise<void> {
    await write("users", () => this.m.users.create(toDocument(USERS, user)));
  }

  async setUserPasswordHash(userId: string, passwordHash: string): Promise<void> {
    await this.m.users.updateOne({ _id: userId }, { $set: { passwordHash } });
  }

  async replacePassword(change: PasswordChange): Promise<number | null> {
    const models = this.m;
    // withTransaction may run the callback again on a transient error: it only reads and writes through `session`.
    return this.conn.transaction(
      async (session) => {
        const replaced = await models.users
          .updateOne(
            { _id: change.userId, passwordHash: change.expectedHash },
            { $set: { passwordHash: change.newHash, passwordChangeRequiredAt: change.passwordChangeRequiredAt } },
            { session },
          )
          .exec();
        if (replaced.modifiedCount !== 1) return null;
        const sessions = change.keepSession === null ? { userId: change.userId } : { userId: change.userId, _id: { $ne: change.keepSession } };
        const revoked = await models.sessions.updateMany({ ...sessions, revokedAt: null }, { $set: { revokedAt: change.at } }, { session }).exec();
        return revoked.modifiedCount;
      },
      {
        writeConcern: new mongoose.mongo.WriteConcern("majority", undefined, true),
        readPreference: "primary",
      },
    );
  }

  async getUser(id: string): Promise<UserRecord | null> {
    const doc = await this.m.users.findOne({ _id: id }).lean<MongoDocument>().exec();
    return doc ? read.user(doc) : null;
  }

  async getUserByUsername(username: string): Promise<UserRecord | null> {
    const doc = await this.m.users.findOne({ username }).lean<MongoDocument>().exec();
    return doc ? read.user(doc) : null;
  }

  async listUsers(): Promise<UserRecord[]> {
    const docs = await this.m.users.find({}).sort({ username: 1 }).lean<MongoDocument[]>().exec();
    return docs.map(read.user);
  }

  async countUsers(): Promise<number> {
    return this.m.users.countDocuments({}).exec();
  }

  async createSession(session: SessionRecord): Promise<void> {
    await write("sessions", () => this.m.sessions.create(toDocument(SESSIONS, session)));
  }

  async getSession(tokenHash: string): Promise<SessionRecord | null> {
    const doc = await this.m.sessions.findOne({ _id: tokenHash }).lean<MongoDocument>().exec();
    return doc ? read.session(doc) : null;
  }

  async revokeSession(tokenHash: string, at: string): Promise<void> {
    // The first revocation time stands: revoking twice does not move it.
    await this.m.sessions.updateOne({ _id: tokenHash, revokedAt: null }, { $set: { revokedAt: at } }).exec();
  }

  async revokeUserSessions(userId: string, at: string): Promise<number> {
    const result = await this.m.sessions.updateMany({ userId, revokedAt: null }, { $set: { revokedAt: at } }).exec();
    return result.modifiedCount;
  }

  async getOp(opId: string): Promise<OpRecord | null> {
    const doc = await this.m.ops.findOne({ _id: opId }).lean<MongoDocument>().exec();
    return doc ? read.op(doc) : null;
  }

  async pruneOps(createdBefore: string, limit: number): Promise<number> {
    if (!(limit > 0)) return 0;
    // deleteMany has no limit: take the oldest ids through the createdAt index, then delete exactly those.
    const oldest = await this.m.ops
      .find({ createdAt: { $lt: createdBefore } }, { _id: 1 })
      .sort({ createdAt: 1 })
      .limit(limit)
      .lean<{ _id: string }[]>()
      .exec();
    if (oldest.length === 0) return 0;
    const result = await this.m.ops.deleteMany({ _id: { $in: oldest.map((doc) => doc._id) } }).exec();
    return result.deletedCount;
  }

  async pruneSessions(expiredBefore: string, limit: number): Promise<number> {
    if (!(limit > 0)) return 0;
    const expired = await this.m.sessions
      .find({ expiresAt: { $lt: expiredBefore } }, { _id: 1 })
      .sort({ expiresAt: 1 })
      .limit(limit)
      .lean<{ _id: string }[]>()
      .exec();
    if (expired.length === 0) return 0;
    const result = await this.m.sessions.deleteMany({ _id: { $in: expired.map((doc) => doc._id) } }).exec();
    return result.deletedCount;
  }

  async acquireLease(
    name: string,
    holder: string,
    nowMs: number,
    ttlMs: number,
  ): Promise<{ acquired: boolean; previous: LeaseRecord | null }> {
    try {
      // Matches only a lease this holder may take; when it matches nothing, the upsert inserts `name` and the
      // unique _id refuses it if another holder's unexpired lease is there (no lease yet: the insert wins).
      const before = await this.m.leases
        .findOneAndUpdate(
          { _id: name, $or: [{ holder }, { expiresAtMs: { $lte: nowMs } }] },
          { $set: { holder, expiresAtMs: nowMs + ttlMs, renewedAtMs: nowMs } },
          { upsert: true, returnDocument: "before" },
        )
        .lean<LeaseDoc>()
        .exec();
      return { acquired: true, previous: before ? leaseFromDoc(before) : null };
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      return { acquired: false, previous: await this.getLease(name) };
    }
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    await this.m.leases.updateOne({ _id: name, holder }, { $set: { expiresAtMs: 0 } }).exec();
  }

  async getLease(name: string): Promise<LeaseRecord | null> {
    const doc = await this.m.leases.findOne({ _id: name }).lean<LeaseDoc>().exec();
    return doc ? leaseFromDoc(doc) : null;
  }

  async getSetting<T>(key: string): Promise<T | null> {
    const doc = await this.m.settings.findOne({ _id: key }).lean<SettingDoc>().exec();
    return doc ? ((doc.value ?? null) as T | null) : null;
  }

  async putSetting<T>(key: string, value: T): Promise<void> {
    await this.m.settings.replaceOne({ _id: key }, { _id: key, value: plain(value) }, { upsert: true }).exec();
  }
}
