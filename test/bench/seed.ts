// Synthetic incidents written straight into a store, for the figures that need many on record.
import type { IncidentState } from "../../shared/incident";
import { toIncidentRecord } from "../../server/core/commitBuilder";
import type { IncidentRecord } from "../../server/store/types";

/** `days` of incidents from `start`, spread over a 40 km square; a third still open. */
export function syntheticIncident(index: number, start: number, days: number): IncidentRecord {
  const lat = 31.0 + Math.random() * 0.36;
  const lng = 121.2 + Math.random() * 0.42;
  const receivedAt = new Date(start + Math.random() * days * 86_400_000).toISOString();
  const number = `B-${String(index).padStart(6, "0")}`;
  const state: IncidentState = {
    id: number,
    number,
    status: index % 3 === 0 ? "open" : "closed",
    incidentType: index % 2 === 0 ? "structure_fire" : "medical",
    alarmLevel: 1,
    location: { lat, lng, address: `${index % 500} Bench Rd` },
    receivedAt,
    createdAt: { occurredAt: receivedAt, recordedAt: receivedAt },
    calls: [],
    assignments: [],
    phases: {},
    notes: [],
    mergedFrom: [],
    lastSeq: 1,
    lastHash: "",
  };
  return toIncidentRecord(state);
}
