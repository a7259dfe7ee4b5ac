// The crew tablet: the current assignment, a full-screen dispatch alert, status buttons in crew order,
// position reports, and a visible queue of taps waiting to be sent.
import { useEffect, useMemo, useRef, useState, type RefObject } from "react";
import { useTranslation } from "react-i18next";
import { useStore } from "zustand";
import { isAllowedTransition, COMMITTED_STATUSES, type UnitStatus } from "../../../shared/domain";
import { activeAssignments } from "../../../shared/incident";
import { positionOf } from "../../../shared/limits";
import type { AppSocket } from "../api/socket";
import { cacheLoadedAssets } from "../app/serviceWorker";
import { configStore, incidentStore, unitStore } from "../app/stores";
import { useNow } from "../app/useNow";
import { useTimeFormat } from "../app/useTimeFormat";
import { elapsedSeconds } from "../format/time";
import { beep, unlockAudio } from "../features/alerts/beep";
import type { AuthSession } from "../features/auth/authStore";
import { formatLocation } from "../format/time";
import { MapView } from "../map/MapView";
import { ConnectionIndicator } from "../ui/ConnectionIndicator";
import { LanguageSelector } from "../ui/LanguageSelector";
import { ChangePasswordButton } from "../features/auth/ChangePasswordButton";
import { LogoutButton } from "../ui/LogoutButton";
import { ThemeToggle } from "../ui/ThemeToggle";
import { describeQueued, FiregroundPanel } from "./Fireground";
import { opIdOf, pendingStatus } from "./offlineQueue";
import { startTabletRealtime } from "./tabletRealtime";
import { tabletQueue, tabletStore } from "./tabletStore";
import "./tablet.css";

type CrewStep = "acknowledged" | "en_route" | "on_scene" | "transporting" | "available";
const CREW_STEPS: readonly CrewStep[] = ["acknowledged", "en_route", "on_scene", "transporting", "available"];

function useTabletRealtime(session: AuthSession, unitId: string | undefined) {
  const socket = useRef<AppSocket | null>(null);
  useEffect(() => {
    if (!unitId) return;
    const realtime = startTabletRealtime(session.token, unitId);
    socket.current = realtime.socket;
    cacheLoadedAssets();
    return () => {
      realtime.stop();
      socket.current = null;
    };
  }, [session.token, unitId]);
  return socket;
}

/** How often a stationary unit repeats its last fix (GPS only reports changes). */
const POSITION_REPEAT_MS = 15_000;
const POSITION_MIN_GAP_MS = 5_000;

function usePositionReports(socket: RefObject<AppSocket | null>, unitId: string | undefined, active: boolean) {
  const enabled = useStore(tabletStore, (state) => state.reportPositions);
  useEffect(() => {
    if (!unitId || !active || !enabled || !("geolocation" in navigator)) return;
    let lastSent = 0;
    let last: GeolocationPosition | null = null;
    const send = (force: boolean) => {
      const current = socket.current;
      const now = Date.now();
      if (!last || !current?.connected || (!force && now - lastSent < POSITION_MIN_GAP_MS)) return;
      lastSent = now;
      const { latitude, longitude, accuracy, heading, speed } = last.coords;
      current.volatile.emit(
        "unit.position",
        {
          unitId,
          lat: latitude,
          lng: longitude,
          ...(Number.isFinite(accuracy) && accuracy <= 100_000 ? { accuracy } : {}),
          ...(heading !== null && Number.isFinite(heading) && heading >= 0 && heading <= 360 ? { heading } : {}),
          ...(speed !== null && Number.isFinite(speed) && speed >= 0 && speed <= 200 ? { speed } : {}),
          // A repeated fix is reported with the time it was taken, not the time it is resent.
          occurredAt: new Date(last.timestamp || now).toISOString(),
        },
        () => undefined,
      );
      tabletStore.getState().positionSent(now);
    };
    const watch = navigator.geolocation.watchPosition(
      (position) => {
        last = position;
        send(false);
      },
      (error) => tabletStore.getState().setPositionError(error.message),
      { enableHighAccuracy: true, maximumAge: 5000, timeout: 20000 },
    );
    const timer = window.setInterval(() => send(true), POSITION_REPEAT_MS);
    return () => {
      navigator.geolocation.clearWatch(watch);
      window.clearInterval(timer);
    };
  }, [unitId, active, enabled]);
}

function DispatchAlertOverlay({ onAcknowledge }: { onAcknowledge: () => void }) {
  const { t } = useTranslation();
  const alert = useStore(tabletStore, (state) => state.alert);
  // The alert's list of other units was taken at dispatch; the incident as it is now says who is still on it.
  const incident = useStore(incidentStore, (state) => (alert ? state.byId[alert.incidentId] : undefined));
  const { clock, duration, zone } = useTimeFormat();
  const now = useNow(1000);
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!alert) return;
    button.current?.focus();
    beep("dispatch");
    const timer = window.setInterval(() => beep("dispatch"), 3000);
    return () => window.clearInterval(timer);
  }, [alert?.incidentId, alert?.attempt]);
  if (!alert) return null;
  const otherUnits = incident
    ? activeAssignments(incident)
        .filter((assignment) => assignment.unitId !== alert.unitId)
        .map(({ unitId, callSign, status }) => ({ unitId, callSign, status }))
    : alert.otherUnits;
  return (
    <div className="dispatch-alert" role="alertdialog" aria-modal="true" aria-labelledby="alert-title" data-testid="dispatch-alert">
      <p className="alert-kicker">{t("tablet.dispatched")}</p>
      <h1 id="alert-title">{t(`incidentType.${alert.incidentType}`)}</h1>
      <p className="alert-address">{formatLocation(alert.location)}</p>
      <p className="alert-number">
        {alert.incidentNumber} · {alert.callSign}
      </p>
      <p className="alert-time" data-testid="alert-dispatched-at">
        {t("tablet.dispatchedAt", { time: `${clock(alert.dispatchedAt)} ${zone(alert.dispatchedAt)}`, ago: duration(elapsedSeconds(alert.dispatchedAt, now)) })}
      </p>
      {alert.description ? <p className="alert-notes">{alert.description}</p> : null}
      {otherUnits.length > 0 ? (
        <p className="alert-others" data-testid="alert-other-units">
          {t("tablet.otherUnits")}: {otherUnits.map((unit) => unit.callSign).join(", ")}
        </p>
      ) : null}
      <button
        ref={button}
        type="button"
        className="big-button ack"
        data-testid="alert-acknowledge"
        onClick={() => {
          unlockAudio();
          onAcknowledge();
        }}
      >
        {t("tablet.acknowledge")}
      </button>
    </div>
  );
}

function ConfirmDialog({ step, from, onConfirm, onCancel }: { step: CrewStep; from: UnitStatus; onConfirm: () => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const confirm = useRef<HTMLButtonElement>(null);
  useEffect(() => confirm.current?.focus(), []);
  return (
    <div className="confirm-backdrop">
      <div className="confirm" role="alertdialog" aria-modal="true" aria-labelledby="confirm-title" data-testid="confirm-dialog">
        <h2 id="confirm-title">{t("tablet.outOfOrderTitle")}</h2>
        <p>{t("tablet.outOfOrder", { from: t(`unitStatus.${from}`), to: t(`unitStatus.${step}`) })}</p>
        <div className="confirm-actions">
          <button ref={confirm} type="button" className="big-button" data-testid="confirm-yes" onClick={onConfirm}>
            {t("tablet.confirmYes", { status: t(`unitStatus.${step}`) })}
          </button>
          <button type="button" className="big-button secondary" data-testid="confirm-no" onClick={onCancel}>
            {t("common.cancel")}
          </button>
        </div>
      </div>
    </div>
  );
}

function QueueList() {
  const { t } = useTranslation();
  const items = useStore(tabletQueue, (state) => state.items);
  const { clock } = useTimeFormat();
  if (items.length === 0) return null;
  return (
    <section className="tablet-queue" aria-labelledby="queue-title" data-testid="offline-queue">
      <h2 id="queue-title">{t("tablet.queueTitle")}</h2>
      <ul>
        {items.map((item) => (
          <li key={opIdOf(item)} className={`queued queued-${item.state}`} data-testid="queued-action" data-state={item.state}>
            <span className="queued-what">{describeQueued(t, item.action)}</span>
            <span className="queued-when">{t("tablet.tappedAt", { time: clock(item.action.payload.occurredAt) })}</span>
            <span className="queued-state">
              {item.state === "refused"
                ? `✗ ${t("tablet.refused")}: ${t(`errors.${item.error?.code ?? "unknown"}`, { defaultValue: item.error?.message ?? "" })}${item.error?.code === "time_out_of_range" ? ` — ${t("tablet.tooOld")}` : ""}`
                : item.state === "sending"
                  ? t("tablet.sending")
                  : `… ${t("tablet.waiting")}`}
            </span>
            {item.state === "refused" ? (
              <button type="button" className="button" onClick={() => tabletQueue.getState().dismiss(opIdOf(item))}>
                {t("common.dismiss")}
              </button>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

export default function TabletApp({ session }: { session: AuthSession }) {
  const { t } = useTranslation();
  const unitId = session.user.unitId;
  const socket = useTabletRealtime(session, unitId);
  const unit = useStore(unitStore, (state) => (unitId ? state.byId[unitId] : undefined));
  const alert = useStore(tabletStore, (state) => state.alert);
  const incidentId = unit?.incidentId ?? alert?.incidentId ?? null;
  const incident = useStore(incidentStore, (state) => (incidentId ? state.byId[incidentId] : undefined));
  const items = useStore(tabletQueue, (state) => state.items);
  const config = useStore(configStore, (state) => state.config);
  const reportPositions = useStore(tabletStore, (state) => state.reportPositions);
  const lastPositionSentAt = useStore(tabletStore, (state) => state.lastPositionSentAt);
  const positionError = useStore(tabletStore, (state) => state.positionError);
  const { clock } = useTimeFormat();
  const [confirming, setConfirming] = useState<CrewStep | null>(null);

  const pending = unitId ? pendingStatus(items, unitId) : null;
  const currentStatus: UnitStatus = pending ?? unit?.status ?? "available";
  const onAssignment = COMMITTED_STATUSES.includes(currentStatus) && incidentId !== null;
  usePositionReports(socket, unitId, onAssignment);

  const others = useMemo(
    () => (incident ? activeAssignments(incident).filter((assignment) => assignment.unitId !== unitId) : []),
    [incident, unitId],
  );

  function enqueue(step: CrewStep, forIncidentId: string | null = incidentId) {
    if (!unitId) return;
    // The time of the tap is what the record keeps, however late the network delivers it.
    const opId = crypto.randomUUID();
    const occurredAt = new Date().toISOString();
    if (step === "acknowledged" && forIncidentId) {
      tabletQueue.getState().enqueue({ kind: "dispatch.ack", payload: { incidentId: forIncidentId, unitId, opId, occurredAt } });
    } else {
      tabletQueue.getState().enqueue({ kind: "unit.status", payload: { unitId, status: step, opId, occurredAt, source: "live" } });
    }
    tabletStore.getState().clearAlert();
  }

  function tap(step: CrewStep) {
    unlockAudio();
    if (step === currentStatus) return;
    if (!isAllowedTransition(currentStatus, step)) {
      setConfirming(step);
      return;
    }
    enqueue(step);
  }

  if (!unitId) {
    return (
      <div className="tablet" data-testid="tablet">
        <p className="banner banner-error">{t("tablet.noUnit")}</p>
        <LogoutButton className="big-button" />
      </div>
    );
  }

  return (
    <div className="tablet" data-testid="tablet">
      <header className="tablet-bar">
        <strong className="tablet-callsign" data-testid="tablet-callsign">
          {unit?.callSign ?? unitId}
        </strong>
        <span className={`chip big-chip status-${currentStatus}`} data-testid="tablet-status" data-status={currentStatus}>
          {t(`unitStatus.${currentStatus}`)}
          {pending ? ` · ${t("tablet.waiting")}` : ""}
        </span>
        <ConnectionIndicator />
        <div className="tablet-bar-right">
          <LanguageSelector />
          <ThemeToggle layout="tablet" />
          <ChangePasswordButton layout="tablet" />
          <LogoutButton />
        </div>
      </header>

      <main className="tablet-main">
        <section className="assignment" aria-labelledby="assignment-title" data-testid="assignment">
          {incident ? (
            <>
              <p className="assignment-number">{incident.number}</p>
              <h1 id="assignment-title" className="assignment-type">
                {t(`incidentType.${incident.incidentType}`)}
              </h1>
              <p className="assignment-address" data-testid="assignment-address">
                {formatLocation(incident.location)}
              </p>
              {incident.description ? <p className="assignment-notes">{incident.description}</p> : null}
              {incident.notes.map((note) => (
                <p key={`${note.at.recordedAt}:${note.text}`} className="assignment-notes">
                  {clock(note.at.occurredAt)} · {note.text}
                </p>
              ))}
              <p className="assignment-others">
                {t("tablet.otherUnits")}:{" "}
                {others.length === 0 ? t("tablet.none") : others.map((other) => `${other.callSign} (${t(`unitStatus.${other.status}`)})`).join(", ")}
              </p>
            </>
          ) : (
            <h1 id="assignment-title" className="assignment-type idle">
              {t("tablet.noAssignment")}
            </h1>
          )}
        </section>

        <section className="status-buttons" aria-label={t("tablet.statusButtons")} aria-describedby={!incidentId ? "status-note" : undefined}>
          {!incidentId ? (
            <p className="status-note" id="status-note" data-testid="status-note" role="note">
              {t("tablet.noAssignmentSteps")}
            </p>
          ) : null}
          {CREW_STEPS.map((step) => {
            const isCurrent = step === currentStatus;
            const outOfOrder = !isCurrent && !isAllowedTransition(currentStatus, step);
            // Without an incident only "available" means anything: the others would be refused.
            const needsAssignment = step !== "available" && !incidentId;
            return (
              <button
                key={step}
                type="button"
                className={`big-button step step-${step}${isCurrent ? " current" : ""}${outOfOrder ? " out-of-order" : ""}`}
                data-testid={`status-${step}`}
                aria-pressed={isCurrent}
                disabled={needsAssignment}
                onClick={() => tap(step)}
              >
                {step === "acknowledged" ? t("tablet.acknowledge") : t(`unitStatus.${step}`)}
                {isCurrent ? <span className="current-mark"> ✓</span> : null}
              </button>
            );
          })}
        </section>

        <QueueList />

        {incident && onAssignment && incident.status === "open" ? <FiregroundPanel incident={incident} unitId={unitId} /> : null}

        <section className="tablet-map" aria-label={t("map.label")}>
          <MapView
            label={t("map.label")}
            center={(incident && positionOf(incident.location)) || config.mapCenter}
            zoom={incident ? 15 : config.mapZoom}
            tileUrl={config.tileUrl}
            tileAttribution={config.tileAttribution}
            incidents={incident ? [{ incident, urgent: true }] : []}
            units={unit ? [unit] : []}
            selectedIncidentId={incident?.id ?? null}
            focus={incident ? positionOf(incident.location) : null}
            zoomPosition="bottomright"
            showHoverHint={false}
          />
        </section>

        <section className="position-toggle">
          <label className="big-check">
            <input
              type="checkbox"
              data-testid="position-toggle"
              checked={reportPositions}
              onChange={(event) => tabletStore.getState().setReportPositions(event.target.checked)}
            />
            <span>{t("tablet.reportPosition")}</span>
          </label>
          <span className="hint">
            {positionError
              ? t("tablet.positionError", { message: positionError })
              : lastPositionSentAt
                ? t("tablet.positionSent", { time: clock(lastPositionSentAt) })
                : reportPositions && onAssignment
                  ? t("tablet.positionWaiting")
                  : ""}
          </span>
        </section>
      </main>

      <DispatchAlertOverlay onAcknowledge={() => enqueue("acknowledged", alert?.incidentId ?? incidentId)} />
      {confirming ? (
        <ConfirmDialog
          step={confirming}
          from={currentStatus}
          onCancel={() => setConfirming(null)}
          onConfirm={() => {
            enqueue(confirming);
            setConfirming(null);
          }}
        />
      ) : null}
    </div>
  );
}
