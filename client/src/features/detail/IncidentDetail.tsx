// The selected incident: intervals against the standard, calls, units, the full time line with both times,
// and the actions that change it (dispatch, merge, note, close).
import { useEffect, useMemo, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { useStore } from "zustand";
import { activeAssignments, type Assignment, type IncidentCall, type IncidentState } from "../../../../shared/incident";
import { isPlaced } from "../../../../shared/limits";
import { INCIDENT_PHASES, REPORTABLE_UNIT_STATUSES, type IncidentPhase, type ReportableUnitStatus } from "../../../../shared/domain";
import { ApiError } from "../../api/http";
import { incidentStore } from "../../app/stores";
import { useNow } from "../../app/useNow";
import { useTimeFormat } from "../../app/useTimeFormat";
import { consoleUiStore } from "../../console/consoleUiStore";
import { elapsedSeconds, formatLatLng } from "../../format/time";
import { ErrorText } from "../../ui/ErrorText";
import { TranslatedOptions } from "../../ui/TranslatedOptions";
import { DispatchPanel } from "../dispatch/DispatchPanel";
import { EvidenceBundleButton } from "../evidence/EvidenceButtons";
import { addNote, closeIncident, loadIncidentDetail, locateIncident, mergeIncident, recordPhase, setUnitStatus } from "../incidents/incidentActions";
import { useLostContact } from "../units/useLostContact";
import { describeEvent } from "./describeEvent";
import { FiregroundDetails } from "./FiregroundDetails";
import { RadioedDecision } from "./RadioedDecision";
import { RadioedCommand, RadioedWaterUse } from "./RadioedFireground";
import { IntervalTable } from "./IntervalTable";

/**
 * One unit on the incident. A dispatcher records a status reported by radio; an out-of-order step asks for a
 * reason right below the row (logged with the override), not in a browser prompt.
 */
function AssignmentRow({ assignment, lostSeconds }: { assignment: Assignment; lostSeconds: number | undefined }) {
  const { t } = useTranslation();
  const { clock, duration } = useTimeFormat();
  const [error, setError] = useState<unknown>(null);
  const [override, setOverride] = useState<ReportableUnitStatus | null>(null);
  const [reason, setReason] = useState("");
  const { unitId, status: current } = assignment;
  async function send(status: ReportableUnitStatus) {
    setError(null);
    try {
      await setUnitStatus(unitId, status);
    } catch (caught) {
      if (caught instanceof ApiError && caught.code === "invalid_transition") {
        setReason("");
        setOverride(status);
      } else setError(caught);
    }
  }
  async function sendOverride(event: FormEvent) {
    event.preventDefault();
    if (!override || !reason.trim()) return;
    try {
      await setUnitStatus(unitId, override, reason.trim());
      setOverride(null);
      setError(null);
    } catch (caught) {
      setError(caught);
    }
  }
  return (
    <>
      <tr data-testid="assignment" data-unit-id={unitId} data-status={current} className={assignment.active ? "" : "inactive"}>
        <td className="call-sign">{assignment.callSign}</td>
        <td>
          <span className={`chip status-${current}`}>{t(`unitStatus.${current}`)}</span>
          {!assignment.active ? <span className="hint"> ({t("detail.released")})</span> : null}
          {assignment.active && lostSeconds !== undefined ? (
            <span className="chip lost-contact-chip" data-testid="lost-contact">
              ⚠ {t("units.lostContact", { duration: duration(lostSeconds) })}
            </span>
          ) : null}
        </td>
        <td>{clock(assignment.dispatchedAt.occurredAt)}</td>
        <td>
          {assignment.active ? (
            <select
              aria-label={t("detail.setStatus")}
              data-testid="set-status"
              className="set-status"
              value=""
              onChange={(event) => {
                if (event.target.value) void send(event.target.value as ReportableUnitStatus);
              }}
            >
              <option value="">{t("detail.setStatus")}</option>
              <TranslatedOptions values={REPORTABLE_UNIT_STATUSES.filter((status) => status !== current)} prefix="unitStatus" />
            </select>
          ) : null}
        </td>
      </tr>
      {override || error ? (
        <tr className="assignment-extra">
          <td colSpan={4}>
            {override ? (
              <form className="override-form" data-testid="override-form" data-unit-id={unitId} onSubmit={(event) => void sendOverride(event)}>
                <label className="field">
                  <span>
                    {assignment.callSign}: {t("detail.overrideReason", { from: t(`unitStatus.${current}`), to: t(`unitStatus.${override}`) })}
                  </span>
                  <input data-testid="override-reason" autoFocus value={reason} onChange={(event) => setReason(event.target.value)} />
                </label>
                <button type="submit" className="button primary" data-testid="override-submit" disabled={!reason.trim()}>
                  {t("detail.overrideSubmit")}
                </button>
                <button type="button" className="button" onClick={() => setOverride(null)}>
                  {t("common.cancel")}
                </button>
              </form>
            ) : null}
            <ErrorText error={error} />
          </td>
        </tr>
      ) : null}
    </>
  );
}

/** What a transfer carried beyond the caller: the sending agent, answer time, callbacks, persons and notes. */
function TransferDetails({ transfer }: { transfer: NonNullable<IncidentCall["transfer"]> }) {
  const { t } = useTranslation();
  const { clock } = useTimeFormat();
  const lines: string[] = [];
  if (transfer.fromAgent) lines.push(t("detail.transferAgent", { agent: transfer.fromAgent }));
  if (transfer.answeredAt) lines.push(t("detail.transferAnswered", { time: clock(transfer.answeredAt) }));
  if (transfer.callbackUris?.length) lines.push(t("detail.transferCallback", { uris: transfer.callbackUris.join(", ") }));
  for (const person of transfer.persons ?? []) {
    lines.push(`${person.roles.join(", ") || t("detail.person")}: ${person.name ?? "—"}${person.callbackUris?.length ? ` (${person.callbackUris.join(", ")})` : ""}`);
  }
  if (transfer.notes) lines.push(transfer.notes);
  if (lines.length === 0) return null;
  return (
    <div className="hint transfer-details" data-testid="transfer-details">
      {lines.map((line, index) => (
        <div key={index}>{line}</div>
      ))}
    </div>
  );
}

/**
 * An address-only transfer is marked until the dispatcher places it: click the spot on the map, then confirm.
 * Recommendations and the distance part of duplicate matching wait for that position.
 */
function PlaceOnMap({ incident }: { incident: IncidentState }) {
  const { t } = useTranslation();
  const pick = useStore(consoleUiStore, (state) => state.mapPick);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  if (isPlaced(incident.location)) return null;
  const open = incident.status === "open";
  return (
    <div className="banner position-unconfirmed" role="status" data-testid="position-unconfirmed">
      <strong>{t("detail.positionUnconfirmed")}</strong>{" "}
      {open ? (
        <>
          <span className="hint">{pick ? t("detail.placeHere", { position: formatLatLng(pick.position.lat, pick.position.lng) }) : t("detail.placeHint")}</span>{" "}
          <button
            type="button"
            className="button"
            data-testid="place-incident"
            disabled={!pick || busy}
            onClick={() => {
              if (!pick) return;
              setBusy(true);
              setError(null);
              locateIncident(incident.id, pick.position)
                .catch(setError)
                .finally(() => setBusy(false));
            }}
          >
            {t("detail.place")}
          </button>
        </>
      ) : null}
      <ErrorText error={error} />
    </div>
  );
}

function MergeAction({ incident }: { incident: IncidentState }) {
  const { t } = useTranslation();
  const incidents = useStore(incidentStore, (state) => state.byId);
  const targets = useMemo(
    () => Object.values(incidents).filter((other) => other.status === "open" && other.id !== incident.id).sort((a, b) => a.number.localeCompare(b.number)),
    [incidents, incident.id],
  );
  const [into, setInto] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  if (incident.status !== "open") return null;
  return (
    <div className="merge">
      <label className="field inline-field">
        <span>{t("detail.mergeInto")}</span>
        <select data-testid="merge-target" value={into} onChange={(event) => setInto(event.target.value)}>
          <option value="">{t("detail.chooseIncident")}</option>
          {targets.map((target) => (
            <option key={target.id} value={target.id}>
              {target.number} · {t(`incidentType.${target.incidentType}`)} · {target.location.address ?? ""}
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        className="button"
        data-testid="merge-submit"
        disabled={!into || busy}
        onClick={() => {
          setBusy(true);
          setError(null);
          mergeIncident(incident.id, into)
            .then((result) => consoleUiStore.getState().select(result.into.id))
            .catch(setError)
            .finally(() => setBusy(false));
        }}
      >
        {t("detail.merge")}
      </button>
      <ErrorText error={error} />
    </div>
  );
}

function NoteAndClose({ incident }: { incident: IncidentState }) {
  const { t } = useTranslation();
  const [text, setText] = useState("");
  const [phase, setPhase] = useState<IncidentPhase | "">("");
  const [error, setError] = useState<unknown>(null);
  if (incident.status !== "open") return null;
  const stillAssigned = activeAssignments(incident).map((assignment) => assignment.callSign);
  return (
    <div className="note-close">
      <form
        className="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          if (!phase) return;
          recordPhase(incident.id, phase)
            .then(() => setPhase(""))
            .catch(setError);
        }}
      >
        <label className="field grow">
          <span className="visually-hidden">{t("detail.phase")}</span>
          <select aria-label={t("detail.phase")} data-testid="phase-select" value={phase} onChange={(event) => setPhase(event.target.value as IncidentPhase | "")}>
            <option value="">{t("detail.phase")}</option>
            <TranslatedOptions values={INCIDENT_PHASES.filter((candidate) => incident.phases[candidate] === undefined)} prefix="phase" />
          </select>
        </label>
        <button type="submit" className="button" data-testid="phase-submit" disabled={!phase}>
          {t("detail.recordPhase")}
        </button>
      </form>
      <form
        className="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          if (!text.trim()) return;
          addNote(incident.id, text.trim())
            .then(() => setText(""))
            .catch(setError);
        }}
      >
        <label className="field grow">
          <span className="visually-hidden">{t("detail.note")}</span>
          <input placeholder={t("detail.note")} aria-label={t("detail.note")} value={text} onChange={(event) => setText(event.target.value)} />
        </label>
        <button type="submit" className="button">
          {t("detail.addNote")}
        </button>
      </form>
      {stillAssigned.length > 0 ? (
        <p className="hint close-blocked" data-testid="close-blocked">
          {t("detail.closeBlocked", { units: stillAssigned.join(", ") })}
        </p>
      ) : null}
      <button
        type="button"
        className="button danger"
        data-testid="close-incident"
        // Closing is refused while units are assigned: say so before the click, not after it.
        disabled={stillAssigned.length > 0}
        onClick={() => {
          if (!window.confirm(t("detail.closeConfirm", { number: incident.number }))) return;
          closeIncident(incident.id).catch(setError);
        }}
      >
        {t("detail.close")}
      </button>
      <ErrorText error={error} />
    </div>
  );
}

export function IncidentDetail() {
  const { t } = useTranslation();
  const selectedId = useStore(consoleUiStore, (state) => state.selectedIncidentId);
  const incident = useStore(incidentStore, (state) => (selectedId ? state.byId[selectedId] : undefined));
  const events = useStore(incidentStore, (state) => (selectedId ? state.eventsById[selectedId] : undefined));
  const [error, setError] = useState<unknown>(null);
  const { clock, dateTime, duration, zone } = useTimeFormat();
  const now = useNow(1000);
  const hasHistory = events !== undefined;
  const lostContact = useLostContact();

  useEffect(() => {
    if (!selectedId || hasHistory) return;
    let current = true;
    loadIncidentDetail(selectedId)
      .then(() => {
        if (current) setError(null);
      })
      .catch((caught: unknown) => {
        if (current) setError(caught);
      });
    return () => {
      current = false;
    };
  }, [selectedId, hasHistory]);

  if (!selectedId || !incident) {
    return (
      <section className="panel detail empty" aria-labelledby="detail-title">
        <h2 id="detail-title">{t("detail.title")}</h2>
        <p className="hint">{t("detail.none")}</p>
        <ErrorText error={error} />
      </section>
    );
  }

  return (
    <section className="panel detail" aria-labelledby="detail-title" data-testid="incident-detail" data-incident-id={incident.id}>
      <div className="panel-head">
        <h2 id="detail-title">
          <span data-testid="detail-number">{incident.number}</span> · {t(`incidentType.${incident.incidentType}`)}
        </h2>
        <span className={`chip incident-status-${incident.status}`} data-testid="detail-status">
          {t(`incidentStatus.${incident.status}`)}
        </span>
      </div>
      <p className="detail-address">
        {incident.location.address ?? "—"}{" "}
        {isPlaced(incident.location) ? (
          <span className="hint">({incident.location.lat.toFixed(5)}, {incident.location.lng.toFixed(5)})</span>
        ) : null}
      </p>
      <PlaceOnMap incident={incident} />
      <p className="hint">
        <span data-testid="detail-received">{t("detail.received", { time: `${dateTime(incident.receivedAt)} ${zone(incident.receivedAt)}` })}</span> ·{" "}
        <span data-testid="detail-age">{t("detail.age", { duration: duration(elapsedSeconds(incident.receivedAt, now)) })}</span>
      </p>
      {incident.description ? <p className="description">{incident.description}</p> : null}
      {incident.mergedInto ? (
        <p className="banner">
          {t("detail.mergedInto")}{" "}
          <button type="button" className="link-button" onClick={() => consoleUiStore.getState().select(incident.mergedInto ?? null)}>
            {incident.mergedInto}
          </button>
        </p>
      ) : null}

      <p className="command-line" data-testid="detail-command">
        <strong>{t("fireground.inCommand")}:</strong>{" "}
        {incident.command
          ? `${incident.command.name} (${t(`icsRole.${incident.command.icsRole}`)}), ${incident.command.callSign} · ${clock(incident.command.since.occurredAt)}`
          : t("fireground.noCommand")}
        {incident.strategy ? (
          <>
            {" · "}
            <strong>{t("fireground.strategy")}:</strong> <span data-testid="detail-strategy">{t(`strategy.${incident.strategy}`)}</span>
          </>
        ) : null}
      </p>

      <DispatchPanel incident={incident} />
      <EvidenceBundleButton incidentId={incident.id} />

      <h3>{t("detail.intervals")}</h3>
      <IntervalTable incident={incident} />

      <h3>{t("detail.units")}</h3>
      <table className="assignments" data-testid="assignments">
        <thead>
          <tr>
            <th scope="col">{t("units.callSign")}</th>
            <th scope="col">{t("units.status")}</th>
            <th scope="col">
              {t("detail.dispatchedAt")} <span className="hint">({zone()})</span>
            </th>
            <th scope="col">
              <span className="visually-hidden">{t("detail.setStatus")}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {incident.assignments.map((assignment, index) => (
            <AssignmentRow key={`${assignment.unitId}:${index}`} assignment={assignment} lostSeconds={assignment.active ? lostContact.get(assignment.unitId) : undefined} />
          ))}
        </tbody>
      </table>

      <h3>{t("detail.calls", { count: incident.calls.length })}</h3>
      <ul className="calls" data-testid="calls">
        {incident.calls.map((call) => (
          <li key={call.callId} data-testid="call">
            <span className="time">{clock(call.receivedAt)}</span> {call.callerNumber ?? "—"} {call.callerName ? `(${call.callerName})` : ""}
            {call.transfer ? <span className="chip"> {t("detail.transferFrom", { center: call.transfer.fromCenter, externalId: call.transfer.externalId })}</span> : null}
            {call.transfer ? <TransferDetails transfer={call.transfer} /> : null}
            {call.mergedFrom ? <span className="hint"> {t("detail.callMerged")}</span> : null}
            {call.description ? <div className="hint">{call.description}</div> : null}
          </li>
        ))}
      </ul>

      <h3>{t("detail.timeline")}</h3>
      {events ? (
        <table className="timeline" data-testid="timeline">
          <thead>
            <tr>
              <th scope="col">
                {t("detail.occurredAt")} <span className="hint">({zone()})</span>
              </th>
              <th scope="col">
                {t("detail.recordedAt")} <span className="hint">({zone()})</span>
              </th>
              <th scope="col">{t("detail.event")}</th>
              <th scope="col">{t("detail.by")}</th>
            </tr>
          </thead>
          <tbody>
            {events.map((event) => {
              const flagged = event.type === "incident.water_use" && event.payload.flagged;
              return (
              <tr
                key={event.seq}
                data-testid="timeline-event"
                data-type={event.type}
                data-seq={event.seq}
                data-flagged={flagged ? "true" : undefined}
                className={flagged ? "flagged" : event.type === "incident.decision" ? "decision" : undefined}
              >
                <td className="time">{clock(event.occurredAt)}</td>
                <td className="time recorded">{clock(event.recordedAt)}</td>
                <td>
                  <span className="seq">#{event.seq}</span> {describeEvent(t, event, incident)}
                  {event.source !== "live" ? <span className="chip"> {t(`source.${event.source}`)}</span> : null}
                  <FiregroundDetails event={event} incident={incident} />
                </td>
                <td className="hint">{event.actor.username}</td>
              </tr>
              );
            })}
          </tbody>
        </table>
      ) : (
        <p className="hint">{t("common.loading")}</p>
      )}
      <ErrorText error={error} />

      <RadioedCommand incident={incident} />
      <RadioedDecision incident={incident} />
      <RadioedWaterUse incident={incident} />
      <MergeAction incident={incident} />
      <NoteAndClose incident={incident} />
    </section>
  );
}
