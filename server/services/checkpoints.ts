// Writes signed checkpoints of the log head to CHECKPOINT_DIR: every CHECKPOINT_INTERVAL_SECONDS, at shutdown,
// and whenever an evidence bundle needs one that covers the latest events. The stream heads are kept in memory
// and brought up to date from the log, so a checkpoint reads only the events since the last one.
//
// Several instances over one store (REDIS_URL) write into the same CHECKPOINT_DIR, and their files must still form
// one chain, which is what verify-log checks. So each instance writes only while it holds the "checkpoints" lease
// in the store, and chains its checkpoint to the newest file on disk, whoever wrote it; the periodic one is skipped
// when another instance wrote one less than an interval ago.
import path from "node:path";
import type { CheckpointDigestView } from "../../shared/api";
import {
  bodyOf,
  checkCheckpointSignature,
  checkpointBodyHash,
  CHECKPOINT_FORMAT,
  checkpointTimeFromName,
  checkpointFileName,
  listCheckpointNames,
  loadOrCreateSigningKey,
  newestReadableCheckpoint,
  readCheckpointFile,
  shortFingerprint,
  signCheckpoint,
  writeCheckpointFile,
  type CheckpointBody,
  type CheckpointFile,
  type SigningKey,
} from "../core/checkpoints";
import { compareStreamHeads, headsHash, type StreamHead } from "../core/hashChain";
import { streamKey, streamOfEvent } from "../core/streams";
import { errors } from "../core/errors";
import type { ServiceContext } from "./context";

const SCAN_PAGE = 5000;
/** The store lease that makes one instance at a time write a checkpoint (several instances). */
export const CHECKPOINT_LEASE = "checkpoints";
/** Writing one takes milliseconds; a holder that died frees the lease after this. */
const LOCK_TTL_MS = 10_000;
/** Long enough for a dead holder's lease to lapse. */
const LOCK_WAIT_MS = 2 * LOCK_TTL_MS + 1_000;
const LOCK_RETRY_MS = 20;
/** A periodic checkpoint is skipped when the newest on disk is younger than this share of the interval. */
const PERIODIC_SKIP_SHARE = 0.9;

/** Several instances over one store: this instance's lease holder id. */
export interface CheckpointCluster {
  instanceId: string;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A checkpoint and the heads it was computed from (sorted), which evidence bundles prove against. */
export interface CheckpointSnapshot {
  file: CheckpointFile;
  heads: StreamHead[];
}

function localDate(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date(iso));
}

function isInside(child: string, parent: string): boolean {
  const relative = path.relative(parent, child);
  return relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative));
}

export class CheckpointService {
  private readonly heads = new Map<string, StreamHead>();
  private scannedPosition = 0;
  private readonly changed = new Set<string>();
  private latest: CheckpointSnapshot | null = null;
  /** The checkpoint the next one chains to: the last written or, at start (and with several instances), the newest on disk. */
  private previous: { position: number; bodyHash: string } | null;
  /** That checkpoint's file name and time: the next name must sort after it. */
  private previousName: string | null;
  private previousCreatedAt: string | null;
  /** Several instances: one checkpoint at a time in this process too, around the store lease. */
  private exclusive: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  /** The last checkpoint of the previous run, signed by this key: the first scan checks the database against it. */
  private startingPoint: { name: string; file: CheckpointFile } | null = null;

  private constructor(
    private readonly context: ServiceContext,
    readonly key: SigningKey,
    last: { name: string; file: CheckpointFile } | null,
    private readonly cluster: CheckpointCluster | null,
  ) {
    this.previous = last ? { position: last.file.position, bodyHash: checkpointBodyHash(bodyOf(last.file)) } : null;
    this.previousName = last?.name ?? null;
    this.previousCreatedAt = last?.file.createdAt ?? null;
  }

  static async start(context: ServiceContext, cluster: CheckpointCluster | null = null): Promise<CheckpointService> {
    const { config, logger } = context;
    const key = loadOrCreateSigningKey({ ...(config.checkpointKey ? { keyText: config.checkpointKey } : {}), keyFile: config.checkpointKeyFile }, (file, created) =>
      logger.info(
        `checkpoints: created a new Ed25519 signing key at ${file} (fingerprint ${shortFingerprint(created.fingerprint)}); ` +
          "back it up and keep it apart from the data directory, or set CHECKPOINT_KEY",
      ),
    );
    const insideData = [
      ...(!config.checkpointKey && isInside(config.checkpointKeyFile, config.dataDir) ? ["the signing key file"] : []),
      ...(isInside(config.checkpointDir, config.dataDir) ? ["CHECKPOINT_DIR"] : []),
    ];
    if (insideData.length > 0) {
      // The defaults make a demo work; evidence needs the key and the checkpoints where the data's keepers cannot reach.
      const verb = insideData.length > 1 ? "are" : "is";
      logger.warn(`checkpoints: ${insideData.join(" and ")} ${verb} inside DATA_DIR; keep them apart from the data (README, Evidence)`);
    }
    // The newest readable file: the next checkpoint chains to it (verify-log judges whether it deserved that).
    const newest = newestReadableCheckpoint(config.checkpointDir);
    const last = newest?.file;
    const service = new CheckpointService(context, key, newest, cluster);
    if (newest && checkCheckpointSignature(newest.file, key.publicKey).ok) service.startingPoint = newest;
    logger.info(`checkpoints: ${config.checkpointDir}, key ${shortFingerprint(key.fingerprint)}, every ${config.checkpointIntervalSeconds || "-"} s`);
    const lastPosition = await context.store.getLastPosition();
    if (last && lastPosition < last.position) {
      logger.error(
        `checkpoints: the log ends at position ${lastPosition} but checkpoint ${last.position} was signed: events were removed; run npm run verify-log`,
      );
    }
    if (config.checkpointIntervalSeconds > 0) {
      service.timer = setInterval(() => {
        service.periodic().catch((error: unknown) => logger.error("checkpoint failed", { error: String(error) }));
      }, config.checkpointIntervalSeconds * 1000);
      service.timer.unref();
    }
    return service;
  }

  /** Writes a checkpoint if the log moved since the last one (or none exists); returns the one that covers the log. */
  checkpoint(): Promise<CheckpointSnapshot> {
    return this.withFreshCheckpoint((snapshot) => Promise.resolve(snapshot));
  }

  /**
   * Runs `read` right after a checkpoint in the same turn of the write queue: nothing this instance commits can
   * come between (another instance's commits can; readers keep to the checkpoint's position).
   */
  withFreshCheckpoint<T>(read: (snapshot: CheckpointSnapshot) => Promise<T>): Promise<T> {
    return this.underLock(async () => read((await this.checkpointInQueue(false))!));
  }

  /** The timer's checkpoint: with several instances, skipped when another one wrote one within the interval. */
  private async periodic(): Promise<void> {
    await this.underLock(() => this.checkpointInQueue(true));
  }

  /**
   * One process: a turn of the write queue, as ever. Several instances: one checkpoint at a time in this process,
   * under the store lease across instances, so every instance's file chains to the one before it on disk.
   */
  private underLock<T>(inQueue: () => Promise<T>): Promise<T> {
    const { cluster } = this;
    if (!cluster) return this.context.queue.run(inQueue);
    const run = async () => {
      // The first scan reads the whole log: before taking the lease, so another instance's bundle does not wait on it.
      await this.context.queue.run(() => this.catchUp());
      await this.takeLease(cluster.instanceId);
      try {
        return await this.context.queue.run(inQueue);
      } finally {
        await this.context.store
          .releaseLease(CHECKPOINT_LEASE, cluster.instanceId)
          .catch((error: unknown) => this.context.logger.warn("checkpoints: could not release the lease", { error: String(error) }));
      }
    };
    const result = this.exclusive.then(run, run);
    this.exclusive = result.catch(() => undefined);
    return result;
  }

  private async takeLease(instanceId: string): Promise<void> {
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      const nowMs = this.context.clock().getTime();
      const { acquired, previous } = await this.context.store.acquireLease(CHECKPOINT_LEASE, instanceId, nowMs, LOCK_TTL_MS);
      if (acquired) return;
      if (Date.now() > deadline) {
        this.context.logger.error("checkpoints: another instance has held the checkpoint lease too long", { holder: previous?.holder });
        throw errors.storeUnavailable();
      }
      await sleep(LOCK_RETRY_MS);
    }
  }

  /** Stops the timer and writes the shutdown checkpoint. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.checkpoint();
  }

  /** Returns the checkpoint that covers the log; null only for a periodic one skipped (several instances). */
  private async checkpointInQueue(periodic: boolean): Promise<CheckpointSnapshot | null> {
    if (this.cluster) {
      // The wait for this turn of the queue may have outlasted the lease: renew it, so no other instance can have
      // taken it while this one reads the newest file and writes the next.
      const nowMs = this.context.clock().getTime();
      const { acquired } = await this.context.store.acquireLease(CHECKPOINT_LEASE, this.cluster.instanceId, nowMs, LOCK_TTL_MS);
      if (!acquired) throw errors.storeUnavailable();
    }
    await this.catchUp();
    if (this.cluster) {
      const newest = await this.followDisk();
      if (periodic && newest && this.latest) {
        const ageMs = this.context.clock().getTime() - Date.parse(newest.createdAt);
        if (ageMs < this.context.config.checkpointIntervalSeconds * 1000 * PERIODIC_SKIP_SHARE) return null;
      }
    }
    // The first checkpoint of a run is always written (it holds the heads bundles prove against); later ones only
    // when the log moved.
    if (this.latest && this.latest.file.position === this.scannedPosition) return this.latest;
    const heads = [...this.heads.values()].sort(compareStreamHeads);
    let createdAt = this.context.clock().toISOString();
    // Files are named by position, then time, and verify-log follows the chain in that order: one at the same
    // position as the one before it (a start) must not sort before it, even if this clock is behind the writer's.
    if (this.previous?.position === this.scannedPosition && this.previousCreatedAt !== null && createdAt <= this.previousCreatedAt) {
      createdAt = new Date(Date.parse(this.previousCreatedAt) + 1).toISOString();
    }
    const body: CheckpointBody = {
      format: CHECKPOINT_FORMAT,
      position: this.scannedPosition,
      streams: heads.length,
      headsHash: headsHash(heads),
      changedHeads: [...this.changed].map((key) => this.heads.get(key)!).sort(compareStreamHeads),
      previous: this.previous,
      createdAt,
      publicKey: this.key.publicKeyBase64,
      keyFingerprint: this.key.fingerprint,
    };
    const file = signCheckpoint(body, this.key);
    writeCheckpointFile(this.context.config.checkpointDir, file);
    this.latest = { file, heads };
    this.previous = { position: body.position, bodyHash: checkpointBodyHash(body) };
    this.previousName = checkpointFileName(body);
    this.previousCreatedAt = body.createdAt;
    this.changed.clear();
    return this.latest;
  }

  /**
   * Several instances: the newest checkpoint on disk becomes the one the next chains to, when another instance
   * wrote it after ours. If ours is newer than anything on disk, ours has been removed: keep chaining to it, so
   * verify-log shows the removal instead of a chain healed over it. Returns the newest file on disk.
   */
  private async followDisk(): Promise<CheckpointFile | null> {
    const { checkpointDir } = this.context.config;
    const newest = newestReadableCheckpoint(checkpointDir);
    if (!newest) return null;
    if (this.previousName !== null && newest.name <= this.previousName) {
      if (newest.name < this.previousName) {
        this.context.logger.error(`checkpoints: ${this.previousName} is no longer in CHECKPOINT_DIR; run npm run verify-log`);
      }
      return newest.file;
    }
    // Another instance scanned up to its position: those events are committed, so this scan reaches them too.
    if (newest.file.position > this.scannedPosition) await this.catchUp();
    if (newest.file.position > this.scannedPosition) {
      throw new Error(`checkpoints: ${newest.name} covers position ${newest.file.position}, but the log read here ends at ${this.scannedPosition}`);
    }
    this.previous = { position: newest.file.position, bodyHash: checkpointBodyHash(bodyOf(newest.file)) };
    this.previousName = newest.name;
    this.previousCreatedAt = newest.file.createdAt;
    // The streams changed since that checkpoint: the ones named in the next one.
    for (const key of this.changed) if (this.heads.get(key)!.position <= newest.file.position) this.changed.delete(key);
    // It covers the log as it is: hand it out instead of writing another at the same position (not the first of
    // this run, which is always written).
    if (this.latest && newest.file.position === this.scannedPosition) {
      this.latest = { file: newest.file, heads: [...this.heads.values()].sort(compareStreamHeads) };
    }
    return newest.file;
  }

  /** Reads the events committed since the last scan into the in-memory heads. */
  private async catchUp(): Promise<void> {
    const since = this.previous?.position ?? 0;
    for (;;) {
      const page = await this.context.store.getEventsAfter(this.scannedPosition, SCAN_PAGE);
      for (const event of page) {
        if (this.startingPoint && event.position > this.startingPoint.file.position) this.checkStartingPoint();
        const ref = streamOfEvent(event);
        const key = streamKey(ref);
        this.heads.set(key, { ...ref, seq: event.seq, hash: event.hash, position: event.position });
        // Streams that moved since the previous checkpoint are listed by name, so verify-log can point at them.
        if (event.position > since) this.changed.add(key);
        this.scannedPosition = event.position;
      }
      if (page.length < SCAN_PAGE) break;
    }
    if (this.startingPoint) this.checkStartingPoint();
  }

  /**
   * The heads as the scan passes the last run's final checkpoint, against what that checkpoint signed: a database
   * changed while the server was down is reported at start, not only when someone runs verify-log.
   */
  private checkStartingPoint(): void {
    const { name, file } = this.startingPoint!;
    this.startingPoint = null;
    const heads = [...this.heads.values()].sort(compareStreamHeads);
    if (heads.length !== file.streams || headsHash(heads) !== file.headsHash) {
      this.context.logger.error(
        `checkpoints: the log no longer matches ${name} (position ${file.position}): events at or before it were ` +
          "changed or removed while the server was down; run npm run verify-log",
      );
    }
  }

  /** The digest of the last checkpoint signed with this server's key on or before `date` (the center's time zone). */
  digest(date: string): CheckpointDigestView {
    const { checkpointDir, timeZone } = this.context.config;
    // Newest first, reading only files that can belong to the day or before: no zone is more than a day from UTC.
    const latestUtc = Date.parse(`${date}T00:00:00Z`) + 2 * 24 * 3600 * 1000;
    let chosen: { name: string; file: CheckpointFile } | undefined;
    for (const name of listCheckpointNames(checkpointDir).reverse()) {
      const writtenAt = checkpointTimeFromName(name);
      if (writtenAt !== null && writtenAt >= latestUtc) continue;
      const entry = readCheckpointFile(checkpointDir, name);
      if (!("file" in entry) || !checkCheckpointSignature(entry.file, this.key.publicKey).ok) continue;
      if (localDate(entry.file.createdAt, timeZone) > date) continue;
      // Names sort by position, then time: the first that fits is the day's last.
      chosen = { name, file: entry.file };
      break;
    }
    if (!chosen) throw errors.notFound(`A checkpoint on or before ${date}`);
    const { file } = chosen;
    const heads = shortFingerprint(file.headsHash);
    const key = shortFingerprint(file.keyFingerprint);
    const text = [
      `119 incident log checkpoint digest for ${date} (${timeZone})`,
      `checkpoint written ${file.createdAt}`,
      `log position ${file.position}, ${file.streams} streams`,
      `heads hash ${heads}`,
      `signing key ${key}`,
      "",
      "Read aloud or publish these lines. Anyone holding an evidence bundle can compare its checkpoint with them.",
      `(full heads hash ${file.headsHash}; file ${chosen.name})`,
    ].join("\n");
    return {
      date,
      timeZone,
      checkpointAt: file.createdAt,
      position: file.position,
      streams: file.streams,
      heads,
      headsHash: file.headsHash,
      key,
      keyFingerprint: file.keyFingerprint,
      file: chosen.name,
      text,
    };
  }

  today(): string {
    return localDate(this.context.clock().toISOString(), this.context.config.timeZone);
  }
}
