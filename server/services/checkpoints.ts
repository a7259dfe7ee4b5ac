// Writes signed checkpoints of the log head to CHECKPOINT_DIR: every CHECKPOINT_INTERVAL_SECONDS, at shutdown,
// and whenever an evidence bundle needs one that covers the latest events. The stream heads are kept in memory
// and brought up to date from the log, so a checkpoint reads only the events since the last one.
import path from "node:path";
import type { CheckpointDigestView } from "../../shared/api";
import {
  bodyOf,
  checkCheckpointSignature,
  checkpointBodyHash,
  CHECKPOINT_FORMAT,
  checkpointTimeFromName,
  listCheckpointNames,
  loadOrCreateSigningKey,
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
  /** The last checkpoint on disk when the server started: the first new one chains to it. */
  private previous: { position: number; bodyHash: string } | null;
  private timer: NodeJS.Timeout | null = null;
  /** The last checkpoint of the previous run, signed by this key: the first scan checks the database against it. */
  private startingPoint: { name: string; file: CheckpointFile } | null = null;

  private constructor(
    private readonly context: ServiceContext,
    readonly key: SigningKey,
    previous: { position: number; bodyHash: string } | null,
  ) {
    this.previous = previous;
  }

  static async start(context: ServiceContext): Promise<CheckpointService> {
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
    let last: CheckpointFile | undefined;
    let lastName = "";
    for (const name of listCheckpointNames(config.checkpointDir).reverse()) {
      const entry = readCheckpointFile(config.checkpointDir, name);
      if ("file" in entry) {
        last = entry.file;
        lastName = name;
        break;
      }
    }
    const service = new CheckpointService(context, key, last ? { position: last.position, bodyHash: checkpointBodyHash(bodyOf(last)) } : null);
    if (last && checkCheckpointSignature(last, key.publicKey).ok) service.startingPoint = { name: lastName, file: last };
    logger.info(`checkpoints: ${config.checkpointDir}, key ${shortFingerprint(key.fingerprint)}, every ${config.checkpointIntervalSeconds || "-"} s`);
    const lastPosition = await context.store.getLastPosition();
    if (last && lastPosition < last.position) {
      logger.error(
        `checkpoints: the log ends at position ${lastPosition} but checkpoint ${last.position} was signed: events were removed; run npm run verify-log`,
      );
    }
    if (config.checkpointIntervalSeconds > 0) {
      service.timer = setInterval(() => {
        service.checkpoint().catch((error: unknown) => logger.error("checkpoint failed", { error: String(error) }));
      }, config.checkpointIntervalSeconds * 1000);
      service.timer.unref();
    }
    return service;
  }

  /** Writes a checkpoint if the log moved since the last one (or none exists); returns the one that covers the log. */
  checkpoint(): Promise<CheckpointSnapshot> {
    return this.context.queue.run(() => this.checkpointInQueue());
  }

  /** Runs `read` right after a checkpoint in the same turn of the write queue: nothing can be committed between. */
  withFreshCheckpoint<T>(read: (snapshot: CheckpointSnapshot) => Promise<T>): Promise<T> {
    return this.context.queue.run(async () => read(await this.checkpointInQueue()));
  }

  /** Stops the timer and writes the shutdown checkpoint. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.checkpoint();
  }

  private async checkpointInQueue(): Promise<CheckpointSnapshot> {
    await this.catchUp();
    // The first checkpoint of a run is always written (it holds the heads bundles prove against); later ones only
    // when the log moved.
    if (this.latest && this.latest.file.position === this.scannedPosition) return this.latest;
    const heads = [...this.heads.values()].sort(compareStreamHeads);
    const body: CheckpointBody = {
      format: CHECKPOINT_FORMAT,
      position: this.scannedPosition,
      streams: heads.length,
      headsHash: headsHash(heads),
      changedHeads: [...this.changed].map((key) => this.heads.get(key)!).sort(compareStreamHeads),
      previous: this.previous,
      createdAt: this.context.clock().toISOString(),
      publicKey: this.key.publicKeyBase64,
      keyFingerprint: this.key.fingerprint,
    };
    const file = signCheckpoint(body, this.key);
    writeCheckpointFile(this.context.config.checkpointDir, file);
    this.latest = { file, heads };
    this.previous = { position: body.position, bodyHash: checkpointBodyHash(body) };
    this.changed.clear();
    return this.latest;
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
