// The center's configuration (tiles, time zone, map centre). Cached so a tablet can start without a network.
import { createStore } from "zustand/vanilla";
import type { ClientConfigView } from "../../../../shared/api";
import { isRecord, readJson, STORAGE_KEYS, writeJson, type StorageLike } from "../../lib/storage";

export const DEFAULT_CONFIG: ClientConfigView = {
  tileUrl: "",
  tileAttribution: "",
  timeZone: "America/Los_Angeles",
  mapCenter: { lat: 37.7749, lng: -122.4194 },
  mapZoom: 12,
  realertSeconds: 15,
  overdueSeconds: 30,
  lostContactSeconds: 30,
};

function isConfig(value: unknown): value is ClientConfigView {
  return (
    isRecord(value) &&
    typeof value.tileUrl === "string" &&
    typeof value.timeZone === "string" &&
    isRecord(value.mapCenter) &&
    typeof value.mapZoom === "number"
  );
}

export interface ConfigState {
  config: ClientConfigView;
  /** True once the server's answer (or a cached copy of one) is in. */
  loaded: boolean;
  setConfig(config: ClientConfigView): void;
}

export function createConfigStore(storage: StorageLike) {
  const cached = readJson(storage, STORAGE_KEYS.config, isConfig);
  return createStore<ConfigState>()((set) => ({
    config: cached ?? DEFAULT_CONFIG,
    loaded: cached !== null,
    setConfig(config) {
      writeJson(storage, STORAGE_KEYS.config, config);
      set({ config, loaded: true });
    },
  }));
}
