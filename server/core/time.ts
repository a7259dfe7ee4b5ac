import { CLOCK_SKEW_TOLERANCE_MS, LIVE_MAX_AGE_MS, type EventSource } from "../../shared/domain";
import { can } from "../../shared/policy";
import type { Actor } from "../../shared/events";
import { errors } from "./errors";

export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

/**
 * Decides the `occurredAt` of a write. Live clocks may be a little fast and at most a day behind (a tablet
 * that was offline overnight); history (`import`) may carry any past time but only from import accounts.
 * Out-of-range times are refused, never silently replaced.
 */
export function resolveOccurredAt(
  actor: Actor,
  source: EventSource,
  claimed: string | undefined,
  now: Date,
  field = "occurredAt",
): string {
  if (source === "import" && !can.importHistory(actor)) {
    throw errors.forbidden("Only admin and integration accounts may post history (source \"import\").");
  }
  if (claimed === undefined) return now.toISOString();
  const at = Date.parse(claimed);
  if (at > now.getTime() + CLOCK_SKEW_TOLERANCE_MS) {
    throw errors.timeOutOfRange(
      `${field} ${claimed} is in the future beyond the ${CLOCK_SKEW_TOLERANCE_MS / 1000} s clock-skew tolerance; check the device clock.`,
    );
  }
  if (source !== "import" && at < now.getTime() - LIVE_MAX_AGE_MS) {
    throw errors.timeOutOfRange(`${field} ${claimed} is more than 24 h in the past; only imports may record older history.`);
  }
  return new Date(at).toISOString();
}
