// Who took command and what went on the fire, as radioed in and entered at the console: the tablet's forms for a
// crew whose tablet is down or who reports by radio. The server applies the same water-use guard and marks the
// water use `recordedFor` (the named person, else whoever is in command); the command record names the dispatcher
// who entered it as its actor.
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { AGENTS, FIRE_CLASSES, ICS_ROLES, NOZZLE_PATTERNS, waterUseConcerns, type Agent, type FireClass, type IcsRole, type NozzlePattern } from "../../../../shared/decisions";
import { activeAssignments, type IncidentState } from "../../../../shared/incident";
import { LIMITS } from "../../../../shared/limits";
import { ErrorText } from "../../ui/ErrorText";
import { TranslatedOptions } from "../../ui/TranslatedOptions";
import { recordRadioedCommand, recordRadioedWaterUse } from "../incidents/incidentActions";

/** Who radioed it in; empty means whoever is in command (the server names them). */
export function RadioedByField({ incident, value, onChange, testId }: { incident: IncidentState; value: string; onChange: (name: string) => void; testId: string }) {
  const { t } = useTranslation();
  return (
    <label className="field">
      <span>{t("radioedDecision.radioedBy")}</span>
      <input
        data-testid={testId}
        value={value}
        maxLength={LIMITS.shortText}
        placeholder={incident.command ? incident.command.name : ""}
        onChange={(event) => onChange(event.target.value)}
      />
    </label>
  );
}

/** Runs one save at a time and keeps its error for the form. */
export function useSave() {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const run = (save: () => Promise<unknown>, done: () => void) => {
    setBusy(true);
    setError(null);
    save()
      .then(done)
      .catch(setError)
      .finally(() => setBusy(false));
  };
  return { error, busy, run };
}

function UnitSelect({ incident, value, onChange, testId, label }: { incident: IncidentState; value: string; onChange: (unitId: string) => void; testId: string; label: string }) {
  const { t } = useTranslation();
  return (
    <label className="field">
      <span>{label}</span>
      <select data-testid={testId} value={value} onChange={(event) => onChange(event.target.value)}>
        <option value="">—</option>
        {activeAssignments(incident).map((assignment) => (
          <option key={assignment.unitId} value={assignment.unitId}>
            {assignment.callSign} · {t(`unitStatus.${assignment.status}`)}
          </option>
        ))}
      </select>
    </label>
  );
}

export function RadioedCommand({ incident }: { incident: IncidentState }) {
  const { t } = useTranslation();
  const [name, setName] = useState("");
  const [icsRole, setIcsRole] = useState<IcsRole>("incident_commander");
  const [unitId, setUnitId] = useState("");
  const { error, busy, run } = useSave();
  if (incident.status !== "open" || activeAssignments(incident).length === 0) return null;
  const ready = name.trim() !== "" && unitId !== "";

  return (
    <details className="radioed-decision" data-testid="radioed-command">
      <summary>{t("radioedCommand.title")}</summary>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!ready) return;
          run(
            () => recordRadioedCommand(incident.id, { commanderName: name.trim(), icsRole, unitId }),
            () => setName(""),
          );
        }}
      >
        <div className="field-row">
          <label className="field">
            <span>{t("commandForm.name")}</span>
            <input data-testid="radioed-command-name" value={name} maxLength={LIMITS.shortText} onChange={(event) => setName(event.target.value)} />
          </label>
          <label className="field">
            <span>{t("commandForm.role")}</span>
            <select data-testid="radioed-command-role" value={icsRole} onChange={(event) => setIcsRole(event.target.value as IcsRole)}>
              <TranslatedOptions values={ICS_ROLES} prefix="icsRole" />
            </select>
          </label>
          <UnitSelect incident={incident} value={unitId} onChange={setUnitId} testId="radioed-command-unit" label={t("commandForm.unit")} />
        </div>
        <button type="submit" className="button primary" data-testid="radioed-command-submit" disabled={!ready || busy}>
          {t("commandForm.save")}
        </button>
        <ErrorText error={error} />
      </form>
    </details>
  );
}

export function RadioedWaterUse({ incident }: { incident: IncidentState }) {
  const { t } = useTranslation();
  const [unitId, setUnitId] = useState("");
  const [flame, setFlame] = useState<"" | "yes" | "no">("");
  const [fireClass, setFireClass] = useState<FireClass | "">("");
  const [agent, setAgent] = useState<Agent>("water");
  const [nozzle, setNozzle] = useState<NozzlePattern>("fog");
  const [estimate, setEstimate] = useState("");
  const [reason, setReason] = useState("");
  const [radioedBy, setRadioedBy] = useState("");
  const { error, busy, run } = useSave();
  if (incident.status !== "open" || activeAssignments(incident).length === 0) return null;

  const concerns = flame !== "" && fireClass !== "" ? waterUseConcerns({ agent, fireClass, flameVisible: flame === "yes" }) : [];
  const flagged = concerns.length > 0;
  const ready =
    unitId !== "" && flame !== "" && fireClass !== "" && (!flagged || reason.trim() !== "") && (incident.command !== undefined || radioedBy.trim() !== "");

  function submit() {
    if (!ready) return;
    const litres = Number.parseInt(estimate, 10);
    run(
      () =>
        recordRadioedWaterUse(incident.id, {
          unitId,
          agent,
          nozzle,
          fireClass,
          flameVisible: flame === "yes",
          ...(Number.isInteger(litres) ? { waterEstimateL: litres } : {}),
          ...(flagged ? { reason: reason.trim() } : {}),
          ...(radioedBy.trim() ? { recordedFor: { name: radioedBy.trim() } } : {}),
        }),
      () => {
        setFlame("");
        setFireClass("");
        setEstimate("");
        setReason("");
      },
    );
  }

  return (
    <details className="radioed-decision" data-testid="radioed-water">
      <summary>{t("radioedWater.title")}</summary>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        <div className="field-row">
          <UnitSelect incident={incident} value={unitId} onChange={setUnitId} testId="radioed-water-unit" label={t("radioedWater.unit")} />
          <label className="field">
            <span>{t("waterForm.flame")}</span>
            <select data-testid="radioed-water-flame" value={flame} onChange={(event) => setFlame(event.target.value as "" | "yes" | "no")}>
              <option value="">—</option>
              <option value="yes">{t("waterForm.yes")}</option>
              <option value="no">{t("waterForm.no")}</option>
            </select>
          </label>
          <label className="field">
            <span>{t("waterForm.fireClass")}</span>
            <select data-testid="radioed-water-class" value={fireClass} onChange={(event) => setFireClass(event.target.value as FireClass | "")}>
              <option value="">—</option>
              <TranslatedOptions values={FIRE_CLASSES} prefix="fireClass" />
            </select>
          </label>
        </div>
        <div className="field-row">
          <label className="field">
            <span>{t("waterForm.agent")}</span>
            <select data-testid="radioed-water-agent" value={agent} onChange={(event) => setAgent(event.target.value as Agent)}>
              <TranslatedOptions values={AGENTS} prefix="agent" />
            </select>
          </label>
          <label className="field">
            <span>{t("waterForm.nozzle")}</span>
            <select value={nozzle} onChange={(event) => setNozzle(event.target.value as NozzlePattern)}>
              <TranslatedOptions values={NOZZLE_PATTERNS} prefix="nozzle" />
            </select>
          </label>
          <label className="field">
            <span>{t("waterForm.estimate")}</span>
            <input inputMode="numeric" value={estimate} onChange={(event) => setEstimate(event.target.value.replace(/\D/g, "").slice(0, 8))} />
          </label>
        </div>
        <RadioedByField incident={incident} value={radioedBy} onChange={setRadioedBy} testId="radioed-water-by" />
        {flagged ? (
          <div className="water-warning" role="alert" data-testid="radioed-water-warning">
            <p>⚠ {t("waterForm.warning", { concerns: concerns.map((concern) => t(`waterConcern.${concern}`)).join("; ") })}</p>
            <label className="field">
              <span>{t("waterForm.reason")}</span>
              <textarea data-testid="radioed-water-reason" rows={2} maxLength={LIMITS.reason} value={reason} onChange={(event) => setReason(event.target.value)} />
            </label>
          </div>
        ) : null}
        {!incident.command && !radioedBy.trim() ? <p className="hint">{t("radioedDecision.nameNeeded")}</p> : null}
        <button type="submit" className="button primary" data-testid="radioed-water-submit" disabled={!ready || busy}>
          {flagged ? t("waterForm.saveFlagged") : t("waterForm.save")}
        </button>
        <ErrorText error={error} />
      </form>
    </details>
  );
}
