import { useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { useStore } from "zustand";
import { can } from "../../../shared/policy";
import { alertStore, configStore, incidentStore, prefsStore, unitStore } from "../app/stores";
import { useNow } from "../app/useNow";
import type { AuthSession } from "../features/auth/authStore";
import { AdminPanel, SessionsPanel } from "../features/admin/AdminPanel";
import { IncidentDetail } from "../features/detail/IncidentDetail";
import { IntakePanel } from "../features/intake/IntakePanel";
import { IncidentQueue } from "../features/queue/IncidentQueue";
import { rankQueue } from "../features/queue/urgency";
import { UnitBoard } from "../features/units/UnitBoard";
import { useLostContact } from "../features/units/useLostContact";
import { MapView } from "../map/MapView";
import { ConnectionIndicator } from "../ui/ConnectionIndicator";
import { LanguageSelector } from "../ui/LanguageSelector";
import { DigestButton } from "../features/evidence/EvidenceButtons";
import { ChangePasswordButton } from "../features/auth/ChangePasswordButton";
import { LogoutButton } from "../ui/LogoutButton";
import { MuteToggle } from "../ui/MuteToggle";
import { ThemeToggle } from "../ui/ThemeToggle";
import { AlertBanner } from "./AlertBanner";
import { loadConsoleData, startConsoleRealtime } from "./consoleRealtime";
import { consoleUiStore } from "./consoleUiStore";
import "./console.css";

function useConsoleRealtime(session: AuthSession) {
  const [loadError, setLoadError] = useState<unknown>(null);
  useEffect(() => {
    let cancelled = false;
    let stop: (() => void) | null = null;
    let retry: number | undefined;
    const begin = () => {
      loadConsoleData()
        .then(() => {
          if (cancelled) return;
          setLoadError(null);
          stop = startConsoleRealtime(session.token, session.user).stop;
        })
        .catch((error: unknown) => {
          if (cancelled) return;
          setLoadError(error);
          retry = window.setTimeout(begin, 3000);
        });
    };
    begin();
    return () => {
      cancelled = true;
      window.clearTimeout(retry);
      stop?.();
      incidentStore.getState().reset();
      unitStore.getState().reset();
    };
  }, [session.token, session.user.id]);
  return loadError;
}

function useGlobalShortcuts() {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "F2" || (event.altKey && (event.key === "n" || event.key === "N"))) {
        event.preventDefault();
        consoleUiStore.getState().newCall();
      } else if (event.altKey && (event.key === "m" || event.key === "M")) {
        event.preventDefault();
        prefsStore.getState().setMuted(!prefsStore.getState().muted);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
}

function ConsoleMap() {
  const { t } = useTranslation();
  const config = useStore(configStore, (state) => state.config);
  const incidents = useStore(incidentStore, (state) => state.byId);
  const units = useStore(unitStore, (state) => state.byId);
  const overdue = useStore(alertStore, (state) => state.overdue);
  const overdueSeconds = useStore(configStore, (state) => state.config.overdueSeconds);
  const selected = useStore(consoleUiStore, (state) => state.selectedIncidentId);
  const picked = useStore(consoleUiStore, (state) => state.draftLocation);
  const now = useNow(5000);
  const ranked = useMemo(
    () => rankQueue(Object.values(incidents), now, overdue, overdueSeconds).map((entry) => ({ incident: entry.incident, urgent: entry.tier <= 1 })),
    [incidents, overdue, now, overdueSeconds],
  );
  // Redraw the markers only when what they show changed, not on every clock tick (tooltips stay open).
  const markerKey = ranked.map(({ incident, urgent }) => `${incident.id}:${incident.lastSeq}:${urgent ? 1 : 0}`).join("|");
  const mapIncidents = useMemo(() => ranked, [markerKey]);
  const unitList = useMemo(() => Object.values(units), [units]);
  const lostContact = useLostContact();
  // A new Set only when the membership changes, so the unit layer is not redrawn every second.
  const lostKey = [...lostContact.keys()].sort().join(",");
  const lostSet = useMemo(() => new Set(lostContact.keys()), [lostKey]);
  return (
    <MapView
      label={t("map.label")}
      center={config.mapCenter}
      zoom={config.mapZoom}
      tileUrl={config.tileUrl}
      tileAttribution={config.tileAttribution}
      incidents={mapIncidents}
      units={unitList}
      lostContact={lostSet}
      selectedIncidentId={selected}
      picked={picked}
      onPick={(position) => consoleUiStore.getState().pick(position)}
      onSelectIncident={(id) => consoleUiStore.getState().select(id)}
    />
  );
}

export default function ConsoleApp({ session }: { session: AuthSession }) {
  const { t } = useTranslation();
  const loadError = useConsoleRealtime(session);
  useGlobalShortcuts();
  const [view, setView] = useState<"operations" | "admin">("operations");
  const isAdmin = can.createAccounts({ role: session.user.role, userId: session.user.id });
  // Supervisors get a Sessions view: every account, with "End sessions".
  const isSupervisor = !isAdmin && can.endOtherUsersSessions({ role: session.user.role, userId: session.user.id });

  return (
    <div className="console" data-testid="console">
      <header className="topbar">
        <h1 className="brand">{t("app.title")}</h1>
        {isAdmin || isSupervisor ? (
          <nav className="tabs" aria-label={t("console.views")}>
            <button type="button" className="tab" aria-pressed={view === "operations"} onClick={() => setView("operations")}>
              {t("console.operations")}
            </button>
            <button type="button" className="tab" data-testid="admin-tab" aria-pressed={view === "admin"} onClick={() => setView("admin")}>
              {t(isAdmin ? "console.admin" : "console.sessions")}
            </button>
          </nav>
        ) : null}
        <AlertBanner />
        <div className="topbar-right">
          {can.reviewExplanations({ role: session.user.role, userId: session.user.id }) ? (
            <a className="button" href="/explanations" data-testid="explanations-link">
              {t("explanations.consoleLink")}
            </a>
          ) : null}
          <ConnectionIndicator />
          <MuteToggle />
          <ThemeToggle layout="console" />
          <LanguageSelector />
          <span className="user" data-testid="current-user">
            {session.user.displayName ?? session.user.username} · {t(`role.${session.user.role}`)}
          </span>
          <DigestButton />
          <ChangePasswordButton />
          <LogoutButton />
        </div>
      </header>
      {loadError ? (
        <p className="banner banner-error" role="alert">
          {t("console.loadFailed")}
        </p>
      ) : null}
      {view === "admin" && isAdmin ? (
        <AdminPanel />
      ) : view === "admin" && isSupervisor ? (
        <SessionsPanel />
      ) : (
        <main className="console-grid">
          <section className="col col-left" aria-label={t("console.intakeAndQueue")}>
            <IntakePanel />
            <IncidentQueue />
          </section>
          <section className="col col-center" aria-label={t("console.mapAndUnits")}>
            <ConsoleMap />
            <UnitBoard />
          </section>
          <section className="col col-right" aria-label={t("detail.title")}>
            <IncidentDetail />
          </section>
        </main>
      )}
    </div>
  );
}
