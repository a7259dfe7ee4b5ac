// Public relations: the newest incidents with their response intervals, kept up to date live from the pr room (the
// server never sends this screen a caller's name or number), and the public explanations workspace.
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { useStore } from "zustand";
import { computeIntervals, INTERVAL_NAMES } from "../../../../shared/incident";
import { incidentStore } from "../../app/stores";
import { useTimeFormat } from "../../app/useTimeFormat";
import type { AuthSession } from "../auth/authStore";
import { formatDuration } from "../../format/time";
import { ErrorText } from "../../ui/ErrorText";
import { usePrRealtime } from "./prRealtime";
import { ExplanationsWorkspace } from "../explanations/ExplanationsWorkspace";
import { SessionControls } from "../../ui/SessionControls";

export default function PrApp({ session }: { session: AuthSession }) {
  const { t, i18n } = useTranslation();
  const error = usePrRealtime(session.token);
  const byId = useStore(incidentStore, (state) => state.byId);
  const loaded = useStore(incidentStore, (state) => state.loaded);
  const incidents = useMemo(
    () =>
      Object.values(byId)
        .sort((a, b) => Date.parse(b.receivedAt) - Date.parse(a.receivedAt))
        .map((state) => ({ ...state, intervals: computeIntervals(state) })),
    [byId],
  );
  const { dateTime } = useTimeFormat();
  const [tab, setTab] = useState<"live" | "explanations">("live");
  return (
    <div className="pr" data-testid="pr-app">
      <header className="topbar">
        <h1 className="brand">{t("pr.title")}</h1>
        <nav className="tabs" aria-label={t("explanations.tabExplanations")}>
          <button type="button" className="tab" aria-pressed={tab === "live"} onClick={() => setTab("live")}>
            {t("explanations.tabLive")}
          </button>
          <button type="button" className="tab" data-testid="pr-explanations-tab" aria-pressed={tab === "explanations"} onClick={() => setTab("explanations")}>
            {t("explanations.consoleLink")}
          </button>
        </nav>
        <div className="topbar-right">
          <SessionControls user={session.user} />
        </div>
      </header>
      <main className="pr-main" hidden={tab !== "explanations"}>
        {tab === "explanations" ? <ExplanationsWorkspace session={session} /> : null}
      </main>
      <main className="pr-main" hidden={tab !== "live"}>
        <ErrorText error={error} />
        {loaded && incidents.length === 0 ? <p className="hint">{t("pr.empty")}</p> : null}
        <table className="pr-table">
          <thead>
            <tr>
              <th scope="col">{t("pr.number")}</th>
              <th scope="col">{t("intake.incidentType")}</th>
              <th scope="col">{t("intake.address")}</th>
              <th scope="col">{t("pr.received")}</th>
              <th scope="col">{t("units.status")}</th>
              {INTERVAL_NAMES.map((name) => (
                <th scope="col" key={name}>
                  {t(`intervals.${name}`)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {incidents.map((incident) => (
              <tr key={incident.id} data-testid="pr-incident">
                <td>{incident.number}</td>
                <td>{t(`incidentType.${incident.incidentType}`)}</td>
                <td>{incident.location.address ?? "—"}</td>
                <td>{dateTime(incident.receivedAt)}</td>
                <td>{t(`incidentStatus.${incident.status}`)}</td>
                {INTERVAL_NAMES.map((name) => (
                  <td key={name}>{formatDuration(incident.intervals[name], i18n.language)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </main>
    </div>
  );
}
