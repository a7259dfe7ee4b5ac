import { useTranslation } from "react-i18next";
import { RESPONSE_STANDARDS, turnoutStandardFor } from "../../../../shared/domain";
import { computeIntervals, INTERVAL_NAMES, type IncidentState, type IntervalName } from "../../../../shared/incident";
import { formatDuration } from "../../format/time";

export function standardFor(name: IntervalName, incident: IncidentState): number | null {
  switch (name) {
    case "alarmProcessing":
      return RESPONSE_STANDARDS.alarmProcessing;
    case "turnout":
      return turnoutStandardFor(incident.incidentType);
    case "travel":
      return RESPONSE_STANDARDS.travelFirstEngine;
    case "totalResponse":
      return null;
  }
}

/** Response-time intervals (shared computation) next to the NFPA standard, with the verdict in words. */
export function IntervalTable({ incident }: { incident: IncidentState }) {
  const { t, i18n } = useTranslation();
  const intervals = computeIntervals(incident);
  return (
    <table className="intervals" data-testid="intervals">
      <thead>
        <tr>
          <th scope="col">{t("intervals.interval")}</th>
          <th scope="col">{t("intervals.actual")}</th>
          <th scope="col">{t("intervals.standard")}</th>
          <th scope="col">{t("intervals.verdict")}</th>
        </tr>
      </thead>
      <tbody>
        {INTERVAL_NAMES.map((name) => {
          const value = intervals[name];
          const standard = standardFor(name, incident);
          const verdict = value === null ? "pending" : standard === null ? "none" : value <= standard ? "within" : "over";
          return (
            <tr key={name} data-testid={`interval-${name}`} data-seconds={value ?? ""} className={`verdict-${verdict}`}>
              <th scope="row">{t(`intervals.${name}`)}</th>
              <td className="value">{formatDuration(value, i18n.language)}</td>
              <td>{standard === null ? "–" : formatDuration(standard, i18n.language)}</td>
              <td className="verdict">
                {verdict === "within" ? `✓ ${t("intervals.within")}` : verdict === "over" ? `✗ ${t("intervals.over")}` : verdict === "pending" ? t("intervals.pending") : ""}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
