// A decision the commander radioed in, recorded at the console. The record says it was radioed in and for whom
// (the named person, or whoever is in command), so it is never mistaken for the commander's own entry.
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { DECISION_FACTORS, DECISION_TYPES, decisionFromForm, LEGAL_BASES, SUGGESTED_LEGAL_BASIS, type DecisionFactor, type DecisionType, type LegalBasis } from "../../../../shared/decisions";
import type { IncidentState } from "../../../../shared/incident";
import { LIMITS } from "../../../../shared/limits";
import { ErrorText } from "../../ui/ErrorText";
import { TranslatedOptions } from "../../ui/TranslatedOptions";
import { recordRadioedDecision } from "../incidents/incidentActions";
import { RadioedByField, useSave } from "./RadioedFireground";

export function RadioedDecision({ incident }: { incident: IncidentState }) {
  const { t } = useTranslation();
  const [decisionType, setDecisionType] = useState<DecisionType | "">("");
  const [factors, setFactors] = useState<DecisionFactor[]>([]);
  const [reason, setReason] = useState("");
  const [radius, setRadius] = useState("");
  const [legalBasis, setLegalBasis] = useState<LegalBasis | "">("");
  const [property, setProperty] = useState("");
  const [owner, setOwner] = useState("");
  const [publicCandidate, setPublicCandidate] = useState(false);
  const [radioedBy, setRadioedBy] = useState("");
  const { error, busy, run } = useSave();
  if (incident.status !== "open") return null;

  const decision = decisionFromForm({ decisionType: decisionType || null, reason, factors, publicCandidate, legalBasis: legalBasis || null, property, owner, radius });
  const ready = decision !== null && (incident.command !== undefined || radioedBy.trim() !== "");

  function submit() {
    if (!ready || !decision) return;
    run(
      () => recordRadioedDecision(incident.id, { ...decision, ...(radioedBy.trim() ? { recordedFor: { name: radioedBy.trim() } } : {}) }),
      () => {
        setDecisionType("");
        setFactors([]);
        setReason("");
        setRadius("");
        setLegalBasis("");
        setProperty("");
        setOwner("");
        setPublicCandidate(false);
      },
    );
  }

  return (
    <details className="radioed-decision" data-testid="radioed-decision">
      <summary>{t("radioedDecision.title")}</summary>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        <div className="field-row">
          <label className="field">
            <span>{t("decisionForm.type")}</span>
            <select
              data-testid="radioed-type"
              value={decisionType}
              onChange={(event) => {
                const type = event.target.value as DecisionType | "";
                setDecisionType(type);
                const suggested = type ? SUGGESTED_LEGAL_BASIS[type] : undefined;
                if (suggested && legalBasis === "") setLegalBasis(suggested);
              }}
            >
              <option value="">—</option>
              <TranslatedOptions values={DECISION_TYPES} prefix="decisionType" />
            </select>
          </label>
          <RadioedByField incident={incident} value={radioedBy} onChange={setRadioedBy} testId="radioed-by" />
        </div>
        <fieldset className="factor-checks">
          <legend>{t("decisionForm.factors")}</legend>
          {DECISION_FACTORS.map((factor) => (
            <label key={factor} className="inline-check">
              <input
                type="checkbox"
                checked={factors.includes(factor)}
                onChange={(event) => setFactors((current) => (event.target.checked ? [...current, factor] : current.filter((f) => f !== factor)))}
              />
              {t(`factor.${factor}`)}
            </label>
          ))}
        </fieldset>
        <label className="field">
          <span>{t("decisionForm.reason")}</span>
          <textarea data-testid="radioed-reason" rows={2} maxLength={LIMITS.reason} value={reason} onChange={(event) => setReason(event.target.value)} />
        </label>
        {decisionType === "evacuation" ? (
          <label className="field">
            <span>{t("decisionForm.radius")}</span>
            <input inputMode="numeric" value={radius} onChange={(event) => setRadius(event.target.value.replace(/\D/g, ""))} />
          </label>
        ) : null}
        <div className="field-row">
          <label className="field">
            <span>{t("decisionForm.legalBasis")}</span>
            <select data-testid="radioed-legal" value={legalBasis} onChange={(event) => setLegalBasis(event.target.value as LegalBasis | "")}>
              <option value="">{t("decisionForm.noLegalBasis")}</option>
              <TranslatedOptions values={LEGAL_BASES} prefix="legalBasis" />
            </select>
          </label>
          <label className="field">
            <span>{t("decisionForm.property")}</span>
            <input value={property} maxLength={LIMITS.reason} onChange={(event) => setProperty(event.target.value)} />
          </label>
        </div>
        <div className="field-row">
          <label className="field">
            <span>{t("decisionForm.owner")}</span>
            <input value={owner} maxLength={LIMITS.shortText} disabled={!property.trim()} onChange={(event) => setOwner(event.target.value)} />
          </label>
          <label className="inline-check">
            <input type="checkbox" checked={publicCandidate} onChange={(event) => setPublicCandidate(event.target.checked)} />
            {t("decisionForm.publicCandidate")}
          </label>
        </div>
        {!incident.command && !radioedBy.trim() ? <p className="hint">{t("radioedDecision.nameNeeded")}</p> : null}
        <button type="submit" className="button primary" data-testid="radioed-submit" disabled={!ready || busy}>
          {t("decisionForm.save")}
        </button>
        <ErrorText error={error} />
      </form>
    </details>
  );
}
