// The tablet's own state: the pending alert, the tapped-action queue, position reporting, and a snapshot of
// the assignment kept on the device so a reload without a network still shows what the crew is on.
import { createStore } from "zustand/vanilla";
import type { UnitView } from "../../../shared/api";
import type { IncidentState } from "../../../shared/incident";
import type { DispatchAlert } from "../../../shared/socket";
import { browserStorage, isRecord, readJson, STORAGE_KEYS, writeJson, type StorageLike } from "../lib/storage";
import { createOfflineQueue } from "./offlineQueue";

export interface TabletSnapshot {
  unit: UnitView | null;
  incident: IncidentState | null;
  alert: DispatchAlert | null;
}

export interface TabletState {
  alert: DispatchAlert | null;
  reportPositions: boolean;
  lastPositionSentAt: number | null;
  positionError: string | null;
  showAlert(alert: DispatchAlert): void;
  clearAlert(): void;
  setReportPositions(on: boolean): void;
  positionSent(at: number): void;
  setPositionError(message: string | null): void;
}

function isSnapshot(value: unknown): value is TabletSnapshot {
  return isRecord(value) && "unit" in value && "incident" in value && "alert" in value;
}

export function readSnapshot(storage: StorageLike, unitId: string): TabletSnapshot | null {
  const snapshot = readJson(storage, STORAGE_KEYS.tabletSnapshot, isSnapshot);
  // A snapshot from another unit's login on this device is not ours.
  if (!snapshot || (snapshot.unit && snapshot.unit.id !== unitId)) return null;
  return snapshot;
}

export function writeSnapshot(storage: StorageLike, snapshot: TabletSnapshot): void {
  writeJson(storage, STORAGE_KEYS.tabletSnapshot, snapshot);
}

const storage = browserStorage();

export const tabletQueue = createOfflineQueue(storage, STORAGE_KEYS.offlineQueue);

export const tabletStore = createStore<TabletState>()((set) => ({
  alert: null,
  reportPositions: readJson(storage, STORAGE_KEYS.positionReports, (v): v is boolean => typeof v === "boolean") ?? true,
  lastPositionSentAt: null,
  positionError: null,
  showAlert(alert) {
    set({ alert });
  },
  clearAlert() {
    set({ alert: null });
  },
  setReportPositions(on) {
    writeJson(storage, STORAGE_KEYS.positionReports, on);
    set({ reportPositions: on, positionError: null });
  },
  positionSent(at) {
    set({ lastPositionSentAt: at, positionError: null });
  },
  setPositionError(message) {
    set({ positionError: message });
  },
}));

export { storage as tabletStorage };
