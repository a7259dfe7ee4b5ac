import type { IntervalSummary, ResponseTimeReport, ResponseTimeRow } from "../../shared/api";
import type { Actor } from "../../shared/events";
import { computeIntervals, INTERVAL_NAMES, type IntervalName } from "../../shared/incident";
import type { ResponseTimeQuery } from "../../shared/schemas";
import { errors } from "../core/errors";
import type { IncidentListFilter, IncidentRecord } from "../store/types";
import { authorize, type ServiceContext } from "./context";

const SCAN_PAGE = 2000;

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], fraction: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil(fraction * sorted.length));
  return sorted[rank - 1] ?? null;
}

export function encodeCursor(record: IncidentRecord): string {
  return Buffer.from(JSON.stringify([record.receivedAtMs, record.id])).toString("base64url");
}

export function decodeCursor(cursor: string): { receivedAtMs: number; id: string } {
  try {
    const [receivedAtMs, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown[];
    if (typeof receivedAtMs === "number" && typeof id === "string") return { receivedAtMs, id };
  } catch {
    // fall through to the error below
  }
  throw errors.validation("cursor is not one this server gave out; start again without it.", [
    { path: "cursor", message: "invalid cursor" },
  ]);
}

function toRow(record: IncidentRecord): ResponseTimeRow {
  return {
    incidentId: record.id,
    number: record.number,
    externalId: record.externalId,
    incidentType: record.incidentType,
    receivedAt: record.state.receivedAt,
    intervals: computeIntervals(record.state),
  };
}

/** Response-time intervals per incident (merged incidents count in the one they joined), oldest first. */
export async function responseTimeReport(
  context: ServiceContext,
  actor: Actor,
  query: ResponseTimeQuery,
): Promise<ResponseTimeReport> {
  authorize(actor, "readReports", "read response-time reports");
  const base: IncidentListFilter = {
    statuses: ["open", "closed"],
    ...(query.incidentType ? { incidentType: query.incidentType } : {}),
    ...(query.from ? { fromMs: Date.parse(query.from) } : {}),
    ...(query.to ? { toMs: Date.parse(query.to) } : {}),
    limit: query.limit + 1,
  };
  const page = await context.store.listIncidents({
    ...base,
    ...(query.cursor ? { after: decodeCursor(query.cursor) } : {}),
  });
  const hasMore = page.length > query.limit;
  const rows = page.slice(0, query.limit).map(toRow);
  const last = page[query.limit - 1];

  // The summary covers the whole range, not just this page.
  const values: Record<IntervalName, number[]> = { alarmProcessing: [], turnout: [], travel: [], totalResponse: [] };
  let after: IncidentListFilter["after"];
  for (;;) {
    const chunk = await context.store.listIncidents({ ...base, limit: SCAN_PAGE, ...(after ? { after } : {}) });
    for (const record of chunk) {
      const intervals = computeIntervals(record.state);
      for (const name of INTERVAL_NAMES) {
        const value = intervals[name];
        if (value !== null) values[name].push(value);
      }
    }
    const tail = chunk[chunk.length - 1];
    if (!tail || chunk.length < SCAN_PAGE) break;
    after = { receivedAtMs: tail.receivedAtMs, id: tail.id };
  }
  const summary = {} as Record<IntervalName, IntervalSummary>;
  for (const name of INTERVAL_NAMES) {
    const sorted = values[name].sort((a, b) => a - b);
    summary[name] = { count: sorted.length, median: percentile(sorted, 0.5), p90: percentile(sorted, 0.9) };
  }
  return { incidents: rows, summary, nextCursor: hasMore && last ? encodeCursor(last) : null };
}
