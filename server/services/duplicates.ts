// Finds open incidents a call may belong to. Judged at the call's own receivedAt, so replays and transfers
// are matched as they would have been live. Every lookup is an indexed query, never a scan of all incidents.
import type { DuplicateCandidate } from "../../shared/api";
import type { IncidentType } from "../../shared/domain";
import type { LatLng } from "../../shared/schemas";
import { boundingBox, distanceMeters, normalizeAddress } from "../../shared/geo";
import type { IncidentRecord, Store } from "../store/types";
import type { DuplicateWindow } from "../config";

export interface DuplicateQueryInput {
  /** Null for a call that has no position yet (an address-only transfer): only caller and address can match. */
  position: LatLng | null;
  incidentType: IncidentType;
  at: Date;
  callerNumber?: string;
  address?: string;
  excludeIncidentId?: string;
}

const CANDIDATE_LIMIT = 50;
const RESULT_LIMIT = 10;

/**
 * A block ("100 Block of Market St") or an intersection ("Oak St/Stanyan St") is where many separate incidents
 * are: the same such address says little. A house number is a place.
 */
export function isPreciseAddress(address: string): boolean {
  return !/\bblock of\b|\/|\bat\b|&/i.test(address);
}

/** Digits only, so "+86 138-0000-0000" and "8613800000000" are the same caller. */
export function normalizePhone(number: string): string {
  return number.replace(/\D/g, "");
}

export async function findDuplicates(
  store: Store,
  windows: Record<IncidentType, DuplicateWindow>,
  input: DuplicateQueryInput,
): Promise<DuplicateCandidate[]> {
  const window = windows[input.incidentType];
  const windowMs = window.windowMinutes * 60_000;
  // The widest window of any type bounds how old an incident can be and still match by caller or address.
  const atMs = input.at.getTime();
  const found = new Map<string, { incident: IncidentRecord; sameCaller: boolean; sameAddress: boolean }>();
  const consider = (incident: IncidentRecord) => {
    if (incident.id === input.excludeIncidentId || incident.status !== "open") return;
    if (!found.has(incident.id)) found.set(incident.id, { incident, sameCaller: false, sameAddress: false });
  };

  if (input.position) {
    for (const incident of await store.findIncidentsInWindow({
      fromMs: atMs - windowMs,
      toMs: atMs + windowMs,
      ...boundingBox(input.position, window.radiusM * 2),
      statuses: ["open"],
      limit: CANDIDATE_LIMIT,
    })) {
      consider(incident);
    }
  }

  if (input.callerNumber) {
    const caller = normalizePhone(input.callerNumber);
    const calls = await store.findCallsByCallerNumber(caller, atMs - windowMs, atMs + windowMs, CANDIDATE_LIMIT);
    for (const call of calls) {
      const incident = await store.getIncident(call.incidentId);
      if (!incident) continue;
      consider(incident);
      const entry = found.get(incident.id);
      if (entry) entry.sameCaller = true;
    }
  }

  if (input.address) {
    const key = normalizeAddress(input.address);
    for (const incident of await store.findIncidentsByAddressKey(key, atMs - windowMs, atMs + windowMs, CANDIDATE_LIMIT)) {
      consider(incident);
      const entry = found.get(incident.id);
      if (entry) entry.sameAddress = true;
    }
  }

  const preciseAddress = input.address !== undefined && isPreciseAddress(input.address);
  const ranked: { candidate: DuplicateCandidate; receivedAtMs: number }[] = [];
  for (const { incident, sameCaller, sameAddress } of found.values()) {
    // Either side without a position (address-only transfer): no distance, so only caller and address count.
    const incidentPosition = incident.lat !== null && incident.lng !== null ? { lat: incident.lat, lng: incident.lng } : null;
    const distanceM =
      input.position && incidentPosition ? Math.round(distanceMeters(input.position, incidentPosition)) : null;
    const minutesApart = Math.abs(atMs - incident.receivedAtMs) / 60_000;
    const near = distanceM !== null && distanceM <= window.radiusM;
    const nearish = distanceM !== null && distanceM <= window.radiusM * 2;
    const recent = minutesApart <= window.windowMinutes;
    const sameType = incident.incidentType === input.incidentType;
    if (!sameCaller && !sameAddress && !(nearish && recent)) continue;

    const reasons: string[] = [];
    if (near) reasons.push("within_radius");
    else if (nearish) reasons.push("near_radius");
    if (recent) reasons.push("within_window");
    if (sameType) reasons.push("same_type");
    if (sameCaller) reasons.push("same_caller");
    if (sameAddress) reasons.push("same_address");

    const proximity = distanceM === null ? 0 : Math.max(0, 1 - distanceM / (window.radiusM * 2));
    // Extra callers come within minutes; inside the first third of the window time apart says nothing more, so
    // two incidents at one spot tie on it and the older (the one people are calling about) ranks first.
    const plateau = window.windowMinutes / 3;
    const recency = minutesApart <= plateau ? 1 : Math.max(0, 1 - (minutesApart - plateau) / (window.windowMinutes - plateau));
    const addressWeight = sameAddress ? (preciseAddress ? 0.3 : 0.1) : 0;
    const score = Math.min(
      1,
      0.45 * proximity + 0.25 * recency + (sameType ? 0.1 : 0) + (sameCaller ? 0.35 : 0) + addressWeight,
    );
    // Strong means "almost certainly this incident": the same caller, or the same kind of incident at the same
    // place within its window. A different type at one place, or a shared block-level address, is only possible.
    const strong = sameCaller || (sameType && recent && (near || (sameAddress && preciseAddress)));
    ranked.push({ receivedAtMs: incident.receivedAtMs, candidate: {
      incidentId: incident.id,
      number: incident.number,
      incidentType: incident.incidentType,
      ...(incident.state.location.address ? { address: incident.state.location.address } : {}),
      distanceM,
      minutesApart: Math.round(minutesApart * 10) / 10,
      score: Math.round(score * 100) / 100,
      level: strong ? "strong" : "possible",
      reasons,
    } });
  }
  return ranked
    .sort((a, b) => b.candidate.score - a.candidate.score || a.receivedAtMs - b.receivedAtMs)
    .slice(0, RESULT_LIMIT)
    .map(({ candidate }) => candidate);
}
