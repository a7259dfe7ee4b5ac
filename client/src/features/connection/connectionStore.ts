// The socket's health as the user sees it: live, reconnecting (since when), resynced after a gap.
import { createStore } from "zustand/vanilla";

export type ConnectionPhase = "connecting" | "live" | "reconnecting" | "resyncing" | "resynced";

export interface ConnectionState {
  phase: ConnectionPhase;
  /** When the current phase began (epoch ms): "reconnecting for 0:12". */
  since: number;
  /** Events replayed by the last resync. */
  replayed: number;
  /** True once the first connection of this page succeeded. */
  everConnected: boolean;
  connected(now?: number): void;
  disconnected(now?: number): void;
  resyncing(now?: number): void;
  resynced(replayed: number, now?: number): void;
  settle(now?: number): void;
}

export function createConnectionStore() {
  return createStore<ConnectionState>()((set, get) => ({
    phase: "connecting",
    since: Date.now(),
    replayed: 0,
    everConnected: false,
    connected(now = Date.now()) {
      set({ phase: get().everConnected ? "resyncing" : "live", since: now, everConnected: true });
    },
    disconnected(now = Date.now()) {
      if (get().phase === "reconnecting" || get().phase === "connecting") return;
      set({ phase: "reconnecting", since: now });
    },
    resyncing(now = Date.now()) {
      set({ phase: "resyncing", since: now });
    },
    resynced(replayed, now = Date.now()) {
      // The very first sync of a page is not a "resync": it is just live.
      set({ phase: get().phase === "resyncing" ? "resynced" : "live", since: now, replayed });
    },
    settle(now = Date.now()) {
      if (get().phase === "resynced") set({ phase: "live", since: now });
    },
  }));
}
