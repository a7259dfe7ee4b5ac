// The console's writes. Each one calls the API and takes the server's answer into the stores, so components
// only call actions and read stores; the socket listeners deliver the same changes (the store keeps the newer).
import type { CallIntakeResult, DispatchResult, IncidentView, UnitStatusResult } from "../../../../shared/api";
import type { IncidentPhase, ReportableUnitStatus } from "../../../../shared/domain";
import type { CallIntakeBody, CommandBody, DecisionBody, UnitUpsertBody, WaterUseBody } from "../../../../shared/schemas";
import { api } from "../../api/client";
import { incidentStore, unitStore } from "../../app/stores";

function takeIncident(view: IncidentView): IncidentView {
  incidentStore.getState().upsertFetched(view);
  return view;
}

function takeStatusResult(result: UnitStatusResult): UnitStatusResult {
  unitStore.getState().upsert(result.unit);
  if (result.incident) incidentStore.getState().upsertFetched(result.incident);
  return result;
}

export async function intakeCall(body: CallIntakeBody): Promise<CallIntakeResult> {
  const result = await api.intakeCall(body);
  takeIncident(result.incident);
  return result;
}

export async function loadIncidentDetail(incidentId: string): Promise<void> {
  incidentStore.getState().upsertFetched(await api.getIncident(incidentId));
}

export async function dispatchUnits(incidentId: string, unitIds: string[]): Promise<DispatchResult> {
  const result = await api.dispatch(incidentId, { unitIds, opId: crypto.randomUUID() });
  takeIncident(result.incident);
  for (const unit of result.units) unitStore.getState().upsert(unit);
  return result;
}

export async function mergeIncident(incidentId: string, into: string): Promise<{ from: IncidentView; into: IncidentView }> {
  const result = await api.merge(incidentId, { into, opId: crypto.randomUUID() });
  takeIncident(result.from);
  takeIncident(result.into);
  return result;
}

export async function addNote(incidentId: string, text: string): Promise<IncidentView> {
  return takeIncident(await api.note(incidentId, text, crypto.randomUUID()));
}

export async function locateIncident(incidentId: string, position: { lat: number; lng: number }): Promise<IncidentView> {
  return takeIncident(await api.locate(incidentId, position, crypto.randomUUID()));
}

export async function recordPhase(incidentId: string, phase: IncidentPhase): Promise<IncidentView> {
  return takeIncident(await api.phase(incidentId, phase, crypto.randomUUID()));
}

/** A decision a commander radioed in; the server marks it `recordedFor` (the named person, else the commander). */
export async function recordRadioedDecision(
  incidentId: string,
  body: Omit<DecisionBody, "opId" | "factors" | "publicCandidate"> & Partial<Pick<DecisionBody, "factors" | "publicCandidate">>,
): Promise<IncidentView> {
  const result = await api.decision(incidentId, { ...body, opId: crypto.randomUUID() });
  return takeIncident(result.incident);
}

/** Who took command, as radioed in: the record shows the dispatcher who entered it. */
export async function recordRadioedCommand(incidentId: string, body: Omit<CommandBody, "opId" | "icsRole"> & Partial<Pick<CommandBody, "icsRole">>): Promise<IncidentView> {
  const result = await api.command(incidentId, { ...body, opId: crypto.randomUUID() });
  return takeIncident(result.incident);
}

/** A water or agent use radioed in; the server applies the same guard as on the tablet and marks it `recordedFor`. */
export async function recordRadioedWaterUse(incidentId: string, body: Omit<WaterUseBody, "opId" | "factors">): Promise<IncidentView> {
  const result = await api.waterUse(incidentId, { ...body, opId: crypto.randomUUID() });
  return takeIncident(result.incident);
}

export async function setAlarmLevel(incidentId: string, alarmLevel: number): Promise<IncidentView> {
  return takeIncident(await api.alarmLevel(incidentId, alarmLevel, crypto.randomUUID()));
}

export async function closeIncident(incidentId: string): Promise<IncidentView> {
  return takeIncident(await api.close(incidentId, crypto.randomUUID()));
}

/** A status reported by radio; `override` carries the dispatcher's reason for an out-of-order step. */
export async function setUnitStatus(unitId: string, status: ReportableUnitStatus, override?: string): Promise<UnitStatusResult> {
  const body = { status, opId: crypto.randomUUID(), ...(override ? { override: { reason: override } } : {}) };
  return takeStatusResult(await api.unitStatus(unitId, body));
}

export async function saveUnit(unitId: string, body: UnitUpsertBody) {
  const unit = await api.upsertUnit(unitId, body);
  unitStore.getState().upsert(unit);
  return unit;
}
