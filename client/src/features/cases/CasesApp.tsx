// The caseworker's screen: the board (overdue on top, then by due date), registering cases received by phone,
// letter or visit, and one case with every step of the workflow. The clock comes from the server, computed by
// shared/cases.ts; the screen refreshes the board every minute so a limit that passes shows without a reload.
import { useCallback, useEffect, useState, type FormEvent, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { CASE_DECISIONS, CASE_LINK_KINDS, STAFF_CHANNELS, type CaseBoardRow, type CaseView, type DecisionLetter } from "../../../../shared/cases";
import { api } from "../../api/client";
import type { AuthSession } from "../auth/authStore";
import { ErrorText } from "../../ui/ErrorText";
import { CaseAnswers, deadlineName, DeadlineList, useCaseDates } from "./CaseParts";
import { EMPTY_RESIDENT_CASE, ResidentCaseFields, residentCaseBody } from "./ResidentCaseFields";
import "./cases.css";
import { SessionControls } from "../../ui/SessionControls";
import { TranslatedOptions } from "../../ui/TranslatedOptions";

export default function CasesApp({ session }: { session: AuthSession }) {
  const { t } = useTranslation();
  const [selected, setSelected] = useState<string | null>(null);
  return (
    <div className="cases-app" data-testid="cases-app">
      <header className="topbar">
        <h1 className="brand">{t("cases.staff.title")}</h1>
        <div className="topbar-right">
          <SessionControls user={session.user} />
        </div>
      </header>
      <main className="cases-main">
        {selected ? (
          <CaseDetail caseNumber={selected} userId={session.user.id} onBack={() => setSelected(null)} />
        ) : (
          <>
            <Board onOpen={setSelected} />
            <RegisterCase onRegistered={setSelected} />
          </>
        )}
      </main>
    </div>
  );
}

function Board({ onOpen }: { onOpen: (caseNumber: string) => void }) {
  const { t } = useTranslation();
  const { day, dayOf } = useCaseDates();
  const [all, setAll] = useState(false);
  const [rows, setRows] = useState<CaseBoardRow[] | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let live = true;
    const load = () =>
      api
        .caseBoard(all ? "all" : "open")
        .then((board) => live && (setRows(board.cases), setError(null)))
        .catch((caught: unknown) => live && setError(caught));
    void load();
    const timer = setInterval(() => void load(), 60_000);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [all]);

  return (
    <section>
      <div className="actions" style={{ justifyContent: "space-between", alignItems: "center" }}>
        <h2>{t("cases.staff.board")}</h2>
        <label className="inline-check">
          <input type="checkbox" checked={all} onChange={(event) => setAll(event.target.checked)} />
          {t("cases.staff.showAll")}
        </label>
      </div>
      <ErrorText error={error} />
      {rows && rows.length === 0 ? <p className="hint">{t("cases.staff.empty")}</p> : null}
      <table className="cases-table" data-testid="case-board">
        <thead>
          <tr>
            <th scope="col">{t("cases.caseNumber")}</th>
            <th scope="col">{t("cases.staff.receivedAt")}</th>
            <th scope="col">{t("cases.statusLabel")}</th>
            <th scope="col">{t("cases.staff.next")}</th>
            <th scope="col">{t("cases.staff.assignee")}</th>
          </tr>
        </thead>
        <tbody>
          {(rows ?? []).map((row) => (
            <tr
              key={row.caseNumber}
              className={row.clock.overdue ? "case-overdue" : undefined}
              data-testid="case-row"
              data-case={row.caseNumber}
              data-overdue={row.clock.overdue}
              onClick={() => onOpen(row.caseNumber)}
            >
              <td>
                <button type="button" className="link-button" onClick={() => onOpen(row.caseNumber)}>
                  {row.caseNumber}
                </button>
              </td>
              <td>
                {dayOf(row.receivedAt)} · {t(`cases.channel.${row.channel}`)}
              </td>
              <td>{t(`cases.stage.${row.clock.stage}`)}</td>
              <td className="case-due">
                {row.clock.next ? (
                  <>
                    {deadlineName(t, row.clock.next.kind, row.clock.next.level)} · {t("cases.due", { date: day(row.clock.next.due) })}
                    {row.clock.overdue ? ` · ${t("cases.overdue")}` : ` · ${t("cases.daysLeft", { count: row.clock.next.daysLeft ?? 0 })}`}
                  </>
                ) : (
                  "—"
                )}
              </td>
              <td>{row.assignee?.name ?? "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function RegisterCase({ onRegistered }: { onRegistered: (caseNumber: string) => void }) {
  const { t } = useTranslation();
  const [channel, setChannel] = useState<(typeof STAFF_CHANNELS)[number]>("phone");
  const [receivedOn, setReceivedOn] = useState(new Date().toISOString().slice(0, 10));
  const [fields, setFields] = useState(EMPTY_RESIDENT_CASE);
  const [error, setError] = useState<unknown>(null);
  const [registered, setRegistered] = useState<{ number: string; code: string } | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      // The day it was received, at noon in UTC: the same calendar day in every zone within 12 hours of it.
      const result = await api.registerCase({
        ...residentCaseBody(fields),
        channel,
        receivedAt: `${receivedOn}T12:00:00Z`,
      });
      setRegistered({ number: result.caseNumber, code: result.accessCode });
    } catch (caught) {
      setError(caught);
    }
  }

  return (
    <details className="case-action">
      <summary>{t("cases.staff.register")}</summary>
      <form className="case-card" onSubmit={(event) => void submit(event)}>
        <div className="field-row">
          <label className="field">
            <span>{t("cases.staff.receivedAt")}</span>
            <input type="date" required value={receivedOn} onChange={(event) => setReceivedOn(event.target.value)} />
          </label>
          <label className="field">
            <span>{t("cases.channel.phone")} / {t("cases.channel.letter")} / {t("cases.channel.visit")}</span>
            <select value={channel} onChange={(event) => setChannel(event.target.value as typeof channel)}>
              <TranslatedOptions values={STAFF_CHANNELS} prefix="cases.channel" />
            </select>
          </label>
        </div>
        <ResidentCaseFields audience="staff" value={fields} onChange={setFields} />
        <ErrorText error={error} />
        <button type="submit" className="button primary">
          {t("cases.staff.register")}
        </button>
        {registered ? (
          <p className="case-note" role="status">
            {t("cases.staff.registered", { number: registered.number, code: registered.code })}{" "}
            <button type="button" className="link-button" onClick={() => onRegistered(registered.number)}>
              {registered.number}
            </button>
          </p>
        ) : null}
      </form>
    </details>
  );
}

/** A collapsible form for one case action: `onSubmit` sends it; a refusal shows above the save button. */
function ActionForm({ title, testId, children, onSubmit }: { title: string; testId: string; children: ReactNode; onSubmit: () => Promise<void> }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>(null);
  return (
    <details className="case-action" data-testid={testId}>
      <summary>{title}</summary>
      <form
        className="case-card"
        onSubmit={(event) => {
          event.preventDefault();
          setError(null);
          onSubmit().catch((caught: unknown) => setError(caught));
        }}
      >
        {children}
        <ErrorText error={error} />
        <button type="submit" className="button primary">
          {t("cases.staff.save")}
        </button>
      </form>
    </details>
  );
}

function LetterFields({ letter, onChange, request }: { letter: DecisionLetter; onChange: (letter: DecisionLetter) => void; request: string }) {
  const { t } = useTranslation();
  return (
    <>
      <label className="field">
        <span>{t("cases.letter.request")}</span>
        <textarea name="letter-request" required rows={2} value={letter.request || request} onChange={(event) => onChange({ ...letter, request: event.target.value })} />
      </label>
      <label className="field">
        <span>{t("cases.letter.factsFound")}</span>
        <textarea name="letter-facts" required rows={3} value={letter.factsFound} onChange={(event) => onChange({ ...letter, factsFound: event.target.value })} />
      </label>
      <label className="field">
        <span>{t("cases.letter.decision")}</span>
        <select name="letter-decision" value={letter.decision} onChange={(event) => onChange({ ...letter, decision: event.target.value as DecisionLetter["decision"] })}>
          <TranslatedOptions values={CASE_DECISIONS} prefix="cases.decision" />
        </select>
      </label>
      <label className="field">
        <span>{t("cases.letter.basis")}</span>
        <textarea name="letter-basis" required rows={2} value={letter.basis} onChange={(event) => onChange({ ...letter, basis: event.target.value })} />
      </label>
    </>
  );
}

const EMPTY_LETTER: DecisionLetter = { request: "", factsFound: "", decision: "explain", basis: "" };

function CaseDetail({ caseNumber, userId, onBack }: { caseNumber: string; userId: string; onBack: () => void }) {
  const { t } = useTranslation();
  const { dayOf } = useCaseDates();
  const [view, setView] = useState<CaseView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [text, setText] = useState<Record<string, string>>({});
  const [letter, setLetter] = useState<DecisionLetter>(EMPTY_LETTER);
  const [otherProcedure, setOtherProcedure] = useState(false);
  const field = (key: string) => ({ value: text[key] ?? "", onChange: (event: { target: { value: string } }) => setText({ ...text, [key]: event.target.value }) });

  const reload = useCallback(() => {
    api.getCase(caseNumber).then(setView, setError);
  }, [caseNumber]);
  useEffect(reload, [reload]);

  const act = (path: string, body: Record<string, unknown>) => async () => {
    setView(await api.caseAction(caseNumber, path, body));
    setText({});
  };
  const letterBody = () => ({ letter: { ...letter, request: letter.request || view?.request || "" } });

  if (!view) return <ErrorText error={error} />;
  const open = view.clock.stage !== "final" && view.status !== "referred";
  return (
    <section data-testid="case-detail" data-status={view.status}>
      <button type="button" className="link-button" onClick={onBack}>
        ← {t("cases.staff.back")}
      </button>
      <h2>
        {view.caseNumber} · {t(`cases.stage.${view.clock.stage}`)}
      </h2>
      <div className="case-columns">
        <div>
          <h3>{t("cases.staff.resident")}</h3>
          <p className="case-text" data-testid="case-resident">
            {view.resident.name} · {view.resident.contact}
          </p>
          <p className="hint">
            {t("cases.receivedOn", { date: dayOf(view.receivedAt) })} · {t(`cases.channel.${view.channel}`)}
            {view.incidentNumber ? ` · ${view.incidentNumber}` : ""}
            {view.assignee ? ` · ${t("cases.staff.assignee")}: ${view.assignee.name}` : ""}
          </p>
          <h3>{t("cases.staff.request")}</h3>
          <p className="case-text">{view.request}</p>
          <h3>{t("cases.staff.facts")}</h3>
          <p className="case-text">{view.facts}</p>
          <h3>{t("cases.timeline")}</h3>
          <DeadlineList clock={view.clock} />
          {view.extension ? <p className="case-note">{t("cases.extended", { days: view.extension.days, reason: view.extension.reason })} ({view.extension.approver})</p> : null}
          {view.clock.paused ? <p className="case-note">{t("cases.paused")}</p> : null}
          {view.referral ? <p className="case-note">{t("cases.referredTo", { to: view.referral.to, reason: view.referral.reason })}</p> : null}
          <CaseAnswers answer={view.answer} reviews={view.reviews} />
        </div>
        <div>
          <ErrorText error={error} />
          {view.status === "received" ? (
            <ActionForm title={t("cases.staff.accept")} testId="case-accept" onSubmit={act("accept", text.notice ? { notice: text.notice } : {})}>
              <label className="field">
                <span>{t("cases.staff.notice")}</span>
                <textarea rows={2} {...field("notice")} />
              </label>
            </ActionForm>
          ) : null}
          {open && view.assignee?.userId !== userId ? (
            <button type="button" className="button" data-testid="case-assign-me" onClick={() => void act("assign", { userId })().catch(setError)}>
              {t("cases.staff.assignMe")}
            </button>
          ) : null}
          <ActionForm title={t("cases.staff.addStep")} testId="case-step" onSubmit={act("steps", { text: text.step ?? "" })}>
            <label className="field">
              <span>{t("cases.staff.stepText")}</span>
              <textarea required rows={2} {...field("step")} />
            </label>
          </ActionForm>
          <ActionForm title={t("cases.staff.addLink")} testId="case-link" onSubmit={act("links", { kind: text.linkKind || "incident", ref: text.ref ?? "" })}>
            <label className="field">
              <span>{t("cases.staff.linkKind")}</span>
              <select {...field("linkKind")}>
                <TranslatedOptions values={CASE_LINK_KINDS} prefix="cases.staff.linkKinds" />
              </select>
            </label>
            <label className="field">
              <span>{t("cases.staff.ref")}</span>
              <input required {...field("ref")} />
            </label>
          </ActionForm>
          {view.status === "accepted" && !view.extension ? (
            <ActionForm
              title={t("cases.staff.extend")}
              testId="case-extend"
              onSubmit={act("extend", { days: Number(text.days || 30), approver: text.approver ?? "", reason: text.reason ?? "" })}
            >
              <label className="field">
                <span>{t("cases.staff.days")}</span>
                <input type="number" min={1} max={30} {...field("days")} />
              </label>
              <label className="field">
                <span>{t("cases.staff.approver")}</span>
                <input required {...field("approver")} />
              </label>
              <label className="field">
                <span>{t("cases.staff.reason")}</span>
                <textarea required rows={2} {...field("reason")} />
              </label>
            </ActionForm>
          ) : null}
          {open && view.status !== "answered" ? (
            view.clock.paused ? (
              <button type="button" className="button" onClick={() => void act("resume", {})().catch(setError)}>
                {t("cases.staff.resume")}
              </button>
            ) : (
              <ActionForm title={t("cases.staff.pause")} testId="case-pause" onSubmit={act("pause", { reason: text.pause ?? "" })}>
                <label className="field">
                  <span>{t("cases.staff.reason")}</span>
                  <textarea required rows={2} {...field("pause")} />
                </label>
              </ActionForm>
            )
          ) : null}
          {view.status === "received" || view.status === "accepted" ? (
            <ActionForm
              title={t("cases.staff.refer")}
              testId="case-refer"
              onSubmit={act("refer", { to: text.referTo ?? "", reason: text.referReason ?? "", otherProcedure })}
            >
              <label className="field">
                <span>{t("cases.staff.referTo")}</span>
                <input required {...field("referTo")} />
              </label>
              <label className="field">
                <span>{t("cases.staff.reason")}</span>
                <textarea required rows={2} {...field("referReason")} />
              </label>
              <label className="inline-check">
                <input type="checkbox" checked={otherProcedure} onChange={(event) => setOtherProcedure(event.target.checked)} />
                {t("cases.staff.otherProcedure")}
              </label>
            </ActionForm>
          ) : null}
          {view.status === "accepted" ? (
            <ActionForm title={t("cases.staff.answer")} testId="case-answer" onSubmit={act("answer", letterBody())}>
              <LetterFields letter={letter} onChange={setLetter} request={view.request} />
            </ActionForm>
          ) : null}
          {view.status === "answered" && view.clock.reviewOpen ? (
            <ActionForm title={t("cases.staff.recordReview")} testId="case-review" onSubmit={act("reviews", { reason: text.review ?? "" })}>
              <label className="field">
                <span>{t("cases.reviewReason")}</span>
                <textarea required rows={2} {...field("review")} />
              </label>
            </ActionForm>
          ) : null}
          {view.status === "in_review" ? (
            <ActionForm title={t("cases.staff.answerReview")} testId="case-review-answer" onSubmit={act("review-answer", letterBody())}>
              <LetterFields letter={letter} onChange={setLetter} request={view.request} />
            </ActionForm>
          ) : null}
          <h3>{t("cases.staff.steps")}</h3>
          <ul className="case-history">
            {view.steps.map((step) => (
              <li key={`${step.at}${step.text}`}>
                {dayOf(step.at)} · {step.by}: {step.text}
              </li>
            ))}
          </ul>
          <h3>{t("cases.staff.links")}</h3>
          <ul className="case-history">
            {view.links.map((link) => (
              <li key={`${link.kind}${link.ref}${link.at}`}>
                {t(`cases.staff.linkKinds.${link.kind}`)}: {link.ref}
              </li>
            ))}
          </ul>
          <h3>{t("cases.staff.history")}</h3>
          <ol className="case-history">
            {view.history.map((entry) => (
              <li key={entry.seq}>
                {dayOf(entry.at)} · {entry.type} · {entry.by}
              </li>
            ))}
          </ol>
        </div>
      </div>
    </section>
  );
}
