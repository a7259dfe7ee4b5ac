// Recommending and assigning units. Dispatch is all-or-nothing: if any unit was taken meanwhile, nothing is
// assigned and the dispatcher is told which unit and why.
import type { DispatchResult, Recommendation, RecommendationsView } from "../../shared/api";
import { COMMITTED_STATUSES, type UnitType } from "../../shared/domain";
import type { Actor } from "../../shared/events";
import { activeAssignments } from "../../shared/incident";
import { distanceMeters } from "../../shared/geo";
import { isPlaced, type DispatchBody } from "../../shared/schemas";
import { errors } from "../core/errors";
import { resolveOccurredAt } from "../core/time";
import type { UnitRecord } from "../store/types";
import { authorize, type ServiceContext } from "./context";
import { runCommand } from "./runCommand";
import { incidentAudienceOf, presentIncident, presentUnit } from "./presenters";
import { getRunCard } from "./runCards";

const DISPATCH_OP = "incident.dispatch";

async function openIncident(context: ServiceContext, incidentId: string) {
  const record = await context.store.getIncident(incidentId);
  if (!record) throw errors.notFound(`Incident ${incidentId}`);
  if (record.status !== "open") {
    throw errors.incidentClosed(`Incident ${record.number} is ${record.status}; units cannot be sent to it.`);
  }
  return record;
}

export async function recommendUnits(
  context: ServiceContext,
  actor: Actor,
  incidentId: string,
): Promise<RecommendationsView> {
  authorize(actor, "seeRecommendations", "see dispatch recommendations");
  const record = await openIncident(context, incidentId);
  const { state } = record;
  const runCard = await getRunCard(context, state.incidentType);
  const level =
    runCard.levels.find((entry) => entry.alarmLevel === state.alarmLevel) ?? runCard.levels[runCard.levels.length - 1];
  const metresPerSecond = (context.config.travelSpeedKmh * 1000) / 3600;
  const position = isPlaced(state.location) ? state.location : null;
  if (!position) {
    // Nearest units are unknowable without a position; never guess one. The dispatcher places it first.
    return { incidentId, alarmLevel: state.alarmLevel, runCard, recommended: [], unfilled: [], needsPosition: true };
  }

  // Units already on the incident count towards the card.
  const onScene = new Map<UnitType, number>();
  for (const assignment of activeAssignments(state)) {
    onScene.set(assignment.unitType, (onScene.get(assignment.unitType) ?? 0) + 1);
  }
  const available = (await context.store.listUnits())
    .filter((unit) => unit.status === "available")
    .map((unit) => {
      const from = unit.position ?? unit.home;
      const distanceM = Math.round(distanceMeters(from, position));
      return { unit, distanceM, etaSeconds: Math.round(distanceM / metresPerSecond) };
    })
    .sort((a, b) => a.etaSeconds - b.etaSeconds);

  const recommended: Recommendation[] = [];
  const unfilled: RecommendationsView["unfilled"] = [];
  for (const slot of level?.units ?? []) {
    const needed = slot.count - (onScene.get(slot.type) ?? 0);
    if (needed <= 0) continue;
    const picks = available.filter((entry) => entry.unit.type === slot.type).slice(0, needed);
    for (const [index, pick] of picks.entries()) {
      recommended.push({
        unitId: pick.unit.id,
        callSign: pick.unit.callSign,
        type: pick.unit.type,
        station: pick.unit.station,
        distanceM: pick.distanceM,
        etaSeconds: pick.etaSeconds,
        reason: `${index === 0 ? "nearest" : `#${index + 1} nearest`} available ${slot.type} (${(pick.distanceM / 1000).toFixed(1)} km, ETA ${Math.ceil(pick.etaSeconds / 60)} min); run card needs ${slot.count}`,
      });
    }
    if (picks.length < needed) unfilled.push({ type: slot.type, missing: needed - picks.length });
  }
  recommended.sort((a, b) => a.etaSeconds - b.etaSeconds);
  return { incidentId, alarmLevel: state.alarmLevel, runCard, recommended, unfilled };
}

function unavailableReason(unit: UnitRecord, incidentId: string, reassign: boolean): string | null {
  if (unit.status === "available") return null;
  if (unit.incidentId === incidentId) return `${unit.callSign} is already assigned to this incident`;
  if (unit.status === "out_of_service") return `${unit.callSign} is out of service`;
  if (reassign && (COMMITTED_STATUSES.includes(unit.status) || unit.status === "returning")) return null;
  return `${unit.callSign} is ${unit.status.replace(/_/g, " ")}${unit.incidentId ? ` on incident ${unit.incidentId}` : ""}`;
}

export async function dispatchUnits(
  context: ServiceContext,
  actor: Actor,
  incidentId: string,
  body: DispatchBody,
): Promise<DispatchResult> {
  authorize(actor, "dispatch", "dispatch units");
  const operation = { opId: body.opId, kind: DISPATCH_OP, actor, request: { incidentId, ...body } };
  return runCommand(context, operation, async (builder, now) => {
    const record = await openIncident(context, incidentId);
    const occurredAt = resolveOccurredAt(actor, body.source, body.occurredAt, now);
    const unitIds = [...new Set(body.unitIds)];
    const units: UnitRecord[] = [];
    const problems: string[] = [];
    for (const unitId of unitIds) {
      const unit = await context.store.getUnit(unitId);
      if (!unit) {
        problems.push(`${unitId} does not exist`);
        continue;
      }
      const reason = unavailableReason(unit, incidentId, body.reassign);
      if (reason) problems.push(reason);
      else units.push(unit);
    }
    if (problems.length > 0) {
      throw errors.unitUnavailable(`Nothing was dispatched: ${problems.join("; ")}.`);
    }

    const eventContext = { actor, occurredAt, source: body.source };
    let state = record.state;
    for (const unit of units) {
      if (unit.incidentId && unit.incidentId !== incidentId) {
        const previous = await context.store.getIncident(unit.incidentId);
        if (previous) {
          builder.append(previous.id, previous.state, "unit.reassigned", { unitId: unit.id, toIncidentId: incidentId }, eventContext);
        }
      }
      state = builder.append(
        incidentId,
        state,
        "unit.dispatched",
        {
          unitId: unit.id,
          callSign: unit.callSign,
          unitType: unit.type,
          ...(unit.incidentId && unit.incidentId !== incidentId ? { reassignedFrom: unit.incidentId } : {}),
          ...(body.notes !== undefined ? { notes: body.notes } : {}),
        },
        eventContext,
      );
      builder.putUnit({ ...unit, status: "dispatched", statusSince: occurredAt, incidentId, updatedAt: builder.recordedAt });
    }
    const result: DispatchResult = {
      incident: presentIncident(state, incidentAudienceOf(actor)),
      units: builder.writtenUnits().map(presentUnit),
    };
    return result;
  });
}
