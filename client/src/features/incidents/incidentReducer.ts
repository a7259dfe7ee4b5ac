// Pure bookkeeping of incidents on the client: the shared fold advances each incident, this file decides
// whether an event is next in line, a duplicate, or shows a gap that needs a refetch.
import type { IncidentDetailView, IncidentView } from "../../../../shared/api";
import type { IncidentEvent } from "../../../../shared/events";
import { applyIncidentEvent, FoldError, type IncidentState } from "../../../../shared/incident";

export interface IncidentsData {
  byId: Record<string, IncidentState>;
  /** Full event history, kept only for incidents whose history is complete from seq 1. */
  eventsById: Record<string, IncidentEvent[]>;
  /** Highest global log position applied (the console's sync cursor). */
  position: number;
}

export type EventOutcome = "applied" | "duplicate" | "gap";

export const EMPTY_INCIDENTS: IncidentsData = { byId: {}, eventsById: {}, position: 0 };

/** Strips the view-only fields a REST answer carries so the store holds only folded state. */
export function toState(view: IncidentView | IncidentDetailView | IncidentState): IncidentState {
  const { intervals: _intervals, events: _events, ...state } = view as IncidentDetailView;
  return state;
}

export function reduceIncidentEvent(
  data: IncidentsData,
  event: IncidentEvent,
): { data: IncidentsData; outcome: EventOutcome } {
  const position = Math.max(data.position, event.position);
  const current = data.byId[event.streamId];
  if (current && event.seq <= current.lastSeq) return { data: { ...data, position }, outcome: "duplicate" };
  const isNext = current ? event.seq === current.lastSeq + 1 : event.type === "incident.created" && event.seq === 1;
  if (!isNext) return { data: { ...data, position }, outcome: "gap" };
  let next: IncidentState;
  try {
    next = applyIncidentEvent(current, event);
  } catch (error) {
    if (error instanceof FoldError) return { data: { ...data, position }, outcome: "gap" };
    throw error;
  }
  const history = data.eventsById[event.streamId];
  const eventsById =
    history && history.length === event.seq - 1
      ? { ...data.eventsById, [event.streamId]: [...history, event] }
      : event.seq === 1
        ? { ...data.eventsById, [event.streamId]: [event] }
        : data.eventsById;
  return { data: { byId: { ...data.byId, [event.streamId]: next }, eventsById, position }, outcome: "applied" };
}

/** Takes a fetched incident unless the store already holds a newer state of it (a live event won the race). */
export function mergeFetchedIncident(data: IncidentsData, view: IncidentView | IncidentDetailView | IncidentState): IncidentsData {
  const current = data.byId[view.id];
  const events = "events" in view ? (view as IncidentDetailView).events : undefined;
  if (current && current.lastSeq > view.lastSeq) return data;
  const eventsById = { ...data.eventsById };
  if (events && events.length === view.lastSeq) eventsById[view.id] = events;
  else if (!current || current.lastSeq !== view.lastSeq) delete eventsById[view.id];
  return { ...data, byId: { ...data.byId, [view.id]: toState(view) }, eventsById };
}

/** Replaces everything with a fresh list read at `position` (first load, or a full resync). */
export function replaceIncidents(data: IncidentsData, views: readonly IncidentView[], position: number): IncidentsData {
  const byId: Record<string, IncidentState> = {};
  const eventsById: Record<string, IncidentEvent[]> = {};
  for (const view of views) {
    byId[view.id] = toState(view);
    const history = data.eventsById[view.id];
    if (history && history.length === view.lastSeq) eventsById[view.id] = history;
  }
  // An incident the open list leaves out is no longer open on the server; keep closed/merged ones that a
  // detail view may show, drop any stale "open" copy so the queue matches the server exactly.
  for (const [id, state] of Object.entries(data.byId)) {
    if (!byId[id] && state.status !== "open") byId[id] = state;
  }
  return { byId, eventsById, position };
}
