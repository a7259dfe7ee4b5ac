// The one write path. Every command runs here: in the write queue, a repeated opId is answered with its first
// result; otherwise the command reads, decides and fills a CommitBuilder, its result is stored under the opId in
// the same atomic commit, and the committed events are published. The store refuses a commit that lost a race
// (a unit changed since it was read, a stream or opId already appended by another writer): the command then runs
// again on fresh reads, so two server instances on one database never both win. A command that changes nothing
// (the status the unit already has, the alarm level the incident already has) is answered as done and leaves no
// record: a retry of it is judged again, as a late first delivery would be.
import type { Actor, LogEvent } from "../../shared/events";
import { CommitBuilder } from "../core/commitBuilder";
import { AppError, errors } from "../core/errors";
import { canonicalJson, sha256 } from "../core/hashChain";
import { StaleWriteError, UniqueViolationError } from "../store/types";
import type { ServiceContext } from "./context";
import { compactResult, rebuildResult } from "./opResults";

/** Enough for the races one process can lose to another; beyond that the store is too contended to promise. */
const MAX_ATTEMPTS = 4;

export function requestHash(request: unknown): string {
  return sha256(canonicalJson(request));
}

export interface Operation {
  /** Absent for the few commands that may be sent without one (merge, unit configuration). */
  opId: string | undefined;
  kind: string;
  actor: Actor;
  /** Everything that identifies the request: the same opId with a different request is a conflict. */
  request: unknown;
}

/**
 * Commits what the builder collected, and tells the realtime layer once it is durable (after the group's one
 * durable write when the queue groups commands; see WriteQueue). Must run inside the queue.
 */
export async function commitAndPublish(context: ServiceContext, builder: CommitBuilder): Promise<LogEvent[]> {
  const commit = builder.build();
  const events = await context.store.commit(commit);
  const change = { events, units: builder.writtenUnits(), incidents: commit.incidents.map((record) => record.state) };
  context.queue.whenDurable(() => context.notifier.committed(change));
  return events;
}

function lostRace(error: unknown): boolean {
  return error instanceof StaleWriteError || (error instanceof UniqueViolationError && error.key !== "username");
}

export function runCommand<T>(
  context: ServiceContext,
  operation: Operation,
  command: (builder: CommitBuilder, now: Date) => Promise<T>,
): Promise<T> {
  const { opId, kind, actor, request } = operation;
  return context.queue.runGroupable(async () => {
    for (let attempt = 1; ; attempt++) {
      if (opId) {
        const existing = await context.store.getOp(opId);
        if (existing) {
          if (existing.kind !== kind || existing.actorId !== actor.userId || existing.requestHash !== requestHash(request)) {
            throw errors.idempotencyConflict(
              `opId ${opId} was already used for a different request; send a new opId for a new action.`,
            );
          }
          return (await rebuildResult(context, existing.result, actor)) as T;
        }
      }
      const now = context.clock();
      const builder = new CommitBuilder(now.toISOString());
      const result = await command(builder, now);
      if (builder.isEmpty()) return result;
      if (opId) {
        const stored = compactResult(result);
        builder.addOp({ opId, kind, actorId: actor.userId, requestHash: requestHash(request), result: stored, createdAt: builder.recordedAt });
      }
      try {
        await commitAndPublish(context, builder);
        return result;
      } catch (error) {
        if (!lostRace(error)) throw error;
        if (attempt >= MAX_ATTEMPTS) {
          throw new AppError("store_unavailable", "The record kept changing while this was saved; send the same request again.");
        }
        context.logger.info("command lost a race; running it again on fresh reads", { kind, attempt });
      }
    }
  });
}
