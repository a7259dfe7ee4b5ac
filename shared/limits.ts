// Limits and location helpers without zod, so a screen that only needs these (the crew tablet) does not load the
// schema library; `schemas.ts` re-exports them for everything else.
import type { IncidentLocation, LatLng, Location } from "./schemas";

export const LIMITS = {
  shortText: 120,
  address: 300,
  description: 4000,
  reason: 1000,
  dispatchUnits: 30,
  /** Incidents one tablet `sync` may name. */
  syncIncidents: 50,
  bodyBytes: 64 * 1024,
} as const;

export function isPlaced(location: IncidentLocation): location is Location {
  return "lat" in location && typeof location.lat === "number";
}

/** The point on the map, or null while the position is not confirmed. */
export function positionOf(location: IncidentLocation): LatLng | null {
  return isPlaced(location) ? { lat: location.lat, lng: location.lng } : null;
}
