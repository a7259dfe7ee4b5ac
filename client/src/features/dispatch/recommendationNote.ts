// Why the recommendation list is empty, in the dispatcher's terms: "no available units" is only one of three
// reasons, and the misleading one when the run card simply has nothing more to ask for.
import type { RecommendationsView } from "../../../../shared/api";

export type RecommendationNote =
  /** The card has no entry for this alarm level (the server falls back to its highest level). */
  | { kind: "noCardLevel"; level: number }
  /** Every slot of the card is covered by units already on the incident. */
  | { kind: "cardFilled"; level: number }
  /** Slots are open but no available unit of the type exists. */
  | { kind: "noneAvailable" }
  | null;

export function recommendationNote(view: RecommendationsView): RecommendationNote {
  const levels = view.runCard?.levels ?? [];
  if (!levels.some((entry) => entry.alarmLevel === view.alarmLevel)) return { kind: "noCardLevel", level: view.alarmLevel };
  if (view.recommended.length > 0) return null;
  if (view.unfilled.length === 0) return { kind: "cardFilled", level: view.alarmLevel };
  return { kind: "noneAvailable" };
}
