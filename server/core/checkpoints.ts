// Signed checkpoints of the log head, kept as files outside the database. Once one has gone out (copied, printed,
// read aloud as a digest), nothing at or before its position can be changed, removed or re-chained without
// `verify-log` and the evidence bundles showing it, even by someone who can rewrite the whole database.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { checkpointSigningText, sha256, type StreamHead } from "./hashChain";

export const CHECKPOINT_FORMAT = "dispatch-checkpoint/1";

/** Everything a checkpoint states; the signature covers its canonical JSON. */
export interface CheckpointBody {
  format: typeof CHECKPOINT_FORMAT;
  /** Every event at or before this global position is covered. */
  position: number;
  /** Streams with at least one event at or before `position`. */
  streams: number;
  /** Merkle root over the head of every stream at `position` (hashChain.ts headsHash). */
  headsHash: string;
  /** Heads of the streams that changed since `previous`: lets verify-log name the stream that was altered. */
  changedHeads: StreamHead[];
  /** The checkpoint before this one, so a removed checkpoint file shows. */
  previous: { position: number; bodyHash: string } | null;
  createdAt: string;
  /** Ed25519 public key (SPKI DER, base64) and its fingerprint, so a file signed by another key is told apart. */
  publicKey: string;
  keyFingerprint: string;
}

export interface CheckpointFile extends CheckpointBody {
  /** Ed25519 signature (base64) over checkpointSigningText(body). */
  signature: string;
}

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** SPKI DER, base64. */
  publicKeyBase64: string;
  fingerprint: string;
}

/** sha-256 of the public key (SPKI DER), hex: the key's name for people and files. */
export function fingerprintOf(publicKey: KeyObject): string {
  return createHash("sha256").update(publicKey.export({ type: "spki", format: "der" })).digest("hex");
}

/** The first 16 hex digits in groups of four: short enough to read aloud and compare by eye. */
export function shortFingerprint(fingerprint: string): string {
  return (fingerprint.slice(0, 16).match(/.{4}/g) ?? []).join(" ");
}

function looksLikePem(text: string): boolean {
  return text.includes("-----BEGIN");
}

/** A private key given as PEM (PKCS#8) or as base64 of its DER. */
export function parsePrivateKey(text: string): KeyObject {
  const trimmed = text.trim();
  const key = looksLikePem(trimmed)
    ? createPrivateKey(trimmed)
    : createPrivateKey({ key: Buffer.from(trimmed, "base64"), format: "der", type: "pkcs8" });
  if (key.asymmetricKeyType !== "ed25519") throw new Error(`the checkpoint key must be Ed25519, not ${key.asymmetricKeyType}`);
  return key;
}

/** A public key given as PEM (SPKI) or base64 of its DER; a private key is accepted too (its public half is used). */
export function parsePublicKey(text: string): KeyObject {
  const trimmed = text.trim();
  if (looksLikePem(trimmed) && trimmed.includes("PRIVATE KEY")) return createPublicKey(parsePrivateKey(trimmed));
  const key = looksLikePem(trimmed)
    ? createPublicKey(trimmed)
    : createPublicKey({ key: Buffer.from(trimmed, "base64"), format: "der", type: "spki" });
  if (key.asymmetricKeyType !== "ed25519") throw new Error(`the checkpoint public key must be Ed25519, not ${key.asymmetricKeyType}`);
  return key;
}

export function toSigningKey(privateKey: KeyObject): SigningKey {
  const publicKey = createPublicKey(privateKey);
  return {
    privateKey,
    publicKey,
    publicKeyBase64: publicKey.export({ type: "spki", format: "der" }).toString("base64"),
    fingerprint: fingerprintOf(publicKey),
  };
}

export interface KeySource {
  /** CHECKPOINT_KEY: the key itself (PEM or base64). */
  keyText?: string;
  /** CHECKPOINT_KEY_FILE: read, or created on first start when absent. */
  keyFile: string;
}

/** The signing key from the environment or the key file; a new key file is created (mode 0600) when neither exists. */
export function loadOrCreateSigningKey(source: KeySource, onCreated: (file: string, key: SigningKey) => void): SigningKey {
  if (source.keyText) return toSigningKey(parsePrivateKey(source.keyText));
  if (fs.existsSync(source.keyFile)) return toSigningKey(parsePrivateKey(fs.readFileSync(source.keyFile, "utf8")));
  const { privateKey } = generateKeyPairSync("ed25519");
  fs.mkdirSync(path.dirname(source.keyFile), { recursive: true });
  try {
    // "wx": never overwrite a key that appeared meanwhile (another instance starting on the same data).
    fs.writeFileSync(source.keyFile, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return toSigningKey(parsePrivateKey(fs.readFileSync(source.keyFile, "utf8")));
  }
  const key = toSigningKey(privateKey);
  onCreated(source.keyFile, key);
  return key;
}

/** The public key verify-log and the server check against: CHECKPOINT_PUBLIC_KEY, else the signing key's half. */
export function loadVerifyingKey(source: KeySource & { publicKeyText?: string }): KeyObject | null {
  if (source.publicKeyText) return parsePublicKey(source.publicKeyText);
  if (source.keyText) return createPublicKey(parsePrivateKey(source.keyText));
  if (fs.existsSync(source.keyFile)) return createPublicKey(parsePrivateKey(fs.readFileSync(source.keyFile, "utf8")));
  return null;
}

export function bodyOf(file: CheckpointFile): CheckpointBody {
  const { signature: _signature, ...body } = file;
  return body;
}

/** sha-256 of the signed text: how the next checkpoint refers to this one. */
export function checkpointBodyHash(body: CheckpointBody): string {
  return sha256(checkpointSigningText(body));
}

export function signCheckpoint(body: CheckpointBody, key: SigningKey): CheckpointFile {
  const signature = sign(null, Buffer.from(checkpointSigningText(body), "utf8"), key.privateKey).toString("base64");
  return { ...body, signature };
}

export type SignatureCheck = { ok: true } | { ok: false; problem: "other_key" | "bad_signature"; detail: string };

/** Whether `file` was signed, as it is now, by `trusted`. */
export function checkCheckpointSignature(file: CheckpointFile, trusted: KeyObject): SignatureCheck {
  const trustedFingerprint = fingerprintOf(trusted);
  let signedBy: string | null = null;
  try {
    signedBy = fingerprintOf(parsePublicKey(file.publicKey));
  } catch {
    signedBy = null;
  }
  if (signedBy !== null && signedBy !== trustedFingerprint) {
    return {
      ok: false,
      problem: "other_key",
      detail: `signed by another key (${shortFingerprint(signedBy)}), not the trusted key (${shortFingerprint(trustedFingerprint)})`,
    };
  }
  const valid = verify(null, Buffer.from(checkpointSigningText(bodyOf(file)), "utf8"), trusted, Buffer.from(file.signature ?? "", "base64"));
  if (!valid) {
    return { ok: false, problem: "bad_signature", detail: "the signature does not verify with the trusted key: the file was changed after signing" };
  }
  return { ok: true };
}

const FILE_PATTERN = /^checkpoint-\d{12}-.+\.json$/;

export function checkpointFileName(body: CheckpointBody): string {
  return `checkpoint-${String(body.position).padStart(12, "0")}-${body.createdAt.replace(/[:.]/g, "")}.json`;
}

/** Written to a temporary name, flushed, then renamed: a crash leaves the old set of files or the new one. */
export function writeCheckpointFile(dir: string, file: CheckpointFile): string {
  fs.mkdirSync(dir, { recursive: true });
  const target = path.join(dir, checkpointFileName(file));
  const temporary = `${target}.tmp`;
  const handle = fs.openSync(temporary, "w", 0o644);
  try {
    fs.writeSync(handle, `${JSON.stringify(file, null, 2)}\n`);
    fs.fsyncSync(handle);
  } finally {
    fs.closeSync(handle);
  }
  fs.renameSync(temporary, target);
  const dirHandle = fs.openSync(dir, "r");
  try {
    fs.fsyncSync(dirHandle);
  } finally {
    fs.closeSync(dirHandle);
  }
  return target;
}

export type ReadCheckpoint = { name: string; file: CheckpointFile } | { name: string; error: string };

/** The checkpoint file names in `dir`, oldest first (by name: position, then time). */
export function listCheckpointNames(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((name) => FILE_PATTERN.test(name)).sort();
}

/** When a checkpoint was written, from its name alone (UTC), without reading it; null if the name does not say. */
export function checkpointTimeFromName(name: string): number | null {
  const match = /-(\d{4}-\d{2}-\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z\.json$/.exec(name);
  return match ? Date.parse(`${match[1]}T${match[2]}:${match[3]}:${match[4]}.${match[5]}Z`) : null;
}

export function readCheckpointFile(dir: string, name: string): ReadCheckpoint {
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(path.join(dir, name), "utf8"));
    const problem = checkpointShapeProblem(parsed);
    return problem ? { name, error: problem } : { name, file: parsed as CheckpointFile };
  } catch (error) {
    return { name, error: `does not parse: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** The newest checkpoint file in `dir` that parses (by name: highest position, then latest time), if any. */
export function newestReadableCheckpoint(dir: string): { name: string; file: CheckpointFile } | null {
  for (const name of listCheckpointNames(dir).reverse()) {
    const entry = readCheckpointFile(dir, name);
    if ("file" in entry) return entry;
  }
  return null;
}

/** Every checkpoint file in `dir`, oldest first. Unreadable ones are reported, not skipped. */
export function readCheckpointDir(dir: string): ReadCheckpoint[] {
  return listCheckpointNames(dir).map((name) => readCheckpointFile(dir, name));
}

function checkpointShapeProblem(value: unknown): string | null {
  if (typeof value !== "object" || value === null) return "is not a JSON object";
  const file = value as Record<string, unknown>;
  if (file.format !== CHECKPOINT_FORMAT) return `format is not ${CHECKPOINT_FORMAT}`;
  for (const field of ["position", "streams"]) if (typeof file[field] !== "number") return `${field} is not a number`;
  for (const field of ["headsHash", "createdAt", "publicKey", "keyFingerprint", "signature"]) {
    if (typeof file[field] !== "string") return `${field} is not a string`;
  }
  if (!Array.isArray(file.changedHeads)) return "changedHeads is not a list";
  return null;
}
