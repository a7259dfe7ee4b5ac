// Synthetic incidents written straight into a store, for the figures that need many on record.
import type { IncidentState } from "../../shared/incident";
import { toIncidentRecord } from "../../server/core/commitBuilder";
import type { IncidentRecord } from "../../server/store/types";

/** An incident as one call creates it, with nothing since: what the bench figures put on record directly. */
export function bareIncidentState(fields: Pick<IncidentState, "id" | "status" | "incidentType" | "location" | "receivedAt">): IncidentState {
  return {
    ...fields,
    number: fields.id,
    alarmLevel: 1,
    createdAt: { occurredAt: fields.receivedAt, recordedAt: fields.receivedAt },
    calls: [],
    assignments: [],
    phases: {},
    notes: [],
    mergedFrom: [],
    lastSeq: 1,
    lastHash: "",
  };
}

/** `days` of incidents from `start`, spread over a 40 km square; a third still open. */
export function syntheticIncident(index: number, start: number, days: number): IncidentRecord {
  const lat = 31.0 + Math.random() * 0.36;
  const lng = 121.2 + Math.random() * 0.42;
  const receivedAt = new Date(start + Math.random() * days * 86_400_000).toISOString();
  return toIncidentRecord(
    bareIncidentState({
      id: `B-${String(index).padStart(6, "0")}`,
      status: index % 3 === 0 ? "open" : "closed",
      incidentType: index % 2 === 0 ? "structure_fire" : "medical",
      location: { lat, lng, address: `${index % 500} Bench Rd` },
      receivedAt,
    }),
  );
}
