// Operations carry a client-made opId so a retry (a tablet back online, a double click, a proxy re-send)
// returns the first answer instead of acting twice.
import type { Actor } from "../../shared/events";
import type { CommitBuilder } from "../core/commitBuilder";
import { canonicalJson, sha256 } from "../core/hashChain";
import { errors } from "../core/errors";
import type { Store } from "../store/types";

export function requestHash(request: unknown): string {
  return sha256(canonicalJson(request));
}

/** Returns the stored result of an earlier identical operation, or undefined if this opId is new. */
export async function replayOp<T>(
  store: Store,
  opId: string,
  kind: string,
  actor: Actor,
  request: unknown,
): Promise<T | undefined> {
  const existing = await store.getOp(opId);
  if (!existing) return undefined;
  if (existing.kind !== kind || existing.actorId !== actor.userId || existing.requestHash !== requestHash(request)) {
    throw errors.idempotencyConflict(
      `opId ${opId} was already used for a different request; send a new opId for a new action.`,
    );
  }
  return existing.result as T;
}

export function recordOp(
  builder: CommitBuilder,
  opId: string,
  kind: string,
  actor: Actor,
  request: unknown,
  result: unknown,
): void {
  builder.addOp({
    opId,
    kind,
    actorId: actor.userId,
    requestHash: requestHash(request),
    result,
    createdAt: builder.recordedAt,
  });
}
