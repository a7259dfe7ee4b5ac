// The fireground on the tablet: benchmarks with one tap, notes, command, the decision screen and the water-use
// guard. Everything goes through the offline queue with the time of the tap, so a crew without coverage loses
// nothing and the record keeps when it happened, not when the network came back.
import { useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { useStore } from "zustand";
import {
  AGENTS,
  DECISION_FACTORS,
  DECISION_TYPES,
  decisionFromForm,
  FIRE_CLASSES,
  ICS_ROLES,
  LEGAL_BASES,
  NOZZLE_PATTERNS,
  SUGGESTED_LEGAL_BASIS,
  waterUseConcerns,
  type Agent,
  type DecisionFactor,
  type DecisionType,
  type FireClass,
  type IcsRole,
  type LegalBasis,
  type NozzlePattern,
} from "../../../shared/decisions";
import { INCIDENT_PHASES, type IncidentPhase } from "../../../shared/domain";
import type { IncidentEvent } from "../../../shared/events";
import { activeAssignments, type DecisionRecord, type IncidentState } from "../../../shared/incident";
import { LIMITS } from "../../../shared/limits";
import { incidentStore } from "../app/stores";
import { useTimeFormat } from "../app/useTimeFormat";
import { describeEvent } from "../features/detail/describeEvent";
import { FiregroundDetails } from "../features/detail/FiregroundDetails";
import { readJson, STORAGE_KEYS, writeJson } from "../lib/storage";
import type { FiregroundAction, QueuedAction } from "./offlineQueue";
import { tabletQueue, tabletStorage } from "./tabletStore";

type TFunction = ReturnType<typeof useTranslation>["t"];

/** What a queued action is, in the crew's language (the queue list). */
export function describeQueued(t: TFunction, action: QueuedAction): string {
  switch (action.kind) {
    case "dispatch.ack":
      return t("tablet.acknowledge");
    case "unit.status":
      return t(`unitStatus.${action.payload.status}`);
    case "incident.phase":
      return t(`phase.${action.payload.phase}`);
    case "incident.note":
      return `${t("fireground.note")}: ${action.payload.text}`;
    case "incident.command":
      return `${t("fireground.inCommand")}: ${action.payload.commanderName}`;
    case "incident.decision":
      return t("timeline.decision", { type: t(`decisionType.${action.payload.decisionType}`) });
    case "incident.water_use":
      return `${t(`agent.${action.payload.agent}`)} · ${action.payload.fireClass}`;
  }
}

function enqueue(action: FiregroundAction): void {
  tabletQueue.getState().enqueue(action);
}

const newOp = () => ({ opId: crypto.randomUUID(), occurredAt: new Date().toISOString() });

/** A row of big toggle buttons: one choice (or several with `multiple`). */
function Choices<T extends string>({
  name,
  options,
  selected,
  onToggle,
  label,
  testId,
}: {
  name: string;
  options: readonly T[];
  selected: readonly T[];
  onToggle: (value: T) => void;
  label: (value: T) => string;
  testId: (value: T) => string;
}) {
  return (
    <div className="choices" role="group" aria-label={name}>
      {options.map((option) => (
        <button
          key={option}
          type="button"
          className="big-button choice"
          aria-pressed={selected.includes(option)}
          data-testid={testId(option)}
          onClick={() => onToggle(option)}
        >
          {label(option)}
        </button>
      ))}
    </div>
  );
}

function Sheet({ title, testId, children, onClose }: { title: string; testId: string; children: ReactNode; onClose: () => void }) {
  const { t } = useTranslation();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <div className="sheet-backdrop">
      <div className="sheet" role="dialog" aria-modal="true" aria-labelledby={`${testId}-title`} data-testid={testId}>
        <div className="sheet-head">
          <h2 id={`${testId}-title`} ref={heading} tabIndex={-1}>
            {title}
          </h2>
          <button type="button" className="big-button secondary" data-testid={`${testId}-cancel`} onClick={onClose}>
            {t("common.cancel")}
          </button>
        </div>
        {children}
      </div>
    </div>
  );
}

export function DecisionScreen({ incidentId, correcting, onClose }: { incidentId: string; correcting?: DecisionRecord; onClose: () => void }) {
  const { t } = useTranslation();
  // The time the commander turned to record it is the time it was decided, however long the typing takes.
  const [opened] = useState(newOp);
  const [decisionType, setDecisionType] = useState<DecisionType | null>(correcting?.decisionType ?? null);
  const [factors, setFactors] = useState<DecisionFactor[]>(correcting?.factors ?? []);
  const [reason, setReason] = useState(correcting?.reason ?? "");
  const [radius, setRadius] = useState(correcting?.evacuationRadiusM !== undefined ? String(correcting.evacuationRadiusM) : "");
  const [legalBasis, setLegalBasis] = useState<LegalBasis | null>(correcting?.legalBasis ?? null);
  const [property, setProperty] = useState(correcting?.propertyAffected?.description ?? "");
  const [owner, setOwner] = useState(correcting?.propertyAffected?.owner ?? "");
  const [publicCandidate, setPublicCandidate] = useState(correcting?.publicCandidate ?? false);

  const decision = decisionFromForm({ decisionType, reason, factors, publicCandidate, legalBasis, property, owner, radius });

  function chooseType(type: DecisionType) {
    setDecisionType(type);
    const suggested = SUGGESTED_LEGAL_BASIS[type];
    if (suggested && legalBasis === null) setLegalBasis(suggested);
  }

  function save() {
    if (!decision) return;
    enqueue({ kind: "incident.decision", payload: { ...opened, incidentId, ...decision, ...(correcting ? { corrects: correcting.seq } : {}) } });
    onClose();
  }

  return (
    <Sheet title={t("decisionForm.title")} testId="decision-screen" onClose={onClose}>
      {correcting ? <p className="banner correcting">{t("decisionForm.correcting", { seq: correcting.seq })}</p> : null}
      <fieldset>
        <legend>{t("decisionForm.type")}</legend>
        <Choices
          name={t("decisionForm.type")}
          options={DECISION_TYPES}
          selected={decisionType ? [decisionType] : []}
          onToggle={chooseType}
          label={(type) => t(`decisionType.${type}`)}
          testId={(type) => `decision-type-${type}`}
        />
      </fieldset>
      <fieldset>
        <legend>{t("decisionForm.factors")}</legend>
        <Choices
          name={t("decisionForm.factors")}
          options={DECISION_FACTORS}
          selected={factors}
          onToggle={(factor) => setFactors((current) => (current.includes(factor) ? current.filter((f) => f !== factor) : [...current, factor]))}
          label={(factor) => t(`factor.${factor}`)}
          testId={(factor) => `factor-${factor}`}
        />
      </fieldset>
      <label className="big-field">
        <span>{t("decisionForm.reason")}</span>
        <textarea
          data-testid="decision-reason"
          value={reason}
          maxLength={LIMITS.reason}
          rows={3}
          aria-invalid={reason.trim() ? undefined : true}
          onChange={(event) => setReason(event.target.value)}
        />
      </label>
      {decisionType === "evacuation" ? (
        <label className="big-field">
          <span>{t("decisionForm.radius")}</span>
          <input data-testid="decision-radius" inputMode="numeric" value={radius} onChange={(event) => setRadius(event.target.value.replace(/\D/g, ""))} />
        </label>
      ) : null}
      <fieldset>
        <legend>{t("decisionForm.legalBasis")}</legend>
        <div className="choices" role="group" aria-label={t("decisionForm.legalBasis")}>
          <button type="button" className="big-button choice" aria-pressed={legalBasis === null} data-testid="legal-none" onClick={() => setLegalBasis(null)}>
            {t("decisionForm.noLegalBasis")}
          </button>
          {LEGAL_BASES.map((basis) => (
            <button key={basis} type="button" className="big-button choice" aria-pressed={legalBasis === basis} data-testid={`legal-${basis}`} onClick={() => setLegalBasis(basis)}>
              {t(`legalBasis.${basis}`)}
            </button>
          ))}
        </div>
      </fieldset>
      <div className="field-pair">
        <label className="big-field">
          <span>{t("decisionForm.property")}</span>
          <input data-testid="property-description" value={property} maxLength={LIMITS.reason} onChange={(event) => setProperty(event.target.value)} />
        </label>
        <label className="big-field">
          <span>{t("decisionForm.owner")}</span>
          <input data-testid="property-owner" value={owner} maxLength={LIMITS.shortText} disabled={!property.trim()} onChange={(event) => setOwner(event.target.value)} />
        </label>
      </div>
      <label className="big-check">
        <input type="checkbox" data-testid="public-candidate" checked={publicCandidate} onChange={(event) => setPublicCandidate(event.target.checked)} />
        <span>{t("decisionForm.publicCandidate")}</span>
      </label>
      <div className="sheet-actions">
        <button type="button" className="big-button primary-action" data-testid="decision-save" disabled={!decision} onClick={save}>
          {t("decisionForm.save")}
        </button>
        {!reason.trim() && decisionType ? <span className="field-error">{t("decisionForm.reasonMissing")}</span> : null}
      </div>
    </Sheet>
  );
}

export function WaterDialog({ incidentId, unitId, onClose }: { incidentId: string; unitId: string; onClose: () => void }) {
  const { t } = useTranslation();
  const [opened] = useState(newOp);
  const [flameVisible, setFlameVisible] = useState<boolean | null>(null);
  const [fireClass, setFireClass] = useState<FireClass | null>(null);
  const [agent, setAgent] = useState<Agent>("water");
  const [nozzle, setNozzle] = useState<NozzlePattern>("fog");
  const [estimate, setEstimate] = useState("");
  const [reason, setReason] = useState("");
  const answered = flameVisible !== null && fireClass !== null;
  const concerns = answered ? waterUseConcerns({ agent, fireClass, flameVisible }) : [];
  const flagged = concerns.length > 0;
  const ready = answered && (!flagged || reason.trim().length > 0);

  function save() {
    if (!ready || flameVisible === null || fireClass === null) return;
    const litres = Number.parseInt(estimate, 10);
    enqueue({
      kind: "incident.water_use",
      payload: {
        ...opened,
        incidentId,
        unitId,
        agent,
        nozzle,
        fireClass,
        flameVisible,
        ...(Number.isInteger(litres) ? { waterEstimateL: litres } : {}),
        ...(flagged ? { reason: reason.trim() } : {}),
      },
    });
    onClose();
  }

  return (
    <Sheet title={t("waterForm.title")} testId="water-dialog" onClose={onClose}>
      <fieldset>
        <legend>{t("waterForm.flame")}</legend>
        <div className="choices two" role="group" aria-label={t("waterForm.flame")}>
          <button type="button" className="big-button choice" aria-pressed={flameVisible === true} data-testid="flame-yes" onClick={() => setFlameVisible(true)}>
            {t("waterForm.yes")}
          </button>
          <button type="button" className="big-button choice" aria-pressed={flameVisible === false} data-testid="flame-no" onClick={() => setFlameVisible(false)}>
            {t("waterForm.no")}
          </button>
        </div>
      </fieldset>
      <fieldset>
        <legend>{t("waterForm.fireClass")}</legend>
        <Choices name={t("waterForm.fireClass")} options={FIRE_CLASSES} selected={fireClass ? [fireClass] : []} onToggle={setFireClass} label={(value) => t(`fireClass.${value}`)} testId={(value) => `class-${value}`} />
      </fieldset>
      <fieldset>
        <legend>{t("waterForm.agent")}</legend>
        <Choices name={t("waterForm.agent")} options={AGENTS} selected={[agent]} onToggle={setAgent} label={(value) => t(`agent.${value}`)} testId={(value) => `agent-${value}`} />
      </fieldset>
      <fieldset>
        <legend>{t("waterForm.nozzle")}</legend>
        <Choices name={t("waterForm.nozzle")} options={NOZZLE_PATTERNS} selected={[nozzle]} onToggle={setNozzle} label={(value) => t(`nozzle.${value}`)} testId={(value) => `nozzle-${value}`} />
      </fieldset>
      <label className="big-field">
        <span>{t("waterForm.estimate")}</span>
        <input data-testid="water-estimate" inputMode="numeric" value={estimate} onChange={(event) => setEstimate(event.target.value.replace(/\D/g, "").slice(0, 8))} />
      </label>
      {flagged ? (
        <div className="water-warning" role="alert" data-testid="water-warning">
          <p>⚠ {t("waterForm.warning", { concerns: concerns.map((concern) => t(`waterConcern.${concern}`)).join("; ") })}</p>
          <label className="big-field">
            <span>{t("waterForm.reason")}</span>
            <textarea data-testid="water-reason" rows={2} maxLength={LIMITS.reason} value={reason} onChange={(event) => setReason(event.target.value)} />
          </label>
        </div>
      ) : null}
      <div className="sheet-actions">
        <button type="button" className={`big-button primary-action${flagged ? " flagged-action" : ""}`} data-testid="water-save" disabled={!ready} onClick={save}>
          {flagged ? t("waterForm.saveFlagged") : t("waterForm.save")}
        </button>
      </div>
    </Sheet>
  );
}

export function CommandDialog({ incident, unitId, onClose }: { incident: IncidentState; unitId: string; onClose: () => void }) {
  const { t } = useTranslation();
  const [opened] = useState(newOp);
  const [name, setName] = useState(() => readJson(tabletStorage, STORAGE_KEYS.commanderName, (v): v is string => typeof v === "string") ?? "");
  const [icsRole, setIcsRole] = useState<IcsRole>("incident_commander");
  const units = activeAssignments(incident);
  const [commandUnit, setCommandUnit] = useState(unitId);
  const ready = name.trim().length > 0;

  function save() {
    if (!ready) return;
    writeJson(tabletStorage, STORAGE_KEYS.commanderName, name.trim());
    enqueue({ kind: "incident.command", payload: { ...opened, incidentId: incident.id, unitId: commandUnit, commanderName: name.trim(), icsRole } });
    onClose();
  }

  return (
    <Sheet title={t("commandForm.title")} testId="command-dialog" onClose={onClose}>
      <label className="big-field">
        <span>{t("commandForm.name")}</span>
        <input data-testid="command-name" value={name} maxLength={LIMITS.shortText} onChange={(event) => setName(event.target.value)} />
      </label>
      <fieldset>
        <legend>{t("commandForm.role")}</legend>
        <Choices name={t("commandForm.role")} options={ICS_ROLES} selected={[icsRole]} onToggle={setIcsRole} label={(role) => t(`icsRole.${role}`)} testId={(role) => `command-role-${role}`} />
      </fieldset>
      <label className="big-field">
        <span>{t("commandForm.unit")}</span>
        <select data-testid="command-unit" value={commandUnit} onChange={(event) => setCommandUnit(event.target.value)}>
          {units.map((assignment) => (
            <option key={assignment.unitId} value={assignment.unitId}>
              {assignment.callSign}
            </option>
          ))}
        </select>
      </label>
      <div className="sheet-actions">
        <button type="button" className="big-button primary-action" data-testid="command-save" disabled={!ready} onClick={save}>
          {t("commandForm.save")}
        </button>
      </div>
    </Sheet>
  );
}

/** This unit's own steps with their times, newest first: statuses, benchmarks, notes, command, decisions. */
function OwnSteps({ incident, unitId, onCorrect }: { incident: IncidentState; unitId: string; onCorrect: (decision: DecisionRecord) => void }) {
  const { t } = useTranslation();
  const { clock } = useTimeFormat();
  const events = useStore(incidentStore, (state) => state.eventsById[incident.id]);
  const own = useMemo(() => {
    if (!events) return null;
    const mine = (event: IncidentEvent) =>
      event.actor.unitId === unitId ||
      ((event.type === "unit.dispatched" || event.type === "unit.status") && event.payload.unitId === unitId);
    return events.filter(mine).reverse();
  }, [events, unitId]);
  const assignment = incident.assignments.filter((candidate) => candidate.unitId === unitId).at(-1);

  return (
    <section className="own-steps" aria-labelledby="own-steps-title" data-testid="own-steps">
      <h2 id="own-steps-title">{t("fireground.ownSteps")}</h2>
      {own ? (
        own.length === 0 ? (
          <p className="hint">{t("fireground.noSteps")}</p>
        ) : (
          <ol>
            {own.map((event) => {
              const decision = event.type === "incident.decision" ? (incident.decisions ?? []).find((entry) => entry.seq === event.seq) : undefined;
              const flagged = event.type === "incident.water_use" && event.payload.flagged;
              return (
                <li key={event.seq} className={`own-step${flagged ? " flagged" : ""}`} data-testid="own-step" data-type={event.type} data-flagged={flagged ? "true" : undefined}>
                  <span className="own-step-time">{clock(event.occurredAt)}</span>
                  <div className="own-step-what">
                    <span>{describeEvent(t, event, incident)}</span>
                    <FiregroundDetails event={event} incident={incident} />
                  </div>
                  {decision ? (
                    <button type="button" className="big-button secondary" data-testid="correct-decision" onClick={() => onCorrect(decision)}>
                      {t("fireground.correct")}
                    </button>
                  ) : null}
                </li>
              );
            })}
          </ol>
        )
      ) : assignment ? (
        // Offline after a reload: the snapshot has the folded times, not the log.
        <ol>
          {Object.entries(assignment.times).map(([status, time]) => (
            <li key={status} className="own-step" data-testid="own-step">
              <span className="own-step-time">{clock(time.occurredAt)}</span>
              <div className="own-step-what">{t(`unitStatus.${status}`)}</div>
            </li>
          ))}
        </ol>
      ) : null}
    </section>
  );
}

type Dialog = { kind: "decision"; correcting?: DecisionRecord } | { kind: "water" } | { kind: "command" } | null;

export function FiregroundPanel({ incident, unitId }: { incident: IncidentState; unitId: string }) {
  const { t } = useTranslation();
  const { clock } = useTimeFormat();
  const items = useStore(tabletQueue, (state) => state.items);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [note, setNote] = useState("");
  const pendingPhases = new Set(
    items.flatMap((item) => (item.state !== "refused" && item.action.kind === "incident.phase" && item.action.payload.incidentId === incident.id ? [item.action.payload.phase] : [])),
  );

  function tapPhase(phase: IncidentPhase) {
    // Command names a person and water passes the guard: those two benchmarks are set by their own records.
    if (phase === "command_established") return setDialog({ kind: "command" });
    if (phase === "water_on_fire") return setDialog({ kind: "water" });
    enqueue({ kind: "incident.phase", payload: { ...newOp(), incidentId: incident.id, phase, source: "live" } });
  }

  function addNote() {
    const text = note.trim();
    if (!text) return;
    enqueue({ kind: "incident.note", payload: { ...newOp(), incidentId: incident.id, text } });
    setNote("");
  }

  const command = incident.command;
  return (
    <section className="fireground" aria-labelledby="fireground-title" data-testid="fireground">
      <div className="fireground-head">
        <h2 id="fireground-title">{t("fireground.title")}</h2>
        <p className="fireground-command" data-testid="tablet-command">
          <strong>{t("fireground.inCommand")}:</strong>{" "}
          {command ? `${command.name} (${t(`icsRole.${command.icsRole}`)}), ${command.callSign}` : t("fireground.noCommand")}
          {incident.strategy ? ` · ${t("fireground.strategy")}: ${t(`strategy.${incident.strategy}`)}` : ""}
        </p>
      </div>
      <div className="fireground-actions">
        <button type="button" className="big-button action-decision" data-testid="open-decision" onClick={() => setDialog({ kind: "decision" })}>
          {t("fireground.decide")}
        </button>
        <button type="button" className="big-button action-water" data-testid="open-water" onClick={() => setDialog({ kind: "water" })}>
          {t("fireground.water")}
        </button>
        <button type="button" className="big-button" data-testid="open-command" onClick={() => setDialog({ kind: "command" })}>
          {t("fireground.command")}
        </button>
      </div>
      <div className="phase-buttons" role="group" aria-label={t("fireground.title")}>
        {INCIDENT_PHASES.map((phase) => {
          const done = incident.phases[phase];
          const pending = pendingPhases.has(phase);
          const repeatable = phase === "command_established" || phase === "water_on_fire";
          return (
            <button
              key={phase}
              type="button"
              className={`big-button phase${done ? " done" : ""}`}
              data-testid={`phase-${phase}`}
              data-done={done ? "true" : undefined}
              disabled={(done !== undefined || pending) && !repeatable}
              onClick={() => tapPhase(phase)}
            >
              <span>{t(`phase.${phase}`)}</span>
              {done ? <span className="phase-time">✓ {clock(done.occurredAt)}</span> : pending ? <span className="phase-time">… {t("tablet.waiting")}</span> : null}
            </button>
          );
        })}
      </div>
      <form
        className="note-form"
        onSubmit={(event) => {
          event.preventDefault();
          addNote();
        }}
      >
        <label className="big-field grow">
          <span className="visually-hidden">{t("fireground.note")}</span>
          <input data-testid="note-input" placeholder={t("fireground.note")} value={note} maxLength={LIMITS.description} onChange={(event) => setNote(event.target.value)} />
        </label>
        <button type="submit" className="big-button" data-testid="note-save" disabled={!note.trim()}>
          {t("fireground.addNote")}
        </button>
      </form>
      <OwnSteps incident={incident} unitId={unitId} onCorrect={(decision) => setDialog({ kind: "decision", correcting: decision })} />

      {dialog?.kind === "decision" ? (
        <DecisionScreen incidentId={incident.id} {...(dialog.correcting ? { correcting: dialog.correcting } : {})} onClose={() => setDialog(null)} />
      ) : null}
      {dialog?.kind === "water" ? <WaterDialog incidentId={incident.id} unitId={unitId} onClose={() => setDialog(null)} /> : null}
      {dialog?.kind === "command" ? <CommandDialog incident={incident} unitId={unitId} onClose={() => setDialog(null)} /> : null}
    </section>
  );
}
