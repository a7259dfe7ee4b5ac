// Response-time intervals straight from the file's columns, by the definitions the import is checked against.
// Deliberately shares nothing with plan.ts: it is the independent answer the server's report must match.
import type { ResponseIntervals } from "../../../shared/incident";
import type { SfRow } from "./rows";

function seconds(from: number | null, to: number | null): number | null {
  return from === null || to === null ? null : Math.round((to - from) / 1000);
}

/**
 * Intervals per Incident Number, in seconds; null when an end is missing.
 * - alarm processing: Received -> earliest Dispatch of the call's units
 * - turnout: first-arriving unit's Dispatch -> its Response (en route)
 * - travel: first-arriving unit's Response -> its On Scene
 * - total response: Received -> first-arriving unit's On Scene
 * First-arriving = earliest On Scene; ties by earliest Dispatch, then lower "Unit sequence in call dispatch".
 */
export function expectedIntervals(rows: readonly SfRow[]): Map<string, ResponseIntervals> {
  const byIncident = new Map<string, SfRow[]>();
  for (const row of rows) {
    const list = byIncident.get(row.incidentNumber) ?? [];
    list.push(row);
    byIncident.set(row.incidentNumber, list);
  }
  const result = new Map<string, ResponseIntervals>();
  for (const [incidentNumber, incidentRows] of byIncident) {
    const received = Math.min(...incidentRows.map((row) => row.received));
    const firstDispatch = Math.min(...incidentRows.map((row) => row.dispatch));
    let first: SfRow | undefined;
    for (const row of incidentRows) {
      if (row.onScene === null) continue;
      if (
        first === undefined ||
        first.onScene === null ||
        row.onScene < first.onScene ||
        (row.onScene === first.onScene &&
          (row.dispatch < first.dispatch ||
            (row.dispatch === first.dispatch && row.unitSequence < first.unitSequence)))
      ) {
        first = row;
      }
    }
    result.set(incidentNumber, {
      alarmProcessing: seconds(received, firstDispatch),
      turnout: first ? seconds(first.dispatch, first.response) : null,
      travel: first ? seconds(first.response, first.onScene) : null,
      totalResponse: first ? seconds(received, first.onScene) : null,
    });
  }
  return result;
}
