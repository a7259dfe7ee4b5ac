import type { IncidentDetailView, IncidentView } from "../../shared/api";
import type { IncidentStatus } from "../../shared/domain";
import { can, caseAudienceOf } from "../../shared/policy";
import type { Actor, LogEvent } from "../../shared/events";
import { activeAssignments } from "../../shared/incident";
import type { AlarmLevelBody, CloseBody, IncidentListQuery, LocateBody, Location, MergeBody, NoteBody, PhaseBody } from "../../shared/schemas";
import { errors } from "../core/errors";
import { resolveOccurredAt } from "../core/time";
import type { IncidentRecord } from "../store/types";
import { authorize, ensureAllowed, type ServiceContext } from "./context";
import { runCommand } from "./runCommand";
import { incidentAudienceOf, personalDataOf, presentEvent, presentIncident } from "./presenters";
import { presentLogEvents } from "./casePresenters";

export async function loadIncident(context: ServiceContext, incidentId: string): Promise<IncidentRecord> {
  const record = await context.store.getIncident(incidentId);
  if (!record) throw errors.notFound(`Incident ${incidentId}`);
  return record;
}

export function authorizeRead(actor: Actor, record: IncidentRecord): void {
  ensureAllowed(
    can.readIncident(actor, record.state),
    actor.role === "crew" ? "A crew account may read only incidents its unit was sent to." : `A ${actor.role} account may not read incidents.`,
  );
}

export async function getIncidentDetail(
  context: ServiceContext,
  actor: Actor,
  incidentId: string,
): Promise<IncidentDetailView> {
  const record = await loadIncident(context, incidentId);
  authorizeRead(actor, record);
  const events = await context.store.getStreamEvents("incident", incidentId);
  const audience = incidentAudienceOf(actor);
  const personal = personalDataOf(record.state);
  return { ...presentIncident(record.state, audience), events: events.map((event) => presentEvent(event, audience, personal)) };
}

export async function listIncidents(
  context: ServiceContext,
  actor: Actor,
  query: IncidentListQuery,
): Promise<{ incidents: IncidentView[]; position: number }> {
  authorize(actor, "readAllIncidents", "list incidents");
  const audience = incidentAudienceOf(actor);
  // Read the position first: anything appended after it will also reach the client live or by sync.
  const position = await context.store.getLastPosition();
  const statuses: IncidentStatus[] | undefined = query.status === "all" ? undefined : [query.status];
  const records = await context.store.listIncidents({
    ...(statuses ? { statuses } : {}),
    newestFirst: true,
    limit: query.limit,
  });
  return { incidents: records.map((record) => presentIncident(record.state, audience)), position };
}

export async function eventsAfter(
  context: ServiceContext,
  actor: Actor,
  after: number,
  limit: number,
): Promise<{ events: LogEvent[]; position: number }> {
  authorize(actor, "readEventLog", "read the global event log");
  const events = await context.store.getEventsAfter(after, limit);
  const position = events.length > 0 ? events[events.length - 1]!.position : after;
  // Case events carry a resident's name and contact: only case handlers read them here.
  return { events: presentLogEvents(events, caseAudienceOf(actor)), position };
}

/** Merges `incidentId` into `body.into`: calls move, active units are handed over, both logs record it. */
export async function mergeIncidents(
  context: ServiceContext,
  actor: Actor,
  incidentId: string,
  body: MergeBody,
): Promise<{ from: IncidentView; into: IncidentView }> {
  authorize(actor, "mergeIncidents", "merge incidents");
  const audience = incidentAudienceOf(actor);
  if (incidentId === body.into) throw errors.validation("An incident cannot be merged into itself.");
  const operation = { opId: body.opId, kind: "incident.merge", actor, request: { incidentId, ...body } };
  return runCommand(context, operation, async (builder) => {
    const from = await loadIncident(context, incidentId);
    const into = await loadIncident(context, body.into);
    if (from.state.mergedInto === into.id) {
      return { from: presentIncident(from.state, audience), into: presentIncident(into.state, audience) };
    }
    if (from.status !== "open") throw errors.incidentClosed(`Incident ${from.number} is ${from.status}; it cannot be merged.`);
    if (into.status !== "open") throw errors.incidentClosed(`Incident ${into.number} is ${into.status}; merge into an open incident.`);

    const eventContext = { actor, occurredAt: builder.recordedAt, source: "live" as const };
    const handedOver = activeAssignments(from.state);
    const reason = body.reason !== undefined ? { reason: body.reason } : {};
    const fromState = builder.append(from.id, from.state, "incident.merged", {
      into: into.id,
      intoNumber: into.number,
      callIds: from.state.calls.map((call) => call.callId),
      unitIds: handedOver.map((assignment) => assignment.unitId),
      ...reason,
    }, eventContext);
    const intoState = builder.append(into.id, into.state, "incident.absorbed", {
      from: from.id,
      fromNumber: from.number,
      calls: from.state.calls.map(({ mergedFrom: _mergedFrom, ...call }) => call),
      units: handedOver.map(({ active: _active, reassignedTo: _reassignedTo, ...assignment }) => assignment),
      ...reason,
    }, eventContext);
    for (const call of from.state.calls) builder.moveCall(call.callId, into.id);
    for (const assignment of handedOver) {
      const unit = await context.store.getUnit(assignment.unitId);
      if (unit) builder.putUnit({ ...unit, incidentId: into.id, updatedAt: builder.recordedAt });
    }
    return { from: presentIncident(fromState, audience), into: presentIncident(intoState, audience) };
  });
}

export async function closeIncident(
  context: ServiceContext,
  actor: Actor,
  incidentId: string,
  body: CloseBody,
): Promise<IncidentView> {
  authorize(actor, "closeIncidents", "close incidents");
  const operation = { opId: body.opId, kind: "incident.close", actor, request: { incidentId, ...body } };
  return runCommand(context, operation, async (builder, now) => {
    const record = await loadIncident(context, incidentId);
    if (record.status !== "open") throw errors.incidentClosed(`Incident ${record.number} is already ${record.status}.`);
    const stillAssigned = activeAssignments(record.state).map((assignment) => assignment.callSign);
    if (stillAssigned.length > 0) {
      throw errors.unitsAssigned(`Units are still assigned (${stillAssigned.join(", ")}); clear them before closing.`);
    }
    const occurredAt = resolveOccurredAt(actor, body.source, body.occurredAt, now);
    const state = builder.append(incidentId, record.state, "incident.closed",
      body.reason !== undefined ? { reason: body.reason } : {}, { actor, occurredAt, source: body.source });
    return presentIncident(state, incidentAudienceOf(actor));
  });
}

/** Who may write tactical records: operators, and crews of units on the incident (the commander's tablet). */
function authorizeFieldRecord(actor: Actor, record: IncidentRecord, action: string): void {
  ensureAllowed(
    can.recordOnIncident(actor, record.state),
    actor.role === "crew"
      ? `A crew account may ${action} only on the incident its unit is working.`
      : `A ${actor.role} account may not ${action}.`,
  );
}

export async function recordPhase(
  context: ServiceContext,
  actor: Actor,
  incidentId: string,
  body: PhaseBody,
): Promise<IncidentView> {
  const operation = { opId: body.opId, kind: "incident.phase", actor, request: { incidentId, ...body } };
  return runCommand(context, operation, async (builder, now) => {
    const record = await loadIncident(context, incidentId);
    authorizeFieldRecord(actor, record, "record fireground phases");
    if (record.status !== "open") throw errors.incidentClosed(`Incident ${record.number} is ${record.status}.`);
    const occurredAt = resolveOccurredAt(actor, body.source, body.occurredAt, now);
    const state = builder.append(incidentId, record.state, "incident.phase",
      { phase: body.phase, ...(body.note !== undefined ? { note: body.note } : {}) },
      { actor, occurredAt, source: body.source });
    return presentIncident(state, incidentAudienceOf(actor));
  });
}

export async function addNote(
  context: ServiceContext,
  actor: Actor,
  incidentId: string,
  body: NoteBody,
): Promise<IncidentView> {
  const operation = { opId: body.opId, kind: "incident.note", actor, request: { incidentId, ...body } };
  return runCommand(context, operation, async (builder, now) => {
    const record = await loadIncident(context, incidentId);
    authorizeFieldRecord(actor, record, "add notes");
    const occurredAt = resolveOccurredAt(actor, "live", body.occurredAt, now);
    const state = builder.append(incidentId, record.state, "incident.note", { text: body.text },
      { actor, occurredAt, source: "live" });
    return presentIncident(state, incidentAudienceOf(actor));
  });
}

/** Raises (or lowers) the alarm level; recommendations then fill that level's run card. */
export async function setAlarmLevel(
  context: ServiceContext,
  actor: Actor,
  incidentId: string,
  body: AlarmLevelBody,
): Promise<IncidentView> {
  authorize(actor, "changeAlarmLevel", "change the alarm level");
  const operation = { opId: body.opId, kind: "incident.alarm_level", actor, request: { incidentId, ...body } };
  return runCommand(context, operation, async (builder) => {
    const record = await loadIncident(context, incidentId);
    if (record.status !== "open") throw errors.incidentClosed(`Incident ${record.number} is ${record.status}.`);
    if (record.state.alarmLevel === body.alarmLevel) return presentIncident(record.state, incidentAudienceOf(actor));
    const state = builder.append(incidentId, record.state, "incident.alarm_level", {
      alarmLevel: body.alarmLevel,
      previousLevel: record.state.alarmLevel,
      ...(body.reason !== undefined ? { reason: body.reason } : {}),
    }, { actor, occurredAt: builder.recordedAt, source: "live" });
    return presentIncident(state, incidentAudienceOf(actor));
  });
}

/**
 * Places the incident on the map: confirms the position of an address-only transfer, or corrects a position.
 * Keeps the address (and civic elements) unless a new address is given.
 */
export async function locateIncident(
  context: ServiceContext,
  actor: Actor,
  incidentId: string,
  body: LocateBody,
): Promise<IncidentView> {
  authorize(actor, "placeIncidents", "place incidents on the map");
  const operation = { opId: body.opId, kind: "incident.locate", actor, request: { incidentId, ...body } };
  return runCommand(context, operation, async (builder) => {
    const record = await loadIncident(context, incidentId);
    if (record.status !== "open") throw errors.incidentClosed(`Incident ${record.number} is ${record.status}.`);
    const previous = record.state.location;
    const address = body.address ?? previous.address;
    const location: Location = {
      lat: body.lat,
      lng: body.lng,
      ...(address !== undefined ? { address } : {}),
      ...(body.address === undefined && previous.civic ? { civic: previous.civic } : {}),
    };
    const state = builder.append(incidentId, record.state, "incident.located", { location, previous },
      { actor, occurredAt: builder.recordedAt, source: "live" });
    return presentIncident(state, incidentAudienceOf(actor));
  });
}
