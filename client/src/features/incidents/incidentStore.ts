// The normalised incident store. Socket listeners and loaders write to it; components only read.
import { createStore } from "zustand/vanilla";
import type { IncidentDetailView, IncidentView } from "../../../../shared/api";
import type { IncidentEvent } from "../../../../shared/events";
import type { IncidentState } from "../../../../shared/incident";
import {
  EMPTY_INCIDENTS,
  mergeFetchedIncident,
  reduceIncidentEvent,
  replaceIncidents,
  type EventOutcome,
  type IncidentsData,
} from "./incidentReducer";

export interface IncidentStoreState extends IncidentsData {
  loaded: boolean;
  applyEvent(event: IncidentEvent): EventOutcome;
  upsertFetched(view: IncidentView | IncidentDetailView | IncidentState): void;
  replaceAll(views: readonly IncidentView[], position: number): void;
  reset(): void;
}

export function createIncidentStore() {
  return createStore<IncidentStoreState>()((set, get) => ({
    ...EMPTY_INCIDENTS,
    loaded: false,
    applyEvent(event) {
      const { data, outcome } = reduceIncidentEvent(get(), event);
      set(data);
      return outcome;
    },
    upsertFetched(view) {
      set(mergeFetchedIncident(get(), view));
    },
    replaceAll(views, position) {
      set({ ...replaceIncidents(get(), views, position), loaded: true });
    },
    reset() {
      set({ ...EMPTY_INCIDENTS, loaded: false });
    },
  }));
}
