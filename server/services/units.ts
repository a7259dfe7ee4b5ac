// Unit records and the status state machine. A status change of a committed unit is an incident event;
// position reports are not (they go out as volatile updates).
import type { UnitStatusResult, UnitView } from "../../shared/api";
import { isAllowedTransition, releasesUnit } from "../../shared/domain";
import { can } from "../../shared/policy";
import type { Actor } from "../../shared/events";
import type { IncidentState } from "../../shared/incident";
import type { UnitStatusBody, UnitUpsertBody } from "../../shared/schemas";
import { errors } from "../core/errors";
import { resolveOccurredAt } from "../core/time";
import type { UnitRecord } from "../store/types";
import { authorize, ensureAllowed, type ServiceContext } from "./context";
import { runCommand } from "./runCommand";
import { incidentAudienceOf, presentIncident, presentUnit } from "./presenters";

const STATUS_OP = "unit.status";

export async function listUnits(context: ServiceContext, actor: Actor): Promise<UnitView[]> {
  authorize(actor, "readUnits", "list units");
  return (await context.store.listUnits()).map(presentUnit);
}

export async function upsertUnit(
  context: ServiceContext,
  actor: Actor,
  unitId: string,
  body: UnitUpsertBody,
): Promise<{ unit: UnitView; created: boolean }> {
  authorize(actor, "configureUnits", "configure units");
  const operation = { opId: undefined, kind: "unit.upsert", actor, request: { unitId, ...body } };
  return runCommand(context, operation, async (builder) => {
    const existing = await context.store.getUnit(unitId);
    const now = builder.recordedAt;
    const unit: UnitRecord = existing
      ? { ...existing, ...body, updatedAt: now }
      : {
          id: unitId,
          ...body,
          status: "available",
          statusSince: now,
          incidentId: null,
          position: null,
          updatedAt: now,
          version: 0,
        };
    builder.putUnit(unit);
    return { unit: presentUnit(builder.writtenUnits()[0] ?? unit), created: !existing };
  });
}

/** Crew accounts act only for their own unit; PR accounts never change operational records. */
export function authorizeUnitAction(actor: Actor, unitId: string, action: string): void {
  ensureAllowed(
    can.operateUnit(actor, unitId),
    actor.role === "crew" ? `This crew account belongs to ${actor.unitId}, not ${unitId}.` : `A ${actor.role} account may not ${action}.`,
  );
}

export async function changeUnitStatus(
  context: ServiceContext,
  actor: Actor,
  unitId: string,
  body: UnitStatusBody,
  expectIncidentId?: string,
): Promise<UnitStatusResult> {
  authorizeUnitAction(actor, unitId, "change unit status");
  if (body.override && !can.overrideStatusOrder(actor)) {
    throw errors.forbidden("Only a dispatcher, supervisor or admin may override the order of status steps.");
  }
  if (body.incidentId !== undefined && body.source !== "import") {
    throw errors.validation("incidentId names the incident only for imported history (source: \"import\").", [
      { path: "incidentId", message: "only with source: \"import\"" },
    ]);
  }
  const request = { unitId, ...body, ...(expectIncidentId ? { expectIncidentId } : {}) };
  return runCommand(context, { opId: body.opId, kind: STATUS_OP, actor, request }, async (builder, now) => {
    const unit = await context.store.getUnit(unitId);
    if (!unit) throw errors.notFound(`Unit ${unitId}`);
    if (body.incidentId !== undefined && body.incidentId !== unit.incidentId) {
      // Imported history for a call the unit was re-routed from: complete that assignment, leave the unit alone.
      const record = await context.store.getIncident(body.incidentId);
      if (!record) throw errors.notFound(`Incident ${body.incidentId}`);
      const earlier = [...record.state.assignments].reverse().find((assignment) => assignment.unitId === unitId);
      if (!earlier) throw errors.invalidTransition(`${unit.callSign} was never assigned to incident ${record.number}.`);
      const occurredAt = resolveOccurredAt(actor, body.source, body.occurredAt, now);
      const state = builder.append(
        record.id,
        record.state,
        "unit.status",
        { unitId, status: body.status, previousStatus: earlier.status, earlierAssignment: true },
        { actor, occurredAt, source: body.source },
      );
      return { unit: presentUnit(unit), incident: presentIncident(state, incidentAudienceOf(actor)) };
    }
    if (expectIncidentId !== undefined && unit.incidentId !== expectIncidentId) {
      throw errors.invalidTransition(`Unit ${unit.callSign} is not assigned to incident ${expectIncidentId} any more.`);
    }
    const occurredAt = resolveOccurredAt(actor, body.source, body.occurredAt, now);
    let incident: IncidentState | null = null;

    if (unit.status === body.status) {
      // Nothing changes: a second tap on the same step is answered as done, not logged twice.
      const record = unit.incidentId ? await context.store.getIncident(unit.incidentId) : null;
      incident = record?.state ?? null;
    } else {
      const checked = body.source === "import" || body.override !== undefined;
      if (!checked && !isAllowedTransition(unit.status, body.status)) {
        throw errors.invalidTransition(
          `${unit.callSign} cannot go from ${unit.status} to ${body.status}; a dispatcher may override with a reason.`,
        );
      }
      if (!unit.incidentId && !releasesUnit(body.status) && body.status !== "returning") {
        throw errors.invalidTransition(`${unit.callSign} is not on an incident, so it cannot report ${body.status}.`);
      }
      if (unit.incidentId) {
        const record = await context.store.getIncident(unit.incidentId);
        if (!record) throw errors.notFound(`Incident ${unit.incidentId}`);
        incident = builder.append(
          record.id,
          record.state,
          "unit.status",
          {
            unitId,
            status: body.status,
            previousStatus: unit.status,
            ...(body.position ? { position: body.position } : {}),
            ...(body.override ? { override: body.override } : {}),
          },
          { actor, occurredAt, source: body.source },
        );
      }
      const releases = releasesUnit(body.status);
      builder.putUnit({
        ...unit,
        status: body.status,
        statusSince: occurredAt,
        incidentId: releases ? null : unit.incidentId,
        ...(body.position ? { position: { ...body.position, at: occurredAt } } : {}),
        updatedAt: builder.recordedAt,
      });
    }
    const updated = builder.writtenUnits()[0] ?? unit;
    const result: UnitStatusResult = {
      unit: presentUnit(updated),
      incident: incident ? presentIncident(incident, incidentAudienceOf(actor)) : null,
    };
    return result;
  });
}
