// Builders for incident events as the server emits them, so client logic is tested on realistic input.
import type { Actor, IncidentEvent, IncidentEventPayloads, IncidentEventType } from "../../shared/events";

export const dispatcherActor: Actor = { userId: "u-disp", username: "dispatcher", role: "dispatcher" };

let position = 0;

export function resetPositions(start = 0) {
  position = start;
}

export function makeEvent<T extends IncidentEventType>(
  incidentId: string,
  seq: number,
  type: T,
  payload: IncidentEventPayloads[T],
  occurredAt = "2026-11-22T06:00:00.000Z",
  actor: Actor = dispatcherActor,
): IncidentEvent {
  position += 1;
  return {
    streamType: "incident",
    streamId: incidentId,
    seq,
    type,
    occurredAt,
    recordedAt: occurredAt,
    source: "live",
    actor,
    payload,
    prevHash: seq === 1 ? "" : `h${seq - 1}`,
    hash: `h${seq}`,
    position,
  } as IncidentEvent;
}

export function createdEvent(incidentId: string, number = "2026-00001", at = "2026-11-22T06:00:00.000Z", incidentType: "structure_fire" | "medical" = "structure_fire") {
  return makeEvent(incidentId, 1, "incident.created", {
    number,
    incidentType,
    location: { lat: 37.78, lng: -122.41, address: "100 Market St" },
    receivedAt: at,
    alarmLevel: 1,
  }, at);
}

export function dispatchedEvent(incidentId: string, seq: number, unitId: string, at: string) {
  return makeEvent(incidentId, seq, "unit.dispatched", { unitId, callSign: unitId, unitType: "engine" }, at);
}

export function statusEvent(incidentId: string, seq: number, unitId: string, status: "acknowledged" | "en_route" | "on_scene" | "available", previousStatus: "dispatched" | "acknowledged" | "en_route" | "on_scene", at: string) {
  return makeEvent(incidentId, seq, "unit.status", { unitId, status, previousStatus }, at);
}
