// Public relations: a read-only list of incidents with their response intervals (no caller data shown).
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { IncidentView } from "../../../../shared/api";
import { INTERVAL_NAMES } from "../../../../shared/incident";
import { api } from "../../api/client";
import { useTimeFormat } from "../../app/useTimeFormat";
import type { AuthSession } from "../auth/authStore";
import { formatDuration } from "../../format/time";
import { ErrorText } from "../../ui/ErrorText";
import { LanguageSelector } from "../../ui/LanguageSelector";
import { LogoutButton } from "../../ui/LogoutButton";
import { ThemeToggle } from "../../ui/ThemeToggle";

export default function PrApp({ session }: { session: AuthSession }) {
  const { t } = useTranslation();
  const [incidents, setIncidents] = useState<IncidentView[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [loaded, setLoaded] = useState(false);
  const { dateTime } = useTimeFormat();
  useEffect(() => {
    api
      .listIncidents("all", 500)
      .then((result) => {
        setIncidents(result.incidents);
        setLoaded(true);
      })
      .catch(setError);
  }, []);
  return (
    <div className="pr" data-testid="pr-app">
      <header className="topbar">
        <h1 className="brand">{t("pr.title")}</h1>
        <div className="topbar-right">
          <ThemeToggle layout="console" />
          <LanguageSelector />
          <span className="user">{session.user.displayName ?? session.user.username}</span>
          <LogoutButton />
        </div>
      </header>
      <main className="pr-main">
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
              <tr key={incident.id}>
                <td>{incident.number}</td>
                <td>{t(`incidentType.${incident.incidentType}`)}</td>
                <td>{incident.location.address ?? "—"}</td>
                <td>{dateTime(incident.receivedAt)}</td>
                <td>{t(`incidentStatus.${incident.status}`)}</td>
                {INTERVAL_NAMES.map((name) => (
                  <td key={name}>{formatDuration(incident.intervals[name])}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </main>
    </div>
  );
}
