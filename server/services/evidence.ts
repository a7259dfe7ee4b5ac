// An evidence bundle: one incident's events with everything needed to check them offline, without this server
// or its database: the signed checkpoint that covers them, the public key, and the proof that the incident's
// last event is one of the stream heads the checkpoint signed.
import type { Actor, IncidentEvent } from "../../shared/events";
import { shortFingerprint, type CheckpointFile } from "../core/checkpoints";
import { canonicalJson, compareStreamHeads, headsProof, type MerkleStep, type StreamHead } from "../core/hashChain";
import { streamOfEvent, type StreamRef } from "../core/streams";
import { errors } from "../core/errors";
import type { CheckpointService } from "./checkpoints";
import { authorize, type ServiceContext } from "./context";

export const EVIDENCE_FORMAT = "dispatch-evidence/1";

export interface EvidenceBundle {
  format: typeof EVIDENCE_FORMAT;
  /** Plain words for whoever receives the file. Not covered by any signature, like generatedAt and generatedBy. */
  instructions: string[];
  generatedAt: string;
  generatedBy: string;
  stream: StreamRef & { number: string };
  /** Every event of the stream, in seq order, exactly as stored. */
  events: IncidentEvent[];
  /** The signed checkpoint, exactly as written to CHECKPOINT_DIR. */
  checkpoint: CheckpointFile;
  /** This stream's head at the checkpoint's position, and its path to the checkpoint's heads hash. */
  streamHead: StreamHead;
  headsProof: MerkleStep[];
  /** The key that signed the checkpoint; compare its fingerprint with the one published in the daily digest. */
  publicKey: { spkiBase64: string; fingerprint: string; short: string };
  /** Events after the checkpoint's position; a fresh checkpoint is written for each bundle, so normally 0. */
  eventsNotCovered: number;
}

function instructions(stream: StreamRef, checkpoint: CheckpointFile): string[] {
  return [
    `This file holds every recorded event of ${stream.streamType} ${stream.streamId}, as stored in the dispatch log.`,
    "To check it, with Node 20 and a copy of the project's repository (nothing else, no network, no database):",
    "  npm run verify-bundle -- <this file>            (or: npx tsx server/scripts/verifyBundle.ts <this file>)",
    "  add --public-key <file.pem> to check the signature against a key you obtained separately.",
    "The check: (1) each event's hash covers the previous event's hash and its own content, so an edited, removed",
    "or reordered event breaks the chain; (2) the stream's last event at the checkpoint is a leaf of the checkpoint's",
    "heads hash (the Merkle proof); (3) the checkpoint is signed with the Ed25519 key given here.",
    `Compare the checkpoint with the digest published for its day: position ${checkpoint.position}, heads hash`,
    `${shortFingerprint(checkpoint.headsHash)}, key ${shortFingerprint(checkpoint.keyFingerprint)}. A checkpoint that`,
    "matches a digest published at the time proves these events have not changed since then. It does not prove they",
    "were recorded truthfully in the first place: a server compromised before writing could have signed false events.",
    "Not covered by any hash or signature: the fields instructions, generatedAt and generatedBy, and the positions",
    "(places in the center's whole log) of events before the last one; the last event's position is in the heads hash.",
  ];
}

export async function buildEvidenceBundle(
  context: ServiceContext,
  checkpoints: CheckpointService,
  actor: Actor,
  incidentId: string,
): Promise<EvidenceBundle> {
  authorize(actor, "exportEvidence", "export evidence bundles");
  return checkpoints.withFreshCheckpoint(async (snapshot) => {
    const events = await context.store.getStreamEvents("incident", incidentId);
    const first = events[0];
    if (!first) throw errors.notFound(`Incident ${incidentId}`);
    const ref = streamOfEvent(first);
    const { file, heads } = snapshot;
    const covered = events.filter((event) => event.position <= file.position);
    const last = covered[covered.length - 1];
    if (!last) throw errors.notFound(`A checkpoint covering incident ${incidentId}`);
    const head: StreamHead = { ...ref, seq: last.seq, hash: last.hash, position: last.position };
    const index = heads.findIndex((entry) => compareStreamHeads(entry, head) === 0);
    if (index < 0 || canonicalJson(heads[index]) !== canonicalJson(head)) {
      // The database no longer agrees with what this server signed: refuse rather than hand out a bundle that fails.
      throw new Error(`incident ${incidentId}: its head is not the one in checkpoint ${file.position}; run npm run verify-log`);
    }
    const number = first.type === "incident.created" ? first.payload.number : incidentId;
    return {
      format: EVIDENCE_FORMAT,
      instructions: instructions(ref, file),
      generatedAt: context.clock().toISOString(),
      generatedBy: actor.username,
      stream: { ...ref, number },
      events,
      checkpoint: file,
      streamHead: head,
      headsProof: headsProof(heads, index),
      publicKey: { spkiBase64: file.publicKey, fingerprint: file.keyFingerprint, short: shortFingerprint(file.keyFingerprint) },
      eventsNotCovered: events.length - covered.length,
    };
  });
}
