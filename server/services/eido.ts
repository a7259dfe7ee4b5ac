// NENA EIDO transfers: receive a document as another center sends it and turn it into transferred call(s) in one
// step; send an incident as a document. The mapping itself is pure and lives in shared/eido.ts.
import { randomUUID } from "node:crypto";
import type { CallView, EidoImportResult } from "../../shared/api";
import { incidentToEido, parseEido, planEidoImport, type EidoCallPlan } from "../../shared/eido";
import type { Actor, CallRecordPayload } from "../../shared/events";
import type { IncidentState } from "../../shared/incident";
import { isPlaced } from "../../shared/schemas";
import { AppError, errors } from "../core/errors";
import { canonicalJson, sha256 } from "../core/hashChain";
import { resolveOccurredAt } from "../core/time";
import type { IncidentRecord } from "../store/types";
import { authorize, type ServiceContext } from "./context";
import { findDuplicates, normalizePhone } from "./duplicates";
import { requestHash, runCommand } from "./runCommand";
import { allocateIncidentNumber, resolveSurvivingIncident } from "./intake";
import { incidentAudienceOf, presentCall, presentIncident } from "./presenters";

const IMPORT_OP = "eido.import";

/** Calls from one EIDO share this key, so any later version of the document finds its incident. */
export function eidoTransferKey(eidoId: string): string {
  return `eido:${eidoId}`;
}

/** The latest version of document `eidoId` already taken on this incident, if any. */
function latestVersionOn(state: IncidentState, eidoId: string): string | undefined {
  let latest: string | undefined;
  for (const call of state.calls) {
    const at = call.transfer?.eido?.id === eidoId ? call.transfer.eido.lastUpdateTimeStamp : undefined;
    if (at !== undefined && (latest === undefined || Date.parse(at) > Date.parse(latest))) latest = at;
  }
  return latest;
}

/** Which calls of an update are new: call components not seen before; else one record of the update itself. */
function callsOfUpdate(state: IncidentState, eidoId: string, planned: EidoCallPlan[]): EidoCallPlan[] {
  const seenComponents = new Set(
    state.calls.flatMap((call) => (call.transfer?.eido?.id === eidoId && call.transfer.eido.callComponentId ? [call.transfer.eido.callComponentId] : [])),
  );
  const fresh = planned.filter((call) => !call.transfer.eido.callComponentId || !seenComponents.has(call.transfer.eido.callComponentId));
  const calls = fresh.length > 0 ? fresh : planned.slice(0, 1);
  // Notes already on the incident (from an earlier version) are not repeated on the update's record.
  const known = new Set([
    ...state.notes.map((note) => note.text),
    ...state.calls.flatMap((call) => (call.transfer?.notes ? call.transfer.notes.split("\n") : [])),
  ]);
  return calls.map((call) => {
    if (!call.transfer.notes) return call;
    const newNotes = call.transfer.notes.split("\n").filter((line) => !known.has(line));
    const { notes: _notes, ...transfer } = call.transfer;
    return { ...call, transfer: newNotes.length > 0 ? { ...transfer, notes: newNotes.join("\n") } : transfer };
  });
}

export async function importEido(
  context: ServiceContext,
  actor: Actor,
  input: unknown,
): Promise<{ result: EidoImportResult; created: boolean }> {
  authorize(actor, "receiveEidoTransfers", "receive EIDO transfers");
  const audience = incidentAudienceOf(actor);
  const parsed = parseEido(input);
  if (!parsed.ok) {
    const { refusal } = parsed;
    throw new AppError(refusal.code, refusal.message, "issues" in refusal ? refusal.issues : undefined);
  }
  const { document } = parsed;
  const plan = planEidoImport(document, input as Record<string, unknown>);
  const transferKey = eidoTransferKey(document.$id);
  // One document version = one operation: the same version again returns the stored answer, and the same version
  // with a different body is refused as a conflict, exactly like a repeated opId.
  const opId = `eido:${sha256(canonicalJson([document.$id, document.lastUpdateTimeStamp]))}`;
  let fresh = false;
  const result = await runCommand(context, { opId, kind: IMPORT_OP, actor, request: input }, async (builder, now) => {
    fresh = true;
    const earlier = await context.store.getCallByTransferKey(transferKey);
    const target: IncidentRecord | null = earlier ? await resolveSurvivingIncident(context, earlier.incidentId) : null;

    if (target) {
      const latest = latestVersionOn(target.state, document.$id);
      if (latest !== undefined && Date.parse(document.lastUpdateTimeStamp) <= Date.parse(latest)) {
        const stale: EidoImportResult = { outcome: "stale", incident: presentIncident(target.state, audience), calls: [], duplicates: [], replayed: false };
        return stale;
      }
    }

    const planned = target ? callsOfUpdate(target.state, document.$id, plan.calls) : plan.calls;
    // The description goes on the incident only: the call's transfer notes already carry the same text.
    const calls: CallRecordPayload[] = planned.map((call) => ({
      callId: randomUUID(),
      intakeId: randomUUID(),
      source: "transfer",
      receivedAt: resolveOccurredAt(actor, "transfer", call.receivedAt, now, "callStartTimestamp"),
      ...(call.callerNumber !== undefined ? { callerNumber: call.callerNumber } : {}),
      ...(call.callerName !== undefined ? { callerName: call.callerName } : {}),
      location: call.location,
      incidentType: plan.incidentType,
      transfer: call.transfer,
    }));

    let incidentId: string;
    let base: IncidentState | undefined;
    if (target) {
      incidentId = target.id;
      base = target.state;
    } else {
      const receivedAt = calls.map((call) => call.receivedAt).reduce((a, b) => (Date.parse(b) < Date.parse(a) ? b : a));
      const number = await allocateIncidentNumber(context, builder, receivedAt);
      incidentId = number;
      base = builder.append(
        incidentId,
        undefined,
        "incident.created",
        {
          number,
          incidentType: plan.incidentType,
          location: plan.location ?? { confirmed: false },
          receivedAt,
          alarmLevel: 1,
          externalId: plan.externalId,
          ...(plan.description !== undefined ? { description: plan.description } : {}),
        },
        { actor, occurredAt: receivedAt, source: "transfer" },
      );
    }
    let state = base;
    const views: CallView[] = [];
    for (const call of calls) {
      state = builder.append(incidentId, state, "call.received", call, { actor, occurredAt: call.receivedAt, source: "transfer" });
      builder.addCall({
        id: call.callId,
        intakeId: call.intakeId,
        requestHash: requestHash(call),
        incidentId,
        receivedAtMs: Date.parse(call.receivedAt),
        callerNumber: call.callerNumber ? normalizePhone(call.callerNumber) : null,
        transferKey,
        recordedAt: builder.recordedAt,
      });
      views.push(presentCall(call, incidentId, builder.recordedAt));
    }

    const first = calls[0]!;
    const duplicates = await findDuplicates(context.store, context.config.duplicateWindows, {
      // An address-only call has no distance to anything: caller and address still match.
      position: isPlaced(first.location) ? { lat: first.location.lat, lng: first.location.lng } : null,
      incidentType: plan.incidentType,
      at: new Date(first.receivedAt),
      ...(first.callerNumber !== undefined ? { callerNumber: first.callerNumber } : {}),
      ...(first.location.address !== undefined ? { address: first.location.address } : {}),
      excludeIncidentId: incidentId,
    });
    const answer: EidoImportResult = {
      outcome: target ? "updated" : "created",
      incident: presentIncident(state!, audience),
      calls: views,
      duplicates,
      replayed: false,
    };
    return answer;
  });
  return { result: fresh ? result : { ...result, replayed: true }, created: fresh && result.outcome === "created" };
}

/** The incident as an EIDO document for another center: everything a receiver needs, in the standard's terms. */
export async function exportEido(context: ServiceContext, actor: Actor, incidentId: string): Promise<Record<string, unknown>> {
  authorize(actor, "exportEido", "export incidents as EIDO");
  const record = await context.store.getIncident(incidentId);
  if (!record) throw errors.notFound(`Incident ${incidentId}`);
  const agencyId = context.config.eidoAgencyId;
  const events = await context.store.getStreamEvents("incident", incidentId, Math.max(0, record.state.lastSeq - 1));
  const updatedAt = events[events.length - 1]?.recordedAt;
  return incidentToEido(record.state, { agencyId, agentId: `${actor.username}@${agencyId}`, ...(updatedAt ? { updatedAt } : {}) });
}
