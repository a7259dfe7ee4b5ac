// Address suggestions for call intake, from the center's own history: every incident recorded with an address
// has its coordinates, and 119 centers on isolated networks cannot ask an online geocoder.
import type { AddressMatch } from "../../shared/api";
import type { Actor } from "../../shared/events";
import { normalizeAddress } from "../../shared/geo";
import type { AddressQuery } from "../../shared/schemas";
import { authorize, type ServiceContext } from "./context";
import { presentKnownAddress } from "./presenters";

/** Known addresses that start with what the dispatcher typed, most recently seen first. */
export async function suggestAddresses(
  context: ServiceContext,
  actor: Actor,
  query: AddressQuery,
): Promise<{ addresses: AddressMatch[] }> {
  authorize(actor, "lookUpAddresses", "look up addresses");
  // Matched on the same normalised form the incidents are keyed by, so "935 folsom" finds "935 Folsom St.".
  const prefix = normalizeAddress(query.q);
  // Only punctuation typed: an empty prefix would list every address on record.
  if (prefix === "") return { addresses: [] };
  const known = await context.store.searchAddresses(prefix, query.limit);
  return { addresses: known.map(presentKnownAddress) };
}
