// The address field's list of known addresses as plain data: what was asked, what came back, which option the
// arrow keys are on, and what a key does. The component only renders this and fetches.
import type { AddressMatch } from "../../../../shared/api";
import { AddressQuery } from "../../../../shared/schemas";

export interface AddressSuggestions {
  /** The text the dispatcher typed that answers must belong to ("" when nothing is to be looked up). */
  query: string;
  options: AddressMatch[];
  open: boolean;
  /** Index of the option the arrow keys are on, -1 for none. */
  active: number;
  /** Closed with Escape: an answer still on its way for the same text does not open it again. */
  dismissed: boolean;
  /** The query the shown options answer ("" before any answer): differs from `query` while a lookup is pending. */
  answeredFor: string;
  /** Enter was pressed before the answer came: open the list on its first option when it does. */
  openOnAnswer: boolean;
}

export const noSuggestions: AddressSuggestions = {
  query: "",
  options: [],
  open: false,
  active: -1,
  dismissed: false,
  answeredFor: "",
  openOnAnswer: false,
};

/** A lookup for the typed text is still on its way. */
export function lookupPending(state: AddressSuggestions): boolean {
  return state.query !== "" && state.answeredFor !== state.query;
}

/** The history knows no address starting with the typed text. */
export function noMatch(state: AddressSuggestions): boolean {
  return state.query !== "" && state.answeredFor === state.query && state.options.length === 0;
}

export type SuggestionEvent =
  /** The dispatcher changed the address text (not a fill from a pick, a transfer or a reset). */
  | { type: "typed"; text: string }
  | { type: "answered"; query: string; options: AddressMatch[] }
  | { type: "move"; by: 1 | -1 }
  | { type: "close" }
  /** An option was taken, or the form was filled or cleared another way: nothing to suggest until typing. */
  | { type: "reset" }
  /** Enter with no location while the lookup is pending: wait for the answer instead of submitting. */
  | { type: "await" };

/** Whether the server would take this text as a query: the same schema, so the client never asks in vain. */
export function isLookUpText(text: string): boolean {
  return AddressQuery.safeParse({ q: text }).success;
}

export function suggestionsReducer(state: AddressSuggestions, event: SuggestionEvent): AddressSuggestions {
  switch (event.type) {
    case "typed":
      if (!isLookUpText(event.text)) return noSuggestions;
      // The shown options stay until the answer for the new text replaces them (no flicker while typing),
      // but none stays chosen: Enter must not take an option picked for an earlier text.
      return { ...state, query: event.text, active: -1, dismissed: false, openOnAnswer: false };
    case "answered":
      // A late answer for text the dispatcher has since changed is dropped.
      if (event.query !== state.query) return state;
      if (state.openOnAnswer && event.options.length > 0) {
        return { ...state, options: event.options, answeredFor: event.query, open: true, active: 0, dismissed: false, openOnAnswer: false };
      }
      return {
        ...state,
        options: event.options,
        answeredFor: event.query,
        open: event.options.length > 0 && !state.dismissed,
        active: -1,
        openOnAnswer: false,
      };
    case "await":
      return { ...state, openOnAnswer: true };
    case "move": {
      const count = state.options.length;
      if (count === 0) return state;
      // A closed list opens again on an arrow key, on its first (or, going up, last) option.
      const from = state.open ? state.active : -1;
      const active = from === -1 ? (event.by === 1 ? 0 : count - 1) : (from + event.by + count) % count;
      return { ...state, open: true, active, dismissed: false };
    }
    case "close":
      return { ...state, open: false, active: -1, dismissed: true };
    case "reset":
      return noSuggestions;
  }
}

export type KeyIntent =
  | { type: "move"; by: 1 | -1 }
  | { type: "pick"; option: AddressMatch }
  | { type: "close" }
  | { type: "await" }
  /** Enter with no location and no known address for the text: do not submit a call that must be refused. */
  | { type: "hold" }
  | null;

/**
 * What a key pressed in the address field does to the list. null means the key is not the list's, and keeps its
 * usual meaning (Enter then submits the call). While the list is open Enter never submits: it takes the chosen
 * option, or with none chosen only closes the list. With no location yet, Enter before the lookup answers waits
 * for it (and then opens the list on its first option), and Enter on an address nobody knows holds the form.
 */
export function keyIntent(state: AddressSuggestions, key: string, context: { hasLocation: boolean } = { hasLocation: true }): KeyIntent {
  switch (key) {
    case "ArrowDown":
      return state.options.length > 0 ? { type: "move", by: 1 } : null;
    case "ArrowUp":
      return state.open ? { type: "move", by: -1 } : null;
    case "Enter": {
      if (!state.open) {
        // Without a location the call would be refused: wait for the lookup, or say there is no match.
        if (context.hasLocation) return null;
        if (lookupPending(state)) return { type: "await" };
        if (noMatch(state)) return { type: "hold" };
        return null;
      }
      const option = state.options[state.active];
      if (option) return { type: "pick", option };
      // Without a location the call cannot be taken: Enter goes to the first option (the same place as when the
      // answer comes after Enter), a second Enter takes it.
      return context.hasLocation ? { type: "close" } : { type: "move", by: 1 };
    }
    case "Escape":
      return state.open ? { type: "close" } : null;
    default:
      return null;
  }
}

/** DOM id of an option, for aria-activedescendant. */
export function optionId(listId: string, index: number): string {
  return `${listId}-option-${index}`;
}
