// Runs the alert monitor's ticks (re-sends and overdue flags). One process: every second, as always. Several
// instances (REDIS_URL): only the instance holding the "alerts" lease in the store ticks, so a crew is re-alerted
// and a console flagged once, not once per instance. The holder renews the lease every tick and reads the units
// waiting for an acknowledgement from the store first (a dispatch or an acknowledgement may have gone through
// another instance); a new holder rebuilds the pending alerts from the store, continuing where the old one stopped.
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { DispatchAlert } from "../../shared/socket";
import type { ServiceContext } from "../services/context";
import { buildAlert, TICK_MS, type AlertMonitor } from "./alerts";

export const ALERT_LEASE = "alerts";

/** Unique per process: a restarted instance is a new holder. */
export function newInstanceId(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

export interface AlertTicks {
  /** Whether this instance ran the last tick (always true for one process). */
  holding(): boolean;
  stop(): Promise<void>;
}

export function startAlertTicks(
  context: ServiceContext,
  alerts: AlertMonitor,
  cluster: { instanceId: string; leaseMs: number } | null,
): AlertTicks {
  let holding = cluster === null;
  let running: Promise<void> | null = null;

  async function waitingUnits(): Promise<{ alert: DispatchAlert; dispatchedAtMs: number }[]> {
    const waiting: { alert: DispatchAlert; dispatchedAtMs: number }[] = [];
    for (const unit of await context.store.listUnits()) {
      if (unit.status !== "dispatched" || !unit.incidentId) continue;
      const dispatchedAtMs = Date.parse(unit.statusSince);
      const known = alerts.current(unit.id);
      if (known?.incidentId === unit.incidentId) {
        waiting.push({ alert: known, dispatchedAtMs });
        continue;
      }
      const incident = await context.store.getIncident(unit.incidentId);
      if (incident) waiting.push({ alert: buildAlert(incident.state, unit), dispatchedAtMs });
    }
    return waiting;
  }

  async function clusterTick(instanceId: string, leaseMs: number): Promise<void> {
    const nowMs = context.clock().getTime();
    const { acquired, previous } = await context.store.acquireLease(ALERT_LEASE, instanceId, nowMs, leaseMs);
    if (!acquired) {
      if (holding) context.logger.info("alert lease: held by another instance now", { holder: previous?.holder });
      holding = false;
      return;
    }
    // Newly taken: the previous holder (if any) ticked until its last renewal. Held already: up to now.
    const doneUpToMs = holding ? nowMs : previous ? previous.renewedAtMs : undefined;
    if (!holding) context.logger.info("alert lease: this instance runs re-alerts and overdue flags", { previous: previous?.holder });
    holding = true;
    alerts.reconcile(await waitingUnits(), doneUpToMs);
    alerts.tick(context.clock().getTime());
  }

  const timer = setInterval(() => {
    if (running) return; // a slow store: skip a tick rather than pile them up
    running = (cluster ? clusterTick(cluster.instanceId, cluster.leaseMs) : Promise.resolve(alerts.tick(context.clock().getTime())))
      .catch((error: unknown) => {
        // Renewal failed (store unreachable): stop ticking; the lease runs out and another instance takes over.
        holding = cluster === null;
        context.logger.error("alert tick failed", { error: String(error) });
      })
      .finally(() => {
        running = null;
      });
  }, TICK_MS);
  timer.unref();

  return {
    holding: () => holding,
    stop: async () => {
      clearInterval(timer);
      await running;
      // A clean shutdown hands the lease over at once instead of after its expiry.
      if (cluster && holding) await context.store.releaseLease(ALERT_LEASE, cluster.instanceId).catch(() => undefined);
    },
  };
}
