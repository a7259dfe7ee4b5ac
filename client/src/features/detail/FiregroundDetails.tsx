// The parts of a fireground entry a reader needs beyond its one-line summary: the reason, what it rested on,
// who was in command, corrections both ways, and the water-use guard's verdict. Shared by console and tablet.
import { useTranslation } from "react-i18next";
import type { IncidentEvent } from "../../../../shared/events";
import type { IncidentState } from "../../../../shared/incident";

export function FiregroundDetails({ event, incident }: { event: IncidentEvent; incident: IncidentState | undefined }) {
  const { t } = useTranslation();
  if (event.type === "incident.decision") {
    const { payload } = event;
    const correctedBy = incident?.decisions?.find((decision) => decision.seq === event.seq)?.correctedBy ?? [];
    const details = [
      payload.previousStrategy ? t("fireground.strategyFrom", { strategy: t(`strategy.${payload.previousStrategy}`) }) : null,
      payload.factors.length > 0 ? payload.factors.map((factor) => t(`factor.${factor}`)).join(", ") : null,
      payload.evacuationRadiusM !== undefined ? t("fireground.radius", { metres: payload.evacuationRadiusM }) : null,
      payload.legalBasis ? t(`legalBasis.${payload.legalBasis}`) : null,
      payload.propertyAffected ? t("fireground.property", { description: payload.propertyAffected.description }) : null,
      payload.propertyAffected?.owner ? t("fireground.owner", { owner: payload.propertyAffected.owner }) : null,
      payload.commander ? t("fireground.commander", { name: payload.commander.name, role: t(`icsRole.${payload.commander.icsRole}`) }) : null,
      payload.recordedFor ? t("fireground.radioedFor", { name: payload.recordedFor.name }) : null,
    ].filter((part): part is string => part !== null);
    return (
      <div className="fireground-details" data-testid="decision-details">
        <div className="reason">“{payload.reason}”</div>
        {details.length > 0 ? <div className="hint">{details.join(" · ")}</div> : null}
        <div className="fireground-chips">
          {payload.publicCandidate ? <span className="chip chip-public">{t("fireground.publicCandidate")}</span> : null}
          {payload.corrects !== undefined ? <span className="chip chip-correction">{t("fireground.corrects", { seq: payload.corrects })}</span> : null}
          {correctedBy.length > 0 ? (
            <span className="chip chip-corrected" data-testid="corrected-by">
              {t("fireground.correctedBy", { seqs: correctedBy.join(", #") })}
            </span>
          ) : null}
        </div>
      </div>
    );
  }
  if (event.type === "incident.water_use") {
    const { payload } = event;
    const details = [
      payload.flameVisible ? t("fireground.flame") : t("fireground.noFlame"),
      payload.waterEstimateL !== undefined ? t("fireground.litres", { litres: payload.waterEstimateL }) : null,
      payload.recordedFor ? t("fireground.radioedFor", { name: payload.recordedFor.name }) : null,
    ].filter((part): part is string => part !== null);
    return (
      <div className="fireground-details">
        {payload.flagged ? (
          <div className="water-flag" data-testid="water-flag">
            <strong>⚠ {t("fireground.flagged")}</strong>: {payload.concerns.map((concern) => t(`waterConcern.${concern}`)).join("; ")}
          </div>
        ) : null}
        {payload.reason ? <div className="reason">“{payload.reason}”</div> : null}
        <div className="hint">{details.join(" · ")}</div>
      </div>
    );
  }
  return null;
}
