// What the dispatcher is looking at: the selected incident and the last map pick (feeds the call form).
import { createStore } from "zustand/vanilla";
import type { LatLng } from "../../../shared/schemas";

export interface ConsoleUiState {
  selectedIncidentId: string | null;
  /** A map click, numbered so the same spot clicked twice still counts. */
  mapPick: { position: LatLng; seq: number } | null;
  /** Bumped by F2 / Alt+N so the call form resets and takes focus. */
  newCallSeq: number;
  /** Where the call being typed is (typed or clicked), drawn on the map. */
  draftLocation: LatLng | null;
  setDraftLocation(position: LatLng | null): void;
  select(incidentId: string | null): void;
  pick(position: LatLng): void;
  newCall(): void;
}

export const consoleUiStore = createStore<ConsoleUiState>()((set, get) => ({
  selectedIncidentId: null,
  mapPick: null,
  newCallSeq: 0,
  draftLocation: null,
  setDraftLocation(position) {
    const current = get().draftLocation;
    if (current?.lat === position?.lat && current?.lng === position?.lng) return;
    set({ draftLocation: position });
  },
  select(incidentId) {
    set({ selectedIncidentId: incidentId });
  },
  pick(position) {
    set({ mapPick: { position, seq: (get().mapPick?.seq ?? 0) + 1 } });
  },
  newCall() {
    set({ newCallSeq: get().newCallSeq + 1 });
  },
}));
