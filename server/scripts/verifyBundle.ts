// `npm run verify-bundle -- <evidence.json> [--public-key <key.pem>]`: checks an evidence bundle offline, with
// neither the server nor its database. It imports only the hash functions (server/core/hashChain.ts, which needs
// nothing but node:crypto), so it can be read and audited on its own.
// Exit 0: the bundle verifies; 1: it does not (each failure is listed); 64: wrong usage or unreadable file.
import { createHash, createPublicKey, verify, type KeyObject } from "node:crypto";
import fs from "node:fs";
import {
  checkpointSigningText,
  hashEvent,
  headsHashFromProof,
  type MerkleStep,
  type StreamHead,
} from "../core/hashChain";

interface BundleEvent {
  position: number;
  streamType: string;
  streamId: string;
  seq: number;
  prevHash: string;
  hash: string;
  [field: string]: unknown;
}

interface Bundle {
  format: string;
  stream: { streamType: string; streamId: string; number?: string };
  events: BundleEvent[];
  checkpoint: { position: number; streams: number; headsHash: string; createdAt: string; publicKey: string; keyFingerprint: string; signature: string } & Record<string, unknown>;
  streamHead: StreamHead;
  headsProof: MerkleStep[];
  publicKey: { spkiBase64: string; fingerprint: string };
  eventsNotCovered?: number;
}

function fingerprintOf(key: KeyObject): string {
  return createHash("sha256").update(key.export({ type: "spki", format: "der" })).digest("hex");
}

function group16(hex: string): string {
  return (hex.slice(0, 16).match(/.{4}/g) ?? []).join(" ");
}

export interface BundleReport {
  failures: string[];
  notes: string[];
}

/** Every check of the bundle; an empty `failures` means it verifies. */
export function verifyBundle(bundle: Bundle, trustedKey?: KeyObject): BundleReport {
  const failures: string[] = [];
  const notes: string[] = [];
  const { stream, events, checkpoint } = bundle;
  if (bundle.format !== "dispatch-evidence/1") failures.push(`unknown format ${String(bundle.format)}`);

  // 1. The stream's own hash chain.
  let prevHash = "";
  events.forEach((event, index) => {
    const where = `event seq ${event.seq} (position ${event.position})`;
    if (event.streamType !== stream.streamType || event.streamId !== stream.streamId) {
      failures.push(`${where} belongs to ${event.streamType} ${event.streamId}, not ${stream.streamType} ${stream.streamId}`);
    }
    if (event.seq !== index + 1) failures.push(`${where}: expected seq ${index + 1}`);
    if (event.prevHash !== prevHash) failures.push(`${where}: prevHash does not match the previous event`);
    if (hashEvent(event.prevHash, event as never) !== event.hash) failures.push(`${where}: hash does not match its content (edited)`);
    if (index > 0 && !(event.position > events[index - 1]!.position)) failures.push(`${where}: positions do not increase`);
    prevHash = event.hash;
  });
  if (events.length === 0) failures.push("the bundle has no events");

  // 2. The stream's head at the checkpoint is the last event at or before its position, and is in its heads hash.
  const covered = events.filter((event) => event.position <= checkpoint.position);
  const last = covered[covered.length - 1];
  const head = bundle.streamHead;
  if (
    !last ||
    head.seq !== last.seq ||
    head.hash !== last.hash ||
    head.position !== last.position ||
    head.streamId !== stream.streamId ||
    head.streamType !== stream.streamType
  ) {
    failures.push("streamHead is not the stream's last event at the checkpoint's position");
  }
  const malformedStep = bundle.headsProof.find((step) => (step.side !== "left" && step.side !== "right") || !/^[0-9a-f]{64}$/.test(step.hash));
  if (malformedStep) failures.push("the heads proof has a malformed step");
  if (headsHashFromProof(head, bundle.headsProof) !== checkpoint.headsHash) {
    failures.push("the heads proof does not lead to the checkpoint's heads hash");
  }
  // Positions of events before the head are not covered by any hash; the head's position is (it is in the leaf).
  const notCovered = events.length - covered.length;
  if (notCovered > 0) notes.push(`${notCovered} event(s) after position ${checkpoint.position} are NOT covered by the checkpoint`);

  // 3. The checkpoint's signature.
  let signingKey: KeyObject | null = null;
  try {
    signingKey = createPublicKey({ key: Buffer.from(checkpoint.publicKey, "base64"), format: "der", type: "spki" });
  } catch {
    failures.push("the checkpoint's public key cannot be read");
  }
  if (signingKey) {
    const fingerprint = fingerprintOf(signingKey);
    if (fingerprint !== checkpoint.keyFingerprint) failures.push("the checkpoint's keyFingerprint is not its public key's");
    if (bundle.publicKey.spkiBase64 !== checkpoint.publicKey || bundle.publicKey.fingerprint !== fingerprint) {
      failures.push("publicKey differs from the key in the checkpoint");
    }
    const { signature, ...body } = checkpoint;
    const checkKey = trustedKey ?? signingKey;
    const signed = verify(null, Buffer.from(checkpointSigningText(body), "utf8"), checkKey, Buffer.from(String(signature), "base64"));
    if (trustedKey && fingerprintOf(trustedKey) !== fingerprint) {
      failures.push(`the checkpoint names key ${group16(fingerprint)}, not the trusted key ${group16(fingerprintOf(trustedKey))}`);
    } else if (!signed) {
      failures.push("the checkpoint's signature does not verify: the checkpoint was changed after signing");
    }
    notes.push(
      `checkpoint: position ${checkpoint.position}, ${checkpoint.streams} streams, heads ${group16(checkpoint.headsHash)}, ` +
        `key ${group16(fingerprint)}, written ${checkpoint.createdAt}`,
    );
    if (!trustedKey) notes.push("compare these with the digest published for that day, or pass --public-key with a key obtained separately");
  }
  return { failures, notes };
}

function usage(message: string): never {
  console.error(`${message}\nusage: npm run verify-bundle -- <evidence.json> [--public-key <key.pem>]`);
  process.exit(64);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  let file: string | undefined;
  let keyFile: string | undefined;
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--public-key") {
      keyFile = args[++i];
      if (!keyFile) usage("--public-key needs a file");
    } else if (arg.startsWith("--")) usage(`unknown option ${arg}`);
    else if (file) usage("give one bundle file");
    else file = arg;
  }
  if (!file) usage("no bundle file given");
  let bundle: Bundle;
  try {
    bundle = JSON.parse(fs.readFileSync(file, "utf8")) as Bundle;
  } catch (error) {
    console.log(`FAILED: ${file} is not a readable JSON file (${error instanceof Error ? error.message : String(error)})`);
    process.exit(1);
  }
  let trusted: KeyObject | undefined;
  if (keyFile) {
    try {
      trusted = createPublicKey(fs.readFileSync(keyFile, "utf8"));
    } catch (error) {
      usage(`cannot read the public key ${keyFile}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  let report: BundleReport;
  try {
    report = verifyBundle(bundle, trusted);
  } catch (error) {
    // A bundle changed so much that its shape is gone (a field missing or of another type) fails, it does not crash.
    report = { failures: [`the bundle is malformed: ${error instanceof Error ? error.message : String(error)}`], notes: [] };
  }
  const label = `${bundle.stream?.streamType ?? "?"} ${bundle.stream?.streamId ?? "?"}`;
  for (const note of report.notes) console.log(note);
  if (report.failures.length === 0) {
    console.log(`VERIFIED: ${bundle.events.length} events of ${label}; the chain is intact and covered by the signed checkpoint.`);
  } else {
    console.log(`FAILED: ${report.failures.length} problem(s) in the bundle for ${label}:`);
    for (const failure of report.failures) console.log(`  ${failure}`);
    process.exitCode = 1;
  }
}
