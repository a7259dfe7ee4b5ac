import { useMemo } from "react";
import { useStore } from "zustand";
import { configStore, unitStore } from "../../app/stores";
import { useNow } from "../../app/useNow";
import { lostContactSeconds } from "./contact";

/** Units that have lost contact now, with the seconds since their last sign of life; re-evaluated every second. */
export function useLostContact(): ReadonlyMap<string, number> {
  const units = useStore(unitStore, (state) => state.byId);
  const presence = useStore(unitStore, (state) => state.presence);
  const threshold = useStore(configStore, (state) => state.config.lostContactSeconds ?? 30);
  const now = useNow(1000);
  return useMemo(() => {
    const lost = new Map<string, number>();
    for (const unit of Object.values(units)) {
      const seconds = lostContactSeconds(unit, presence[unit.id], now, threshold);
      if (seconds !== null) lost.set(unit.id, seconds);
    }
    return lost;
  }, [units, presence, now, threshold]);
}
