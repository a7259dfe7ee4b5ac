// Dispatch alerts are re-sent until the crew acknowledges, and consoles are told when one is overdue.
// Pending alerts are derived from unit status, so they resume after a restart, and with several server instances
// the one holding the alert lease rebuilds them from the store (see alertLease.ts).
import type { DispatchAlert, DispatchOverdue } from "../../shared/socket";
import { activeAssignments, type IncidentState } from "../../shared/incident";
import type { UnitRecord } from "../store/types";

interface PendingAlert {
  alert: DispatchAlert;
  /** Server time the dispatch was recorded: overdue is judged by the server clock. */
  dispatchedAtMs: number;
  lastSentMs: number;
  overdueSent: boolean;
}

/** How often the monitor ticks (re-sends and overdue checks). */
export const TICK_MS = 1000;

export interface AlertSink {
  sendAlert(alert: DispatchAlert): void;
  sendOverdue(overdue: DispatchOverdue): void;
}

export function buildAlert(state: IncidentState, unit: UnitRecord, notes?: string): DispatchAlert {
  return {
    incidentId: state.id,
    incidentNumber: state.number,
    unitId: unit.id,
    callSign: unit.callSign,
    incidentType: state.incidentType,
    location: state.location,
    ...(state.description !== undefined ? { description: state.description } : {}),
    ...(notes !== undefined ? { notes } : {}),
    otherUnits: activeAssignments(state)
      .filter((assignment) => assignment.unitId !== unit.id)
      .map(({ unitId, callSign, status }) => ({ unitId, callSign, status })),
    dispatchedAt: unit.statusSince,
    attempt: 1,
  };
}

export class AlertMonitor {
  private readonly pending = new Map<string, PendingAlert>();

  constructor(
    private readonly sink: AlertSink,
    private readonly realertMs: number,
    private readonly overdueMs: number,
  ) {}

  /** A new dispatch: alert now. */
  dispatched(alert: DispatchAlert, recordedAtMs: number, nowMs: number): void {
    this.pending.set(alert.unitId, { alert, dispatchedAtMs: recordedAtMs, lastSentMs: nowMs, overdueSent: false });
    this.sink.sendAlert(alert);
  }

  /** A dispatch found on start-up: alert at the next tick. */
  resume(alert: DispatchAlert, dispatchedAtMs: number): void {
    this.pending.set(alert.unitId, { alert, dispatchedAtMs, lastSentMs: 0, overdueSent: false });
  }

  /**
   * Several instances: the units waiting for an acknowledgement as the store has them now, read by the instance
   * that runs the ticks. A unit this monitor does not know was dispatched through another instance, which sent the
   * first alert then. `doneUpToMs`: a previous lease holder ran the ticks until about then, so its re-sends and
   * overdue flags are not repeated (without it, as at start-up: alert at the next tick). Units no longer waiting go.
   */
  reconcile(waiting: { alert: DispatchAlert; dispatchedAtMs: number }[], doneUpToMs: number | undefined): void {
    const stillWaiting = new Set<string>();
    for (const { alert, dispatchedAtMs } of waiting) {
      stillWaiting.add(alert.unitId);
      const known = this.pending.get(alert.unitId);
      if (known && known.alert.incidentId === alert.incidentId) continue;
      if (doneUpToMs === undefined) {
        this.resume(alert, dispatchedAtMs);
        continue;
      }
      // The previous holder re-sent on its ticks every realertMs after the dispatch, and flagged it overdue if
      // the deadline passed two ticks before it last renewed (one tick of margin: a flag twice, never none).
      const resends = Math.max(0, Math.floor((doneUpToMs - dispatchedAtMs) / this.realertMs));
      this.pending.set(alert.unitId, {
        alert: { ...alert, attempt: alert.attempt + resends },
        dispatchedAtMs,
        lastSentMs: dispatchedAtMs + resends * this.realertMs,
        overdueSent: dispatchedAtMs + this.overdueMs <= doneUpToMs - 2 * TICK_MS,
      });
    }
    for (const unitId of this.pending.keys()) if (!stillWaiting.has(unitId)) this.pending.delete(unitId);
  }

  /** Stops alerting once the unit has moved on from `dispatched` (or to another incident). */
  unitChanged(unit: UnitRecord): void {
    const entry = this.pending.get(unit.id);
    if (entry && (unit.status !== "dispatched" || unit.incidentId !== entry.alert.incidentId)) this.pending.delete(unit.id);
  }

  /** The alert a reconnecting crew should see at once, if its unit is still waiting. */
  current(unitId: string): DispatchAlert | undefined {
    return this.pending.get(unitId)?.alert;
  }

  tick(nowMs: number): void {
    for (const entry of this.pending.values()) {
      if (nowMs - entry.lastSentMs >= this.realertMs) {
        entry.alert = { ...entry.alert, attempt: entry.lastSentMs === 0 ? entry.alert.attempt : entry.alert.attempt + 1 };
        entry.lastSentMs = nowMs;
        this.sink.sendAlert(entry.alert);
      }
      if (!entry.overdueSent && nowMs - entry.dispatchedAtMs >= this.overdueMs) {
        entry.overdueSent = true;
        this.sink.sendOverdue({
          incidentId: entry.alert.incidentId,
          incidentNumber: entry.alert.incidentNumber,
          unitId: entry.alert.unitId,
          callSign: entry.alert.callSign,
          dispatchedAt: entry.alert.dispatchedAt,
          secondsWaiting: Math.round((nowMs - entry.dispatchedAtMs) / 1000),
        });
      }
    }
  }
}
