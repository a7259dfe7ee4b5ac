// Operations carry a client-made opId so a retry (a tablet back online, a double click, a proxy re-send)
// returns the first answer instead of acting twice.
import type { Actor } from "../../shared/events";
import { CommitBuilder } from "../core/commitBuilder";
import { canonicalJson, sha256 } from "../core/hashChain";
import { errors } from "../core/errors";
import { commitAndPublish, type ServiceContext } from "./context";

export function requestHash(request: unknown): string {
  return sha256(canonicalJson(request));
}

export interface Operation {
  /** Absent for the few commands that may be sent without one (merge). */
  opId: string | undefined;
  kind: string;
  actor: Actor;
  /** Everything that identifies the request: the same opId with a different request is a conflict. */
  request: unknown;
}

/**
 * The shape of every write: in the write queue, answer a repeated opId with its first result; otherwise let
 * the command fill a CommitBuilder, store the result under the opId in the same atomic commit, and publish.
 */
export function runCommand<T>(
  context: ServiceContext,
  operation: Operation,
  command: (builder: CommitBuilder, now: Date) => Promise<T>,
): Promise<T> {
  const { opId, kind, actor, request } = operation;
  return context.queue.run(async () => {
    if (opId) {
      const existing = await context.store.getOp(opId);
      if (existing) {
        if (existing.kind !== kind || existing.actorId !== actor.userId || existing.requestHash !== requestHash(request)) {
          throw errors.idempotencyConflict(
            `opId ${opId} was already used for a different request; send a new opId for a new action.`,
          );
        }
        return existing.result as T;
      }
    }
    const now = context.clock();
    const builder = new CommitBuilder(now.toISOString());
    const result = await command(builder, now);
    if (opId) {
      builder.addOp({ opId, kind, actorId: actor.userId, requestHash: requestHash(request), result, createdAt: builder.recordedAt });
    }
    await commitAndPublish(context, builder);
    return result;
  });
}
