// Alerts the console raised: overdue dispatches reported by the server and the latest audible alert,
// so every sound also has something to read on screen.
import { createStore } from "zustand/vanilla";
import type { DispatchOverdue } from "../../../../shared/socket";

export type AlertKind = "newCall" | "overdue";

export interface RaisedAlert {
  kind: AlertKind;
  incidentId: string;
  incidentNumber: string;
  callSign?: string;
  at: number;
}

export interface AlertState {
  overdue: Record<string, DispatchOverdue>;
  latest: RaisedAlert | null;
  /** How many alerts sounded (or would have, when muted): visible proof for tests and supervisors. */
  raisedCount: number;
  reportOverdue(overdue: DispatchOverdue): void;
  raise(alert: RaisedAlert): void;
  dismissLatest(): void;
}

export const overdueKey = (incidentId: string, unitId: string) => `${incidentId}:${unitId}`;

export function createAlertStore() {
  return createStore<AlertState>()((set, get) => ({
    overdue: {},
    latest: null,
    raisedCount: 0,
    reportOverdue(overdue) {
      set({ overdue: { ...get().overdue, [overdueKey(overdue.incidentId, overdue.unitId)]: overdue } });
    },
    raise(alert) {
      set({ latest: alert, raisedCount: get().raisedCount + 1 });
    },
    dismissLatest() {
      set({ latest: null });
    },
  }));
}
