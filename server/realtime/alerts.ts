// Dispatch alerts are re-sent until the crew acknowledges, and consoles are told when one is overdue.
// Pending alerts are derived from unit status, so they resume after a restart.
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
