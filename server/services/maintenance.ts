// Keeps the database from growing without bound: operation records are needed only while a retry can still come
// (OP_RETENTION_HOURS), and an expired session answers nothing a missing one would not. Runs in the server every
// MAINTENANCE_MINUTES, in chunks so a first run on a large database does not hold up the event loop.
import type { ServiceContext } from "./context";

const PRUNE_CHUNK = 1000;

export interface PruneReport {
  ops: number;
  sessions: number;
}

/** Lets requests run between chunks: the SQLite adapter never yields on its own. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

async function pruneInChunks(prune: (limit: number) => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const pruned = await prune(PRUNE_CHUNK);
    total += pruned;
    if (pruned < PRUNE_CHUNK) return total;
    await yieldToEventLoop();
  }
}

export async function pruneExpired(context: ServiceContext): Promise<PruneReport> {
  const nowMs = context.clock().getTime();
  const opsBefore = new Date(nowMs - context.config.opRetentionHours * 3_600_000).toISOString();
  const sessionsBefore = new Date(nowMs).toISOString();
  const ops = await pruneInChunks((limit) => context.store.pruneOps(opsBefore, limit));
  const sessions = await pruneInChunks((limit) => context.store.pruneSessions(sessionsBefore, limit));
  return { ops, sessions };
}

/** Prunes now and then every MAINTENANCE_MINUTES; returns a stop function that waits for a run in progress. */
export function startMaintenance(context: ServiceContext): () => Promise<void> {
  let running: Promise<void> = Promise.resolve();
  const run = () => {
    running = running.then(async () => {
      try {
        const report = await pruneExpired(context);
        if (report.ops > 0 || report.sessions > 0) {
          context.logger.info(`maintenance: pruned ${report.ops} operation records and ${report.sessions} expired sessions`);
        }
      } catch (error) {
        context.logger.error("maintenance failed", { error: String(error) });
      }
    });
  };
  run();
  const timer = setInterval(run, context.config.maintenanceMinutes * 60_000);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
