// The resident's pages, no account: /cases/new (the form; ?explanationToken=...&incident=... when coming from a
// published explanation page) and /cases/<case number> (status, due dates and answers, with the access code).
// Plain text only goes out; React escapes everything that comes back.
import { useEffect, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import type { CaseFiledResult, PublicCaseView } from "../../../../shared/cases";
import { createApi } from "../../api/endpoints";
import { createHttpClient } from "../../api/http";
import { ErrorText } from "../../ui/ErrorText";
import { LanguageSelector } from "../../ui/LanguageSelector";
import { CaseAnswers, DeadlineList, useCaseDates } from "./CaseParts";
import { EMPTY_RESIDENT_CASE, ResidentCaseFields, residentCaseBody } from "./ResidentCaseFields";
import "./cases.css";

/** The public pages never send a staff token, even on a device where someone is signed in. */
const publicApi = createApi(createHttpClient({ getToken: () => null }));

/** The code just shown after filing, so the status page opens without retyping it (this tab only). */
const CODE_KEY = (caseNumber: string) => `case-code:${caseNumber}`;

function navigate(path: string) {
  window.history.pushState(null, "", path);
  window.dispatchEvent(new PopStateEvent("popstate"));
}

function usePath(): string {
  const [path, setPath] = useState(window.location.pathname);
  useEffect(() => {
    const update = () => setPath(window.location.pathname);
    window.addEventListener("popstate", update);
    return () => window.removeEventListener("popstate", update);
  }, []);
  return path;
}

export default function PublicCaseApp() {
  const { t } = useTranslation();
  const path = usePath();
  useEffect(() => {
    // Residents read this outdoors on a phone: the high-contrast light theme.
    document.documentElement.dataset.theme = "light";
    document.documentElement.dataset.layout = "public";
  }, []);
  const caseNumber = decodeURIComponent(path.replace(/^\/cases\//, "").replace(/\/$/, ""));
  return (
    <div className="public-case" data-layout="public">
      <header className="public-case-head">
        <h1>{caseNumber === "new" ? t("cases.publicTitle") : t("cases.lookupTitle")}</h1>
        <LanguageSelector />
      </header>
      <main>{caseNumber === "new" ? <CaseForm /> : <CaseStatus caseNumber={caseNumber} />}</main>
    </div>
  );
}

function CaseForm() {
  const { t } = useTranslation();
  const query = new URLSearchParams(window.location.search);
  const explanationToken = query.get("explanationToken") ?? undefined;
  const [fields, setFields] = useState({ ...EMPTY_RESIDENT_CASE, incidentNumber: query.get("incident") ?? "" });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [filed, setFiled] = useState<CaseFiledResult | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const result = await publicApi.fileCase({ ...residentCaseBody(fields), ...(explanationToken ? { explanationToken } : {}) });
      sessionStorage.setItem(CODE_KEY(result.caseNumber), result.accessCode);
      setFiled(result);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  if (filed) {
    return (
      <section className="case-card" data-testid="case-filed">
        <h2>{t("cases.filedTitle")}</h2>
        <p>{t("cases.filedText")}</p>
        <dl className="case-keys">
          <dt>{t("cases.caseNumber")}</dt>
          <dd data-testid="case-number">{filed.caseNumber}</dd>
          <dt>{t("cases.accessCode")}</dt>
          <dd data-testid="case-access-code">{filed.accessCode}</dd>
        </dl>
        <p className="case-warning">{t("cases.accessCodeWarning")}</p>
        <button type="button" className="button primary" onClick={() => navigate(`/cases/${encodeURIComponent(filed.caseNumber)}`)}>
          {t("cases.viewStatus")}
        </button>
      </section>
    );
  }

  return (
    <form className="case-card" onSubmit={(event) => void submit(event)} data-testid="case-form">
      <p className="hint">{t("cases.publicIntro")}</p>
      <ResidentCaseFields audience="resident" value={fields} onChange={setFields} />
      <ErrorText error={error} />
      <button type="submit" className="button primary" disabled={busy} data-testid="case-submit">
        {busy ? t("cases.sending") : t("cases.submit")}
      </button>
    </form>
  );
}

function CaseStatus({ caseNumber }: { caseNumber: string }) {
  const { t } = useTranslation();
  const remembered = sessionStorage.getItem(CODE_KEY(caseNumber)) ?? "";
  const [code, setCode] = useState(remembered);
  const [view, setView] = useState<PublicCaseView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function load(withCode: string) {
    setBusy(true);
    setError(null);
    try {
      setView(await publicApi.publicCase(caseNumber, withCode.trim()));
    } catch (caught) {
      setView(null);
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  useEffect(() => {
    if (remembered) void load(remembered);
    // Only on opening the page: later lookups are the resident's.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [caseNumber]);

  return (
    <>
      <form
        className="case-card case-lookup"
        onSubmit={(event) => {
          event.preventDefault();
          void load(code);
        }}
      >
        <p className="case-number-line">
          {t("cases.caseNumber")}: <strong>{caseNumber}</strong>
        </p>
        <label className="field">
          <span>{t("cases.accessCode")}</span>
          <input name="accessCode" data-testid="case-code-input" autoComplete="off" spellCheck={false} maxLength={64} value={code} onChange={(event) => setCode(event.target.value)} />
        </label>
        <ErrorText error={error} />
        <button type="submit" className="button" disabled={busy || !code.trim()}>
          {t("cases.lookup")}
        </button>
      </form>
      {view ? <PublicCaseDetails view={view} code={code.trim()} onChange={setView} /> : null}
      <p>
        <a href="/cases/new">{t("cases.newCase")}</a>
      </p>
    </>
  );
}

function PublicCaseDetails({ view, code, onChange }: { view: PublicCaseView; code: string; onChange: (view: PublicCaseView) => void }) {
  const { t } = useTranslation();
  const { dayOf } = useCaseDates();
  const [reason, setReason] = useState("");
  const [error, setError] = useState<unknown>(null);

  async function askReview(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      onChange(await publicApi.publicReview(view.caseNumber, code, reason));
      setReason("");
    } catch (caught) {
      setError(caught);
    }
  }

  return (
    <section className="case-card" data-testid="case-status" data-status={view.status} data-stage={view.clock.stage}>
      <p className="case-status-line">
        {t("cases.statusLabel")}: <strong data-testid="case-stage">{t(`cases.stage.${view.clock.stage}`)}</strong>
        <span className="hint"> · {t("cases.receivedOn", { date: dayOf(view.receivedAt) })} · {t(`cases.channel.${view.channel}`)}</span>
      </p>
      {view.paused ? <p className="case-note">{t("cases.paused")}</p> : null}
      {view.acceptanceNotice ? (
        <p className="case-note">
          <strong>{t("cases.acceptanceNotice")}:</strong> {view.acceptanceNotice}
        </p>
      ) : null}
      {view.extension ? <p className="case-note" data-testid="case-extension">{t("cases.extended", { days: view.extension.days, reason: view.extension.reason })}</p> : null}
      {view.referral ? (
        <p className="case-note">
          {t("cases.referredTo", { to: view.referral.to, reason: view.referral.reason })}
          {view.referral.otherProcedure ? ` ${t("cases.otherProcedure")}` : ""}
        </p>
      ) : null}
      <h3>{t("cases.timeline")}</h3>
      <DeadlineList clock={view.clock} />
      <CaseAnswers answer={view.answer} reviews={view.reviews} />
      {view.clock.stage === "final" ? <p className="case-note">{t("cases.final")}</p> : null}
      {view.clock.reviewOpen && view.status === "answered" ? (
        <form className="case-review" onSubmit={(event) => void askReview(event)}>
          <label className="field">
            <span>
              {t("cases.reviewReason")} ({t(`cases.level.${view.clock.reviewOpen}`)})
            </span>
            <textarea required maxLength={4000} rows={3} value={reason} onChange={(event) => setReason(event.target.value)} />
          </label>
          <ErrorText error={error} />
          <button type="submit" className="button">
            {t("cases.askReview")}
          </button>
        </form>
      ) : null}
    </section>
  );
}
