// Taking a call: once per intakeId, linked to an existing incident when asked (or when its transfer was seen
// before), otherwise opening a new incident; duplicates are reported, never merged silently.
import { randomUUID } from "node:crypto";
import type { CallIntakeResult } from "../../shared/api";
import type { EventSource } from "../../shared/domain";
import type { Actor, CallRecordPayload } from "../../shared/events";
import type { IncidentState } from "../../shared/incident";
import type { CallIntakeBody } from "../../shared/schemas";
import type { CommitBuilder } from "../core/commitBuilder";
import { errors } from "../core/errors";
import { resolveOccurredAt } from "../core/time";
import type { IncidentRecord } from "../store/types";
import { authorize, type ServiceContext } from "./context";
import { findDuplicates, normalizePhone } from "./duplicates";
import { requestHash, runCommand } from "./runCommand";
import { incidentAudienceOf, presentCall, presentIncident } from "./presenters";

const INTAKE_OP = "call.intake";

export function transferKeyOf(body: CallIntakeBody): string | null {
  return body.transfer ? `${body.transfer.fromCenter}:${body.transfer.externalId}` : null;
}

/** Follows merges to the incident that is live now. */
export async function resolveSurvivingIncident(context: ServiceContext, id: string): Promise<IncidentRecord | null> {
  let record = await context.store.getIncident(id);
  for (let hops = 0; record?.state.mergedInto && hops < 20; hops++) {
    record = await context.store.getIncident(record.state.mergedInto);
  }
  return record;
}

/**
 * The next incident number of the call's year, taken in the command's own commit (not a separate write before
 * it): a crash between the two used to burn a number, and a gap in the numbering looks like a deleted incident.
 */
export async function allocateIncidentNumber(
  context: ServiceContext,
  builder: CommitBuilder,
  receivedAt: string,
): Promise<string> {
  const year = new Date(receivedAt).getUTCFullYear();
  const counter = `incident-number-${year}`;
  const sequence = builder.claimSequence(counter, await context.store.getSequence(counter));
  return `${year}-${String(sequence).padStart(5, "0")}`;
}

export async function intakeCall(
  context: ServiceContext,
  actor: Actor,
  body: CallIntakeBody,
): Promise<{ result: CallIntakeResult; created: boolean }> {
  authorize(actor, "takeCalls", "take calls");
  const eventSource: EventSource = body.source === "phone" ? "live" : body.source;
  let created = false;
  const operation = { opId: `intake:${body.intakeId}`, kind: INTAKE_OP, actor, request: body };
  const result = await runCommand(context, operation, async (builder, now) => {
    created = true;
    const taken = await context.store.getCallByIntakeId(body.intakeId);
    if (taken) {
      // No operation record: another account's call, or this call's record was pruned (OP_RETENTION_HOURS).
      throw errors.idempotencyConflict(
        taken.requestHash === requestHash(body)
          ? `This call was taken already, under incident ${taken.incidentId}; its first answer is no longer kept.`
          : `intakeId ${body.intakeId} was already used for another call.`,
      );
    }
    const receivedAt = resolveOccurredAt(actor, eventSource, body.receivedAt, now, "receivedAt");
    const transferKey = transferKeyOf(body);
    let target: IncidentRecord | null = null;
    if (body.incidentId) {
      target = await resolveSurvivingIncident(context, body.incidentId);
      if (!target) throw errors.notFound(`Incident ${body.incidentId}`);
      if (target.status !== "open") {
        throw errors.incidentClosed(`Incident ${target.number} is closed; take the call as a new incident.`);
      }
    } else if (transferKey) {
      const earlier = await context.store.getCallByTransferKey(transferKey);
      const linked = earlier ? await resolveSurvivingIncident(context, earlier.incidentId) : null;
      if (linked?.status === "open") target = linked;
    }

    const call: CallRecordPayload = {
      callId: randomUUID(),
      intakeId: body.intakeId,
      source: body.source,
      receivedAt,
      ...(body.callerNumber !== undefined ? { callerNumber: body.callerNumber } : {}),
      ...(body.callerName !== undefined ? { callerName: body.callerName } : {}),
      location: body.location,
      incidentType: body.incidentType,
      ...(body.description !== undefined ? { description: body.description } : {}),
      ...(body.transfer !== undefined ? { transfer: body.transfer } : {}),
      ...(body.externalId !== undefined ? { externalId: body.externalId } : {}),
    };
    const eventContext = { actor, occurredAt: receivedAt, source: eventSource };
    let incidentId: string;
    let base: IncidentState | undefined;
    if (target) {
      incidentId = target.id;
      base = target.state;
    } else {
      const number = await allocateIncidentNumber(context, builder, receivedAt);
      incidentId = number;
      const externalId = body.transfer?.externalId ?? body.externalId;
      base = builder.append(
        incidentId,
        undefined,
        "incident.created",
        {
          number,
          incidentType: body.incidentType,
          location: body.location,
          receivedAt,
          alarmLevel: 1,
          ...(externalId !== undefined ? { externalId } : {}),
          ...(body.description !== undefined ? { description: body.description } : {}),
        },
        eventContext,
      );
    }
    const state = builder.append(incidentId, base, "call.received", call, eventContext);
    builder.addCall({
      id: call.callId,
      intakeId: body.intakeId,
      requestHash: requestHash(body),
      incidentId,
      receivedAtMs: Date.parse(receivedAt),
      callerNumber: body.callerNumber ? normalizePhone(body.callerNumber) : null,
      transferKey,
      recordedAt: builder.recordedAt,
    });
    const duplicates = await findDuplicates(context.store, context.config.duplicateWindows, {
      position: { lat: body.location.lat, lng: body.location.lng },
      incidentType: body.incidentType,
      at: new Date(receivedAt),
      ...(body.callerNumber !== undefined ? { callerNumber: body.callerNumber } : {}),
      ...(body.location.address !== undefined ? { address: body.location.address } : {}),
      excludeIncidentId: incidentId,
    });
    const fresh: CallIntakeResult = {
      call: presentCall(call, incidentId, builder.recordedAt),
      incident: presentIncident(state, incidentAudienceOf(actor)),
      duplicates,
      replayed: false,
    };
    return fresh;
  });
  return { result: created ? result : { ...result, replayed: true }, created };
}
