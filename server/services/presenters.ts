// The only place that shapes output. PR accounts get incidents without callers' personal data.
import type { AddressMatch, UnitView, UserView, IncidentView, CallView } from "../../shared/api";
import type { Actor, CallRecordPayload, IncidentEvent } from "../../shared/events";
import { computeIntervals, type IncidentCall, type IncidentState } from "../../shared/incident";
import type { KnownAddress, UnitRecord, UserRecord } from "../store/types";

const SEES_PERSONAL_DATA = new Set(["dispatcher", "supervisor", "admin", "integration", "crew"]);

function redactCall<T extends CallRecordPayload>(call: T): T {
  const { callerName: _name, callerNumber: _number, ...rest } = call;
  if (rest.transfer) {
    const { callbackNumber: _callback, ...transfer } = rest.transfer;
    return { ...rest, transfer } as T;
  }
  return rest as T;
}

function canSeePersonalData(actor: Actor | undefined): boolean {
  return actor === undefined || SEES_PERSONAL_DATA.has(actor.role);
}

export function presentIncident(state: IncidentState, actor?: Actor): IncidentView {
  const calls: IncidentCall[] = canSeePersonalData(actor) ? state.calls : state.calls.map(redactCall);
  return { ...state, calls, intervals: computeIntervals(state) };
}

export function presentEvent(event: IncidentEvent, actor?: Actor): IncidentEvent {
  if (canSeePersonalData(actor)) return event;
  if (event.type === "call.received") return { ...event, payload: redactCall(event.payload) };
  if (event.type === "incident.absorbed") {
    return { ...event, payload: { ...event.payload, calls: event.payload.calls.map(redactCall) } };
  }
  return event;
}

export function presentCall(call: IncidentCall, incidentId: string, recordedAt: string): CallView {
  return { ...call, incidentId, recordedAt };
}

export function presentUnit(unit: UnitRecord): UnitView {
  return {
    id: unit.id,
    callSign: unit.callSign,
    type: unit.type,
    station: unit.station,
    home: unit.home,
    status: unit.status,
    statusSince: unit.statusSince,
    incidentId: unit.incidentId,
    position: unit.position,
  };
}

export function presentUser(user: UserRecord): UserView {
  return {
    id: user.id,
    username: user.username,
    role: user.role,
    ...(user.unitId ? { unitId: user.unitId } : {}),
    ...(user.displayName ? { displayName: user.displayName } : {}),
  };
}

export function presentKnownAddress(known: KnownAddress): AddressMatch {
  return {
    address: known.address,
    lat: known.lat,
    lng: known.lng,
    lastSeenAt: new Date(known.lastSeenMs).toISOString(),
    incidents: known.incidents,
  };
}
