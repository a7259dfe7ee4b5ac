// Lost contact: a unit on an incident whose tablet has no connection and has sent no position for a while. A
// dispatcher must not read "Acknowledged 0:14" as fine while the crew is unreachable.
import type { UnitView } from "../../../../shared/api";
import { COMMITTED_STATUSES } from "../../../../shared/domain";
import type { UnitPresence } from "../../../../shared/socket";

/** Short drops (a tunnel, a reload) are normal; this long without a socket or a position is not. */
export const LOST_CONTACT_SECONDS = 30;

/**
 * Seconds since the last sign of life (socket or position) when the unit has lost contact, else null. Units with
 * no tablet seen (radio only) and units not on an incident are never flagged.
 */
export function lostContactSeconds(
  unit: Pick<UnitView, "status" | "incidentId" | "position">,
  presence: UnitPresence | undefined,
  now: number,
  thresholdSeconds = LOST_CONTACT_SECONDS,
): number | null {
  if (!presence || presence.online) return null;
  if (!unit.incidentId || !COMMITTED_STATUSES.includes(unit.status)) return null;
  const lastSign = Math.max(Date.parse(presence.since), unit.position ? Date.parse(unit.position.at) : 0);
  const silent = Math.floor((now - lastSign) / 1000);
  return silent >= thresholdSeconds ? silent : null;
}
