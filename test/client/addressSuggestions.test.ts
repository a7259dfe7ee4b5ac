import { describe, expect, it } from "vitest";
import type { AddressMatch } from "../../shared/api";
import {
  isLookUpText,
  keyIntent,
  noMatch,
  noSuggestions,
  suggestionsReducer,
  type AddressSuggestions,
  type SuggestionEvent,
} from "../../client/src/features/intake/addressSuggestions";

const match = (address: string): AddressMatch => ({ address, lat: 37.78, lng: -122.4, lastSeenAt: "2026-11-20T10:00:00.000Z", incidents: 2 });
const FOLSOM = match("935 Folsom St");
const FREMONT = match("935 Fremont Ave");
const MISSION = match("9350 Mission St");

const run = (...events: SuggestionEvent[]): AddressSuggestions => events.reduce(suggestionsReducer, noSuggestions);
const answered = (query: string, options: AddressMatch[]): SuggestionEvent => ({ type: "answered", query, options });

describe("known-address suggestions", () => {
  it("looks up only text the server accepts as a query", () => {
    expect(isLookUpText("93")).toBe(true);
    expect(isLookUpText(" 9 ")).toBe(false);
    expect(isLookUpText("9".repeat(301))).toBe(false);
    expect(run({ type: "typed", text: "9" })).toEqual(noSuggestions);
    expect(run({ type: "typed", text: "935" }).query).toBe("935");
  });

  it("opens on the answer for the text typed last and drops an answer for earlier text", () => {
    const typing = run({ type: "typed", text: "935" }, { type: "typed", text: "935 f" });
    expect(suggestionsReducer(typing, answered("935", [FOLSOM, FREMONT, MISSION]))).toBe(typing);
    const shown = suggestionsReducer(typing, answered("935 f", [FOLSOM, FREMONT]));
    expect(shown).toMatchObject({ open: true, options: [FOLSOM, FREMONT], active: -1 });
    expect(suggestionsReducer(typing, answered("935 f", []))).toMatchObject({ open: false, options: [] });
  });

  it("moves down and up through the options, wrapping at either end", () => {
    const shown = run({ type: "typed", text: "935" }, answered("935", [FOLSOM, FREMONT, MISSION]));
    const down = (state: AddressSuggestions) => suggestionsReducer(state, { type: "move", by: 1 });
    const up = (state: AddressSuggestions) => suggestionsReducer(state, { type: "move", by: -1 });
    expect(down(shown).active).toBe(0);
    expect(down(down(shown)).active).toBe(1);
    expect(down(down(down(down(shown)))).active).toBe(0);
    expect(up(shown).active).toBe(2);
    expect(up(down(shown)).active).toBe(2);
  });

  it("picks the chosen option on Enter, and with none chosen only closes the list; Enter submits only when closed", () => {
    const shown = run({ type: "typed", text: "935" }, answered("935", [FOLSOM, FREMONT]));
    expect(keyIntent(shown, "Enter")).toEqual({ type: "close" });
    const second = run({ type: "typed", text: "935" }, answered("935", [FOLSOM, FREMONT]), { type: "move", by: 1 }, { type: "move", by: 1 });
    expect(keyIntent(second, "Enter")).toEqual({ type: "pick", option: FREMONT });
    expect(keyIntent(suggestionsReducer(second, { type: "close" }), "Enter")).toBeNull();
    expect(keyIntent(noSuggestions, "Enter")).toBeNull();
  });

  it("closes on Escape, stays closed for a late answer to the same text, and reopens on an arrow key or new typing", () => {
    const shown = run({ type: "typed", text: "935" }, answered("935", [FOLSOM]));
    expect(keyIntent(shown, "Escape")).toEqual({ type: "close" });
    const closed = suggestionsReducer(shown, { type: "close" });
    expect(closed.open).toBe(false);
    expect(keyIntent(closed, "Escape")).toBeNull();
    expect(suggestionsReducer(closed, answered("935", [FOLSOM, FREMONT])).open).toBe(false);
    expect(keyIntent(closed, "ArrowDown")).toEqual({ type: "move", by: 1 });
    expect(suggestionsReducer(closed, { type: "move", by: 1 })).toMatchObject({ open: true, active: 0 });
    const typedMore = suggestionsReducer(closed, { type: "typed", text: "935 f" });
    expect(suggestionsReducer(typedMore, answered("935 f", [FOLSOM])).open).toBe(true);
  });

  it("leaves other keys, and arrows with nothing to show, to the form", () => {
    const shown = run({ type: "typed", text: "935" }, answered("935", [FOLSOM]));
    expect(keyIntent(shown, "Tab")).toBeNull();
    expect(keyIntent(shown, "a")).toBeNull();
    expect(keyIntent(noSuggestions, "ArrowDown")).toBeNull();
    expect(keyIntent(noSuggestions, "ArrowUp")).toBeNull();
  });

  it("forgets everything after a pick or a reset, so the filled text does not reopen the list", () => {
    const shown = run({ type: "typed", text: "935" }, answered("935", [FOLSOM]), { type: "move", by: 1 });
    const reset = suggestionsReducer(shown, { type: "reset" });
    expect(reset).toEqual(noSuggestions);
    expect(suggestionsReducer(reset, answered("935", [FOLSOM]))).toBe(reset);
  });

  it("with no location, Enter before the answer waits for it and then opens the list on its first option", () => {
    const pending = run({ type: "typed", text: "935 fo" });
    expect(keyIntent(pending, "Enter", { hasLocation: false })).toEqual({ type: "await" });
    // With a location the call can be taken: Enter keeps submitting.
    expect(keyIntent(pending, "Enter", { hasLocation: true })).toBeNull();
    const shown = run({ type: "typed", text: "935 fo" }, { type: "await" }, answered("935 fo", [FOLSOM]));
    expect(shown.open).toBe(true);
    expect(keyIntent(shown, "Enter", { hasLocation: false })).toEqual({ type: "pick", option: FOLSOM });
    // Typing again forgets the waiting Enter.
    const retyped = run({ type: "typed", text: "935 fo" }, { type: "await" }, { type: "typed", text: "935 fol" }, answered("935 fol", [FOLSOM]));
    expect(retyped.active).toBe(-1);
  });

  it("knows when no address matches, and then holds Enter without a location", () => {
    const none = run({ type: "typed", text: "1 nowhere" }, answered("1 nowhere", []));
    expect(noMatch(none)).toBe(true);
    expect(noMatch(run({ type: "typed", text: "1 nowhere" }))).toBe(false);
    expect(noMatch(run({ type: "typed", text: "935" }, answered("935", [FOLSOM])))).toBe(false);
    expect(keyIntent(none, "Enter", { hasLocation: false })).toEqual({ type: "hold" });
    expect(keyIntent(none, "Enter", { hasLocation: true })).toBeNull();
  });

  it("with no location, Enter on an open list with nothing chosen goes to the first option instead of closing it", () => {
    const shown = run({ type: "typed", text: "935" }, answered("935", [FOLSOM, FREMONT]));
    expect(keyIntent(shown, "Enter", { hasLocation: false })).toEqual({ type: "move", by: 1 });
    expect(keyIntent(shown, "Enter", { hasLocation: true })).toEqual({ type: "close" });
  });
});
