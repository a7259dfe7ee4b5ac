// Recommendations for the selected incident: one action sends the recommended set; units can also be
// picked by hand from those available.
import { useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { useStore } from "zustand";
import type { RecommendationsView } from "../../../../shared/api";
import type { IncidentState } from "../../../../shared/incident";
import { api } from "../../api/client";
import { unitStore } from "../../app/stores";
import { dispatchUnits, setAlarmLevel } from "../incidents/incidentActions";
import { formatDistance, formatDuration } from "../../format/time";
import { ErrorText } from "../../ui/ErrorText";
import { recommendationNote } from "./recommendationNote";

export function DispatchPanel({ incident }: { incident: IncidentState }) {
  const { t, i18n } = useTranslation();
  const [recommendations, setRecommendations] = useState<RecommendationsView | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [sent, setSent] = useState<string | null>(null);
  const [refresh, setRefresh] = useState(0);
  const units = useStore(unitStore, (state) => state.byId);
  const available = useMemo(
    () => Object.values(units).filter((unit) => unit.status === "available").sort((a, b) => a.callSign.localeCompare(b.callSign)),
    [units],
  );
  const availableKey = available.map((unit) => unit.id).join(",");

  useEffect(() => {
    if (incident.status !== "open") return;
    let current = true;
    api
      .recommendations(incident.id)
      .then((view) => {
        if (current) {
          setRecommendations(view);
          setLoadError(null);
        }
      })
      .catch((caught: unknown) => {
        if (current) setLoadError(caught);
      });
    return () => {
      current = false;
    };
  }, [incident.id, incident.lastSeq, incident.status, availableKey, refresh]);

  useEffect(() => {
    setPicked(new Set());
    setSent(null);
    setError(null);
  }, [incident.id]);

  async function dispatch(unitIds: string[]) {
    if (unitIds.length === 0 || busy) return;
    setBusy(true);
    setError(null);
    try {
      const result = await dispatchUnits(incident.id, unitIds);
      setSent(result.units.map((unit) => unit.callSign).join(", "));
      setPicked(new Set());
    } catch (caught) {
      setError(caught);
      setRefresh((n) => n + 1);
    } finally {
      setBusy(false);
    }
  }

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.altKey && (event.key === "d" || event.key === "D") && recommendations) {
        event.preventDefault();
        void dispatch(recommendations.recommended.map((r) => r.unitId));
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  });

  if (incident.status !== "open") return null;
  const recommendedIds = recommendations?.recommended.map((r) => r.unitId) ?? [];
  // Without a position there is nothing to recommend from; that has its own message.
  const note = recommendations && !recommendations.needsPosition ? recommendationNote(recommendations) : null;

  return (
    <section className="panel dispatch" aria-labelledby="dispatch-title" data-testid="dispatch-panel">
      <div className="panel-head">
        <h3 id="dispatch-title">{t("dispatch.title")}</h3>
        <span className="hint">{t("dispatch.alarmLevel", { level: incident.alarmLevel })}</span>
        {incident.alarmLevel < 5 ? (
          <button
            type="button"
            data-testid="raise-alarm"
            disabled={busy}
            onClick={() => {
              setError(null);
              setAlarmLevel(incident.id, incident.alarmLevel + 1).catch(setError);
            }}
          >
            {t("dispatch.raiseAlarm", { level: incident.alarmLevel + 1 })}
          </button>
        ) : null}
      </div>
      <ErrorText error={loadError} />
      {recommendations?.needsPosition ? (
        <p className="hint" data-testid="recommendations-need-position">{t("dispatch.needsPosition")}</p>
      ) : null}
      {note?.kind === "noCardLevel" ? (
        <p className="flag flag-overdue" role="note" data-testid="recommendation-note" data-kind={note.kind}>
          {t("dispatch.noCardLevel", { type: t(`incidentType.${incident.incidentType}`), level: note.level })}
        </p>
      ) : null}
      {note?.kind === "cardFilled" ? (
        <p className="hint" role="note" data-testid="recommendation-note" data-kind={note.kind}>
          {t("dispatch.cardFilled", { level: note.level })}
        </p>
      ) : null}
      {note?.kind === "noneAvailable" ? (
        <p className="hint" role="note" data-testid="recommendation-note" data-kind={note.kind}>
          {t("dispatch.noneAvailable")}
        </p>
      ) : null}
      {recommendations && recommendations.recommended.length > 0 ? (
        <table className="recommendations" data-testid="recommendations">
          <thead>
            <tr>
              <th scope="col">{t("units.callSign")}</th>
              <th scope="col">{t("units.type")}</th>
              <th scope="col">{t("units.station")}</th>
              <th scope="col">{t("dispatch.distance")}</th>
              <th scope="col">{t("dispatch.eta")}</th>
            </tr>
          </thead>
          <tbody>
            {recommendations.recommended.map((recommendation) => (
              <tr key={recommendation.unitId} data-testid="recommendation" data-unit-id={recommendation.unitId} title={recommendation.reason}>
                <td className="call-sign">{recommendation.callSign}</td>
                <td>{t(`unitType.${recommendation.type}`)}</td>
                <td>{recommendation.station}</td>
                <td>{formatDistance(recommendation.distanceM)}</td>
                <td>{formatDuration(recommendation.etaSeconds, i18n.language)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {recommendations && recommendations.unfilled.length > 0 ? (
        <p className="flag flag-overdue" role="note">
          {t("dispatch.unfilled")}:{" "}
          {recommendations.unfilled.map((slot) => `${t(`unitType.${slot.type}`)} × ${slot.missing}`).join(", ")}
        </p>
      ) : null}
      <div className="actions">
        <button
          type="button"
          className="button primary"
          data-testid="dispatch-recommended"
          disabled={busy || recommendedIds.length === 0}
          onClick={() => void dispatch(recommendedIds)}
        >
          {t("dispatch.sendRecommended", { count: recommendedIds.length })} <kbd>Alt+D</kbd>
        </button>
      </div>
      <details className="manual-pick">
        <summary>{t("dispatch.pickByHand")}</summary>
        <fieldset>
          <legend className="visually-hidden">{t("dispatch.pickByHand")}</legend>
          {available.length === 0 ? <p className="hint">{t("dispatch.noneAvailable")}</p> : null}
          {available.map((unit) => (
            <label key={unit.id} className="inline-check">
              <input
                type="checkbox"
                data-testid="pick-unit"
                data-unit-id={unit.id}
                checked={picked.has(unit.id)}
                onChange={(event) => {
                  const next = new Set(picked);
                  if (event.target.checked) next.add(unit.id);
                  else next.delete(unit.id);
                  setPicked(next);
                }}
              />
              <span>
                {unit.callSign} · {t(`unitType.${unit.type}`)} · {unit.station}
              </span>
            </label>
          ))}
        </fieldset>
        <button type="button" className="button" data-testid="dispatch-picked" disabled={busy || picked.size === 0} onClick={() => void dispatch([...picked])}>
          {t("dispatch.sendPicked", { count: picked.size })}
        </button>
      </details>
      <ErrorText error={error} testId="dispatch-error" />
      {sent ? (
        <p className="hint" role="status" data-testid="dispatch-sent">
          {t("dispatch.sent", { units: sent })}
        </p>
      ) : null}
    </section>
  );
}
