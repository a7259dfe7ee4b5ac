// The resident's part of a case: incident number, request, facts, name and contact. The same fields whether the
// resident files on the public page or a caseworker registers a call, letter or visit, so a label or a required
// field changes in one place for both.
import { useTranslation } from "react-i18next";
import { CASE_TEXT_LIMITS, type PublicCaseBody } from "../../../../shared/cases";

export interface ResidentCaseText {
  incidentNumber: string;
  request: string;
  facts: string;
  name: string;
  contact: string;
}

export const EMPTY_RESIDENT_CASE: ResidentCaseText = { incidentNumber: "", request: "", facts: "", name: "", contact: "" };

/** What is sent: the text as typed, the incident number trimmed and only when there is one. */
export function residentCaseBody({ incidentNumber, ...text }: ResidentCaseText): Omit<PublicCaseBody, "explanationToken"> {
  const trimmed = incidentNumber.trim();
  return { ...text, ...(trimmed ? { incidentNumber: trimmed } : {}) };
}

/**
 * `resident`: typed by the resident on a phone, so the fields carry names (the browser's own autofill of their name),
 * the server's length limits, a hint for the incident number and taller text boxes, one field a line.
 * `staff`: copied by a caseworker from a call or a letter, so none of that autofill (it would offer the caseworker's
 * own name), shorter boxes, and name and contact side by side.
 */
export function ResidentCaseFields({
  audience,
  value,
  onChange,
}: {
  audience: "resident" | "staff";
  value: ResidentCaseText;
  onChange: (value: ResidentCaseText) => void;
}) {
  const { t } = useTranslation();
  const byResident = audience === "resident";
  const bind = (key: keyof ResidentCaseText, maxLength: number) => ({
    ...(byResident ? { name: key, maxLength } : {}),
    value: value[key],
    onChange: (event: { target: { value: string } }) => onChange({ ...value, [key]: event.target.value }),
  });
  const nameAndContact = (
    <>
      <label className="field">
        <span>{t("cases.name")}</span>
        <input required autoComplete={byResident ? "name" : undefined} {...bind("name", CASE_TEXT_LIMITS.short)} />
      </label>
      <label className="field">
        <span>{t("cases.contact")}</span>
        <input required {...bind("contact", CASE_TEXT_LIMITS.contact)} />
      </label>
    </>
  );
  return (
    <>
      <label className="field">
        <span>{t("cases.incidentNumber")}</span>
        <input {...bind("incidentNumber", CASE_TEXT_LIMITS.short)} />
        {byResident ? <small className="hint">{t("cases.incidentHint")}</small> : null}
      </label>
      <label className="field">
        <span>{t("cases.request")}</span>
        <textarea required rows={byResident ? 3 : 2} {...bind("request", CASE_TEXT_LIMITS.text)} />
      </label>
      <label className="field">
        <span>{t("cases.facts")}</span>
        <textarea required rows={byResident ? 5 : 3} {...bind("facts", CASE_TEXT_LIMITS.text)} />
      </label>
      {byResident ? nameAndContact : <div className="field-row">{nameAndContact}</div>}
    </>
  );
}
