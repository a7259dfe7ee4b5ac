// Tamper evidence: each event's hash covers the previous event's hash and this event's content, so an edit,
// a deletion or a reordering anywhere in a stream breaks every later hash.
import { createHash } from "node:crypto";
import type { NewLogEvent } from "../../shared/events";

/** JSON with object keys sorted and undefined dropped, so the same content always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(",")}}`;
}

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

type HashedContent = Omit<NewLogEvent, "hash" | "prevHash">;

/**
 * The hashed content of an event. Incident streams keep the shape they had before the log held other streams
 * (`incidentId`, no stream type), so every chain written before then still verifies; other stream types name
 * their type and id.
 */
function hashedFields(event: HashedContent): Record<string, unknown> {
  const { streamType, streamId, seq, type, occurredAt, recordedAt, source, actor, payload } = event;
  if (streamType === "incident") return { incidentId: streamId, seq, type, occurredAt, recordedAt, source, actor, payload };
  return { streamType, streamId, seq, type, occurredAt, recordedAt, source, actor, payload };
}

export function hashEvent(prevHash: string, event: HashedContent): string {
  return sha256(`${prevHash}\n${canonicalJson(hashedFields(event))}`);
}


// ---------------------------------------------------------------------------------------------------------------
// Stream heads and checkpoints. A checkpoint signs one hash over the head (last seq and hash) of every stream at
// a global position: a Merkle root, so one stream's head can be shown to be in it with a short proof instead of
// the whole list. This file imports only node:crypto so the offline bundle verifier can use it as it is.

/** The last event of one stream at some global position, and where it sits in the global log. */
export interface StreamHead {
  streamType: string;
  streamId: string;
  seq: number;
  hash: string;
  position: number;
}

/** Merkle leaves and inner nodes are hashed with different prefixes, so a node can never pass for a leaf. */
export function streamHeadLeaf(head: StreamHead): string {
  return sha256(`stream-head\n${head.streamType}\n${head.streamId}\n${head.seq}\n${head.position}\n${head.hash}`);
}

function merkleNode(left: string, right: string): string {
  return sha256(`node\n${left}\n${right}`);
}

/** The order heads are hashed in: by stream type, then stream id (plain code-unit order, the same everywhere). */
export function compareStreamHeads(a: StreamHead, b: StreamHead): number {
  const byType = a.streamType < b.streamType ? -1 : a.streamType > b.streamType ? 1 : 0;
  if (byType !== 0) return byType;
  return a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0;
}

export const EMPTY_HEADS_HASH = sha256("no streams");

/** One step of an inclusion proof: the sibling hash and which side it sits on. */
export interface MerkleStep {
  side: "left" | "right";
  hash: string;
}

/** The levels of the tree over leaf hashes; an odd last node is carried up unchanged (never duplicated). */
function merkleLevels(leaves: readonly string[]): string[][] {
  const levels: string[][] = [leaves.slice()];
  for (let level = levels[0]!; level.length > 1; ) {
    const next: string[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const right = level[i + 1];
      next.push(right === undefined ? level[i]! : merkleNode(level[i]!, right));
    }
    levels.push(next);
    level = next;
  }
  return levels;
}

/** The heads hash of a checkpoint: `heads` must be sorted with compareStreamHeads. */
export function headsHash(heads: readonly StreamHead[]): string {
  if (heads.length === 0) return EMPTY_HEADS_HASH;
  const levels = merkleLevels(heads.map(streamHeadLeaf));
  return levels[levels.length - 1]![0]!;
}

/** The proof that heads[index] is in headsHash(heads). */
export function headsProof(heads: readonly StreamHead[], index: number): MerkleStep[] {
  const levels = merkleLevels(heads.map(streamHeadLeaf));
  const steps: MerkleStep[] = [];
  let position = index;
  for (const level of levels.slice(0, -1)) {
    const sibling = position % 2 === 0 ? position + 1 : position - 1;
    const hash = level[sibling];
    if (hash !== undefined) steps.push({ side: position % 2 === 0 ? "right" : "left", hash });
    position = Math.floor(position / 2);
  }
  return steps;
}

/** Recomputes the heads hash from one head and its proof. */
export function headsHashFromProof(head: StreamHead, proof: readonly MerkleStep[]): string {
  let hash = streamHeadLeaf(head);
  for (const step of proof) hash = step.side === "left" ? merkleNode(step.hash, hash) : merkleNode(hash, step.hash);
  return hash;
}

/** What a checkpoint's Ed25519 signature covers: the canonical JSON of everything in the file but the signature. */
export function checkpointSigningText(body: object): string {
  return canonicalJson(body);
}
