import { useEffect, type Dispatch } from "react";
import { api } from "../../api/client";
import type { SuggestionEvent } from "./addressSuggestions";

/**
 * Asks the server for known addresses once the dispatcher pauses typing. Each answer is tagged with the text
 * it was asked for, so the reducer drops it if the text has changed since; a failed lookup shows nothing (the
 * dispatcher can still type coordinates or click the map).
 */
export function useAddressLookup(query: string, dispatch: Dispatch<SuggestionEvent>, delayMs = 200): void {
  useEffect(() => {
    if (query === "") return;
    let current = true;
    const timer = window.setTimeout(() => {
      api
        .findAddresses({ q: query })
        .then((answer) => {
          if (current) dispatch({ type: "answered", query, options: answer.addresses });
        })
        .catch(() => {
          if (current) dispatch({ type: "answered", query, options: [] });
        });
    }, delayMs);
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [query]);
}
