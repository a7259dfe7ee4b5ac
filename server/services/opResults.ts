// What an operation record keeps of a command's answer. Incident views are most of an answer (every call and
// assignment, ~3 KB each) and are already in the log, so the record keeps a reference (the incident and the seq of
// the state the answer showed) and a retry gets the same view back by folding the incident's stream up to that seq,
// presented for the same account's audience. Everything else (units, duplicates, the call) is kept as it was.
import type { IncidentView } from "../../shared/api";
import type { Actor, IncidentEvent } from "../../shared/events";
import { foldIncident } from "../../shared/incident";
import type { ServiceContext } from "./context";
import { incidentAudienceOf, presentIncident } from "./presenters";

/** How an incident view is kept in an operation record. */
interface StoredIncident {
  $incident: string;
  seq: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isIncidentView(value: Record<string, unknown>): value is Record<string, unknown> & IncidentView {
  return (
    typeof value.id === "string" &&
    typeof value.lastSeq === "number" &&
    typeof value.lastHash === "string" &&
    Array.isArray(value.calls) &&
    isRecord(value.intervals)
  );
}

function isStoredIncident(value: Record<string, unknown>): value is Record<string, unknown> & StoredIncident {
  return typeof value.$incident === "string" && typeof value.seq === "number";
}

/** The answer as an operation record keeps it: every incident view replaced by a StoredIncident. */
export function compactResult(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(compactResult);
  if (!isRecord(value)) return value;
  if (isIncidentView(value)) return { $incident: value.id, seq: value.lastSeq } satisfies StoredIncident;
  return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, compactResult(entry)]));
}

/**
 * The first answer again, for the account that made it (records stored whole, before compaction, pass unchanged).
 */
export async function rebuildResult(context: ServiceContext, stored: unknown, actor: Actor): Promise<unknown> {
  const streams = new Map<string, IncidentEvent[]>();
  const rebuild = async (value: unknown): Promise<unknown> => {
    if (Array.isArray(value)) return Promise.all(value.map(rebuild));
    if (!isRecord(value)) return value;
    if (isStoredIncident(value)) {
      const events = streams.get(value.$incident) ?? (await context.store.getStreamEvents("incident", value.$incident));
      streams.set(value.$incident, events);
      const state = foldIncident(events.filter((event) => event.seq <= value.seq));
      return presentIncident(state, incidentAudienceOf(actor));
    }
    const entries = await Promise.all(Object.entries(value).map(async ([key, entry]) => [key, await rebuild(entry)] as const));
    return Object.fromEntries(entries);
  };
  return rebuild(stored);
}
