// The fireground record: who is in command, the commander's decisions with their reasons, and the water-use
// guard. Every entry is an event in the incident's hash-chained log: never edited; a correction is a new decision
// that points at the one it corrects.
import type { FiregroundResult, IncidentEventsView } from "../../shared/api";
import { waterUseConcerns, strategyOf, type CommanderRef, type RadioedFor } from "../../shared/decisions";
import type { Actor } from "../../shared/events";
import { can } from "../../shared/policy";
import { activeAssignments, commanderAt, type Assignment } from "../../shared/incident";
import type { CommandBody, DecisionBody, WaterUseBody } from "../../shared/schemas";
import { errors } from "../core/errors";
import { resolveOccurredAt } from "../core/time";
import type { IncidentRecord } from "../store/types";
import { ensureAllowed, type ServiceContext } from "./context";
import { runCommand } from "./runCommand";
import { authorizeRead, loadIncident } from "./incidents";
import { incidentAudienceOf, personalDataOf, presentEvent, presentIncident } from "./presenters";

/**
 * A crew only on the incident its unit is working; dispatchers, supervisors and admins for a commander who
 * radios in; pr and integration accounts never (`can.recordFireground`).
 */
function authorizeFireground(actor: Actor, record: IncidentRecord, action: string): void {
  ensureAllowed(
    can.recordFireground(actor, record.state),
    actor.role === "crew" ? `A crew account may ${action} only on the incident its unit is working.` : `A ${actor.role} account may not ${action}.`,
  );
}

function requireOpen(record: IncidentRecord): void {
  if (record.status !== "open") throw errors.incidentClosed(`Incident ${record.number} is ${record.status}.`);
}

function workingUnit(record: IncidentRecord, unitId: string): Assignment {
  const assignment = activeAssignments(record.state).find((candidate) => candidate.unitId === unitId);
  if (!assignment) throw errors.validation(`Unit ${unitId} is not working on incident ${record.number}.`, [{ path: "unitId", message: "not on this incident" }]);
  return assignment;
}

/** The unit a write is about: a crew's own unit unless it names another; required from a console. */
function unitFor(actor: Actor, unitId: string | undefined): string {
  const chosen = unitId ?? actor.unitId;
  if (!chosen) throw errors.validation("Name the unit (unitId).", [{ path: "unitId", message: "required" }]);
  return chosen;
}

/**
 * What a console records is marked as radioed in, for the named commander or, if none is named, the one in
 * command at the time. A crew's tablet records for itself and may not claim to record for someone else.
 */
function radioRecord(actor: Actor, named: RadioedFor | undefined, commander: CommanderRef | null): { recordedFor?: RadioedFor } {
  if (!can.recordFiregroundForCommander(actor)) {
    if (named) throw errors.validation("A crew records its own decisions; recordedFor is for dispatchers.", [{ path: "recordedFor", message: "not for crew accounts" }]);
    return {};
  }
  if (named) return { recordedFor: named };
  if (commander) return { recordedFor: { name: commander.name, icsRole: commander.icsRole, unitId: commander.unitId } };
  throw errors.validation("No one is in command yet: name who radioed it in (recordedFor).", [{ path: "recordedFor", message: "required" }]);
}

/** "Command established" (or a transfer) names the unit and the person; the first also sets the benchmark. */
export async function recordCommand(
  context: ServiceContext,
  actor: Actor,
  incidentId: string,
  body: CommandBody,
): Promise<FiregroundResult> {
  const operation = { opId: body.opId, kind: "incident.command", actor, request: { incidentId, ...body } };
  return runCommand(context, operation, async (builder, now) => {
    const record = await loadIncident(context, incidentId);
    authorizeFireground(actor, record, "record command");
    requireOpen(record);
    const unit = workingUnit(record, unitFor(actor, body.unitId));
    const occurredAt = resolveOccurredAt(actor, "live", body.occurredAt, now);
    const current = record.state.command;
    if (current && current.unitId === unit.unitId && current.name === body.commanderName && current.icsRole === body.icsRole) {
      return { incident: presentIncident(record.state, incidentAudienceOf(actor)), seq: current.seq };
    }
    const eventContext = { actor, occurredAt, source: "live" as const };
    let state = builder.append(incidentId, record.state, "incident.command", {
      action: current ? "transferred" : "established",
      unitId: unit.unitId,
      callSign: unit.callSign,
      commanderName: body.commanderName,
      icsRole: body.icsRole,
      ...(current ? { previous: { unitId: current.unitId, callSign: current.callSign, name: current.name, icsRole: current.icsRole } } : {}),
    }, eventContext);
    const seq = state.lastSeq;
    if (state.phases.command_established === undefined) {
      state = builder.append(incidentId, state, "incident.phase", { phase: "command_established" }, eventContext);
    }
    return { incident: presentIncident(state, incidentAudienceOf(actor)), seq };
  });
}

export async function recordDecision(
  context: ServiceContext,
  actor: Actor,
  incidentId: string,
  body: DecisionBody,
): Promise<FiregroundResult> {
  const operation = { opId: body.opId, kind: "incident.decision", actor, request: { incidentId, ...body } };
  return runCommand(context, operation, async (builder, now) => {
    const record = await loadIncident(context, incidentId);
    authorizeFireground(actor, record, "record decisions");
    requireOpen(record);
    const occurredAt = resolveOccurredAt(actor, "live", body.occurredAt, now);
    if (body.corrects !== undefined && !record.state.decisions?.some((decision) => decision.seq === body.corrects)) {
      throw errors.invalidCorrection(`Entry ${body.corrects} of incident ${record.number} is not a decision; only decisions can be corrected.`);
    }
    const commander = commanderAt(record.state, occurredAt);
    const previousStrategy = strategyOf(body.decisionType) !== null ? record.state.strategy : undefined;
    const state = builder.append(incidentId, record.state, "incident.decision", {
      decisionType: body.decisionType,
      reason: body.reason,
      factors: body.factors,
      ...(body.legalBasis !== undefined ? { legalBasis: body.legalBasis } : {}),
      ...(body.propertyAffected !== undefined ? { propertyAffected: body.propertyAffected } : {}),
      publicCandidate: body.publicCandidate,
      ...(body.corrects !== undefined ? { corrects: body.corrects } : {}),
      ...(body.evacuationRadiusM !== undefined ? { evacuationRadiusM: body.evacuationRadiusM } : {}),
      ...(previousStrategy ? { previousStrategy } : {}),
      commander,
      ...radioRecord(actor, body.recordedFor, commander),
    }, { actor, occurredAt, source: "live" });
    return { incident: presentIncident(state, incidentAudienceOf(actor)), seq: state.lastSeq };
  });
}

/**
 * Water or another agent on the fire. The guard: water on class B, D, E or F, or water without visible flame,
 * is refused without a reason (`reason_required`) and recorded flagged with one. The first use also sets the
 * "water on fire" benchmark.
 */
export async function recordWaterUse(
  context: ServiceContext,
  actor: Actor,
  incidentId: string,
  body: WaterUseBody,
): Promise<FiregroundResult> {
  const operation = { opId: body.opId, kind: "incident.water_use", actor, request: { incidentId, ...body } };
  return runCommand(context, operation, async (builder, now) => {
    const record = await loadIncident(context, incidentId);
    authorizeFireground(actor, record, "record water use");
    requireOpen(record);
    const unitId = unitFor(actor, body.unitId);
    if (!can.recordWaterUseOf(actor, unitId)) {
      throw errors.forbidden("A crew records its own unit's water use.");
    }
    const unit = workingUnit(record, unitId);
    const occurredAt = resolveOccurredAt(actor, "live", body.occurredAt, now);
    const concerns = waterUseConcerns(body);
    if (concerns.length > 0 && body.reason === undefined) {
      throw errors.reasonRequired(
        `This water use needs a reason before it is recorded (${concerns.join(", ")}); it will be flagged.`,
        concerns.map((concern) => ({ path: "reason", message: concern })),
      );
    }
    const commander = commanderAt(record.state, occurredAt);
    const eventContext = { actor, occurredAt, source: "live" as const };
    let state = builder.append(incidentId, record.state, "incident.water_use", {
      unitId: unit.unitId,
      callSign: unit.callSign,
      agent: body.agent,
      nozzle: body.nozzle,
      fireClass: body.fireClass,
      flameVisible: body.flameVisible,
      ...(body.waterEstimateL !== undefined ? { waterEstimateL: body.waterEstimateL } : {}),
      concerns,
      flagged: concerns.length > 0,
      ...(body.reason !== undefined ? { reason: body.reason } : {}),
      factors: body.factors,
      commander,
      ...radioRecord(actor, body.recordedFor, commander),
    }, eventContext);
    const seq = state.lastSeq;
    if (state.phases.water_on_fire === undefined) {
      state = builder.append(incidentId, state, "incident.phase", { phase: "water_on_fire" }, eventContext);
    }
    return { incident: presentIncident(state, incidentAudienceOf(actor)), seq };
  });
}

/** One incident's log in order, presented for the reader (pr without personal data). */
export async function listIncidentEvents(
  context: ServiceContext,
  actor: Actor,
  incidentId: string,
  afterSeq: number,
): Promise<IncidentEventsView> {
  const record = await loadIncident(context, incidentId);
  authorizeRead(actor, record);
  const events = await context.store.getStreamEvents("incident", incidentId, afterSeq);
  const audience = incidentAudienceOf(actor);
  const personal = personalDataOf(record.state);
  return { incidentId, events: events.map((event) => presentEvent(event, audience, personal)), lastSeq: record.state.lastSeq };
}
