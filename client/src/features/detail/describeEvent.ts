import type { TFunction } from "i18next";
import type { IncidentEvent } from "../../../../shared/events";
import type { IncidentState } from "../../../../shared/incident";

function callSignOf(state: IncidentState | undefined, unitId: string): string {
  return state?.assignments.find((assignment) => assignment.unitId === unitId)?.callSign ?? unitId;
}

/** One readable line per log event, in the user's language. */
export function describeEvent(t: TFunction, event: IncidentEvent, state: IncidentState | undefined): string {
  switch (event.type) {
    case "incident.created":
      return t("timeline.created", { number: event.payload.number, type: t(`incidentType.${event.payload.incidentType}`) });
    case "call.received":
      return event.payload.source === "transfer" && event.payload.transfer
        ? t("timeline.callTransfer", { center: event.payload.transfer.fromCenter, externalId: event.payload.transfer.externalId })
        : t("timeline.call", { caller: event.payload.callerNumber ?? t("timeline.unknownCaller") });
    case "unit.dispatched":
      return t("timeline.dispatched", { callSign: event.payload.callSign });
    case "unit.status":
      return `${t("timeline.status", {
        callSign: callSignOf(state, event.payload.unitId),
        status: t(`unitStatus.${event.payload.status}`),
      })}${event.payload.override ? ` (${t("timeline.override", { reason: event.payload.override.reason })})` : ""}`;
    case "unit.reassigned":
      return t("timeline.reassigned", { callSign: callSignOf(state, event.payload.unitId) });
    case "incident.phase":
      return t(`phase.${event.payload.phase}`);
    case "incident.alarm_level":
      return t("timeline.alarmLevel", { level: event.payload.alarmLevel, previous: event.payload.previousLevel });
    case "incident.note":
      return t("timeline.note", { text: event.payload.text });
    case "incident.located":
      return event.payload.previous && !("lat" in event.payload.previous)
        ? t("timeline.placed", { lat: event.payload.location.lat.toFixed(5), lng: event.payload.location.lng.toFixed(5) })
        : t("timeline.moved", { lat: event.payload.location.lat.toFixed(5), lng: event.payload.location.lng.toFixed(5) });
    case "incident.merged":
      return t("timeline.merged", { number: event.payload.intoNumber });
    case "incident.absorbed":
      return t("timeline.absorbed", { number: event.payload.fromNumber, calls: event.payload.calls.length });
    case "incident.closed":
      return t("timeline.closed");
    case "incident.command":
      return t(event.payload.action === "established" ? "timeline.commandEstablished" : "timeline.commandTransferred", {
        name: event.payload.commanderName,
        role: t(`icsRole.${event.payload.icsRole}`),
        callSign: event.payload.callSign,
      });
    case "incident.decision":
      return t("timeline.decision", { type: t(`decisionType.${event.payload.decisionType}`) });
    case "incident.water_use":
      return t("timeline.waterUse", {
        callSign: event.payload.callSign,
        agent: t(`agent.${event.payload.agent}`),
        nozzle: t(`nozzle.${event.payload.nozzle}`),
        fireClass: event.payload.fireClass,
      });
  }
}
