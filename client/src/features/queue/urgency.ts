// Which open incidents need a dispatcher now, and why. Pure so it is tested without a browser.
import { turnoutStandardFor } from "../../../../shared/domain";
import type { DispatchOverdue } from "../../../../shared/socket";
import { activeAssignments, type Assignment, type IncidentState } from "../../../../shared/incident";
import { overdueKey } from "../alerts/alertStore";

export interface OverdueUnit {
  unitId: string;
  callSign: string;
  /** "unacknowledged": the server said nobody acknowledged; "turnout": no unit en route within the standard. */
  reason: "unacknowledged" | "turnout";
  secondsSinceDispatch: number;
}

const NOT_YET_ROLLING = new Set(["dispatched", "acknowledged"]);

function seconds(fromIso: string, now: number): number {
  return Math.max(0, Math.floor((now - Date.parse(fromIso)) / 1000));
}

/** Active assignments that are late: acknowledged-overdue from the server, or past the turnout standard. */
export function overdueUnits(
  incident: IncidentState,
  now: number,
  serverOverdue: Readonly<Record<string, DispatchOverdue>> = {},
  /** The center's acknowledge deadline (config `overdueSeconds`): still flagged after a console reload. */
  overdueSeconds = Number.POSITIVE_INFINITY,
): OverdueUnit[] {
  const standard = turnoutStandardFor(incident.incidentType);
  const result: OverdueUnit[] = [];
  for (const assignment of activeAssignments(incident)) {
    if (!NOT_YET_ROLLING.has(assignment.status)) continue;
    const waited = seconds(assignment.dispatchedAt.occurredAt, now);
    const reported = serverOverdue[overdueKey(incident.id, assignment.unitId)];
    const reportedForThisDispatch =
      reported !== undefined && Date.parse(reported.dispatchedAt) >= Date.parse(assignment.dispatchedAt.occurredAt) - 1000;
    if (assignment.status === "dispatched" && (reportedForThisDispatch || waited > overdueSeconds)) {
      result.push({ unitId: assignment.unitId, callSign: assignment.callSign, reason: "unacknowledged", secondsSinceDispatch: waited });
    } else if (waited > standard) {
      result.push({ unitId: assignment.unitId, callSign: assignment.callSign, reason: "turnout", secondsSinceDispatch: waited });
    }
  }
  return result;
}

export interface QueueEntry {
  incident: IncidentState;
  overdue: OverdueUnit[];
  activeUnits: Assignment[];
  ageSeconds: number;
  /** Lower is more urgent. */
  tier: 0 | 1 | 2 | 3;
}

/**
 * Most urgent first: overdue dispatches, then calls nobody has been sent to, then incidents with units
 * still on the way, then the rest. Within a tier, the higher alarm level and then the oldest call first.
 */
export function rankQueue(
  incidents: readonly IncidentState[],
  now: number,
  serverOverdue: Readonly<Record<string, DispatchOverdue>> = {},
  overdueSeconds = Number.POSITIVE_INFINITY,
): QueueEntry[] {
  const entries: QueueEntry[] = [];
  for (const incident of incidents) {
    if (incident.status !== "open") continue;
    const overdue = overdueUnits(incident, now, serverOverdue, overdueSeconds);
    const active = activeAssignments(incident);
    const anyOnScene = incident.assignments.some((assignment) => assignment.times.on_scene !== undefined);
    const tier: QueueEntry["tier"] = overdue.length > 0 ? 0 : active.length === 0 && !anyOnScene ? 1 : !anyOnScene ? 2 : 3;
    entries.push({ incident, overdue, activeUnits: active, ageSeconds: seconds(incident.receivedAt, now), tier });
  }
  return entries.sort(
    (a, b) =>
      a.tier - b.tier ||
      b.incident.alarmLevel - a.incident.alarmLevel ||
      Date.parse(a.incident.receivedAt) - Date.parse(b.incident.receivedAt) ||
      a.incident.number.localeCompare(b.incident.number),
  );
}
