// Public explanations for PR staff and supervisors: find an incident (a page at a time), see its time line against
// the standards and its public decisions, draft an explanation, edit it, submit it; a supervisor who wrote none of
// it approves or returns it; then publish, correct or withdraw. The server decides; this screen asks the policy only
// to decide which buttons to show.
import { useCallback, useEffect, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import type { ExplanationView, IncidentDetailView, IncidentSearchRow } from "../../../../shared/api";
import { INCIDENT_TYPES, type IncidentType } from "../../../../shared/domain";
import {
  EXPLANATION_LANGUAGES,
  formatSeconds,
  intervalFacts,
  publicDecisionsOf,
  timelineOf,
  type ExplanationLanguage,
  type ExplanationText,
} from "../../../../shared/explanation";
import { can } from "../../../../shared/policy";
import { api } from "../../api/client";
import { useTimeFormat } from "../../app/useTimeFormat";
import { toSupportedLanguage } from "../../i18n";
import { ErrorText } from "../../ui/ErrorText";
import { TranslatedOptions } from "../../ui/TranslatedOptions";
import type { AuthSession } from "../auth/authStore";

const PAGE_SIZE = 25;
const LANGUAGE_NAMES: Record<ExplanationLanguage, string> = { "zh-CN": "简体中文", "zh-TW": "繁體中文", en: "English" };
const TEXT_FIELDS = ["title", "summary", "response", "known", "unknown", "contact"] as const;

type View = { kind: "search" } | { kind: "incident"; incidentId: string } | { kind: "explanation"; explanationId: string } | { kind: "queue" };

export function ExplanationsWorkspace({ session, initial = "search" }: { session: AuthSession; initial?: "search" | "queue" }) {
  const [view, setView] = useState<View>({ kind: initial });
  const { t } = useTranslation();
  return (
    <div className="explanations" data-testid="explanations">
      <nav className="tabs" aria-label={t("explanations.tabExplanations")}>
        <button type="button" className="tab" aria-pressed={view.kind === "search" || view.kind === "incident"} onClick={() => setView({ kind: "search" })}>
          {t("explanations.tabSearch")}
        </button>
        <button type="button" className="tab" data-testid="explanations-queue-tab" aria-pressed={view.kind === "queue" || view.kind === "explanation"} onClick={() => setView({ kind: "queue" })}>
          {t("explanations.tabExplanations")}
        </button>
      </nav>
      {/* The search stays mounted so its page and filters survive opening an incident. */}
      <div hidden={view.kind !== "search"}>
        <IncidentSearch onOpen={(incidentId) => setView({ kind: "incident", incidentId })} />
      </div>
      {view.kind === "incident" ? (
        <IncidentForPublic
          incidentId={view.incidentId}
          onBack={() => setView({ kind: "search" })}
          onOpenExplanation={(explanationId) => setView({ kind: "explanation", explanationId })}
        />
      ) : null}
      {view.kind === "queue" ? <ExplanationQueue session={session} onOpen={(explanationId) => setView({ kind: "explanation", explanationId })} /> : null}
      {view.kind === "explanation" ? (
        <ExplanationEditor session={session} explanationId={view.explanationId} onBack={() => setView({ kind: "queue" })} />
      ) : null}
    </div>
  );
}

function IncidentSearch({ onOpen }: { onOpen: (incidentId: string) => void }) {
  const { t, i18n } = useTranslation();
  const language = toSupportedLanguage(i18n.language);
  const { dateTime } = useTimeFormat();
  const [filters, setFilters] = useState({ number: "", address: "", from: "", to: "", incidentType: "" });
  const [rows, setRows] = useState<IncidentSearchRow[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loaded, setLoaded] = useState(false);

  const load = useCallback(
    async (after: string | null) => {
      setError(null);
      try {
        const page = await api.searchIncidents({
          limit: PAGE_SIZE,
          ...(filters.number.trim() ? { number: filters.number.trim() } : {}),
          ...(filters.address.trim().length >= 2 ? { address: filters.address.trim() } : {}),
          ...(filters.from ? { from: new Date(filters.from).toISOString() } : {}),
          ...(filters.to ? { to: new Date(`${filters.to}T23:59:59.999`).toISOString() } : {}),
          ...(filters.incidentType ? { incidentType: filters.incidentType as IncidentType } : {}),
          ...(after ? { cursor: after } : {}),
        });
        setRows((previous) => (after ? [...previous, ...page.incidents] : page.incidents));
        setCursor(page.nextCursor);
        setLoaded(true);
      } catch (caught) {
        setError(caught);
      }
    },
    [filters],
  );
  useEffect(() => {
    void load(null);
    // Only the first page on mount; later searches are explicit.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void load(null);
  };
  const field = (name: keyof typeof filters) => ({
    value: filters[name],
    onChange: (event: { target: { value: string } }) => setFilters((previous) => ({ ...previous, [name]: event.target.value })),
  });
  return (
    <section className="pr-search">
      <form className="pr-search-form" onSubmit={submit} data-testid="pr-search">
        <label>
          {t("explanations.number")}
          <input {...field("number")} data-testid="search-number" />
        </label>
        <label>
          {t("explanations.address")}
          <input {...field("address")} data-testid="search-address" />
        </label>
        <label>
          {t("explanations.from")}
          <input type="date" {...field("from")} />
        </label>
        <label>
          {t("explanations.to")}
          <input type="date" {...field("to")} />
        </label>
        <label>
          {t("explanations.type")}
          <select {...field("incidentType")}>
            <option value="">{t("explanations.anyType")}</option>
            <TranslatedOptions values={INCIDENT_TYPES} prefix="incidentType" />
          </select>
        </label>
        <button type="submit" className="button primary" data-testid="search-submit">
          {t("explanations.search")}
        </button>
      </form>
      <ErrorText error={error} />
      {loaded && rows.length === 0 ? <p className="hint">{t("explanations.noResults")}</p> : null}
      <table className="pr-table">
        <thead>
          <tr>
            <th scope="col">{t("explanations.number")}</th>
            <th scope="col">{t("explanations.type")}</th>
            <th scope="col">{t("explanations.area")}</th>
            <th scope="col">{t("pr.received")}</th>
            <th scope="col">{t("intervals.totalResponse")}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id} data-testid="search-row">
              <td>{row.number}</td>
              <td>{t(`incidentType.${row.incidentType}`)}</td>
              <td>{row.area ?? "—"}</td>
              <td>{dateTime(row.receivedAt)}</td>
              <td>{row.intervals.totalResponse === null ? "—" : formatSeconds(row.intervals.totalResponse, language)}</td>
              <td>
                <button type="button" className="button" onClick={() => onOpen(row.id)} data-testid="search-open">
                  {t("explanations.open")}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {cursor ? (
        <button type="button" className="button" onClick={() => void load(cursor)} data-testid="search-more">
          {t("explanations.more")}
        </button>
      ) : null}
    </section>
  );
}

function IncidentForPublic({
  incidentId,
  onBack,
  onOpenExplanation,
}: {
  incidentId: string;
  onBack: () => void;
  onOpenExplanation: (explanationId: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const language = toSupportedLanguage(i18n.language);
  const { dateTime } = useTimeFormat();
  const [incident, setIncident] = useState<IncidentDetailView | null>(null);
  const [explanations, setExplanations] = useState<ExplanationView[]>([]);
  const [ownerAgreed, setOwnerAgreed] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api.getIncident(incidentId).then(setIncident).catch(setError);
    api.listExplanations({ incidentId }).then((answer) => setExplanations(answer.explanations)).catch(setError);
  }, [incidentId]);
  const draft = async () => {
    try {
      const created = await api.draftExplanation(incidentId, crypto.randomUUID(), ownerAgreed);
      onOpenExplanation(created.id);
    } catch (caught) {
      setError(caught);
    }
  };
  if (!incident) return <ErrorText error={error} />;
  const decisions = publicDecisionsOf(incident);
  return (
    <section className="pr-incident" data-testid="pr-incident-view">
      <button type="button" className="button" onClick={onBack}>
        ← {t("explanations.back")}
      </button>
      <h2>
        {incident.number} · {t(`incidentType.${incident.incidentType}`)}
      </h2>
      <ErrorText error={error} />
      <div className="pr-columns">
        <div>
          <h3>{t("explanations.timeline")}</h3>
          <ol className="pr-timeline">
            {timelineOf(incident).map((entry) => (
              <li key={entry.step}>
                <b>{dateTime(entry.at)}</b> {t(`explanations.steps.${entry.step}`)}
              </li>
            ))}
          </ol>
          <h3>{t("explanations.standards")}</h3>
          <table className="pr-table" data-testid="pr-standards">
            <tbody>
              {intervalFacts(incident).map((fact) => (
                <tr key={fact.name} className={fact.met === false ? "over" : undefined}>
                  <th scope="row">{t(`explanations.intervalNames.${fact.name}`)}</th>
                  <td>{fact.seconds === null ? "—" : formatSeconds(fact.seconds, language)}</td>
                  <td>≤ {formatSeconds(fact.targetSeconds, language)}</td>
                  <td>{fact.standard}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>{t("explanations.decisions")}</h3>
          {decisions.length === 0 ? <p className="hint">{t("explanations.noDecisions")}</p> : null}
          <ul>
            {decisions.map((decision) => (
              <li key={decision.seq}>
                <b>{decision.decisionType}</b>: {decision.reason}
              </li>
            ))}
          </ul>
        </div>
        <div>
          <h3>{t("explanations.existing")}</h3>
          <ul className="pr-explanations">
            {explanations.map((explanation) => (
              <li key={explanation.id}>
                <button type="button" className="button" onClick={() => onOpenExplanation(explanation.id)}>
                  {t(`explanations.statuses.${explanation.status}`)} · {dateTime(explanation.updatedAt)}
                </button>
              </li>
            ))}
          </ul>
          <label className="check">
            <input type="checkbox" checked={ownerAgreed} onChange={(event) => setOwnerAgreed(event.target.checked)} />
            {t("explanations.ownerAgreed")}
          </label>
          <button type="button" className="button primary" onClick={() => void draft()} data-testid="draft-explanation">
            {t("explanations.draft")}
          </button>
        </div>
      </div>
    </section>
  );
}

function ExplanationQueue({ session, onOpen }: { session: AuthSession; onOpen: (explanationId: string) => void }) {
  const { t } = useTranslation();
  const { dateTime } = useTimeFormat();
  const reviewer = can.reviewExplanations({ role: session.user.role, userId: session.user.id });
  const [onlySubmitted, setOnlySubmitted] = useState(reviewer);
  const [explanations, setExplanations] = useState<ExplanationView[]>([]);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api
      .listExplanations(onlySubmitted ? { status: "submitted" } : {})
      .then((answer) => setExplanations(answer.explanations))
      .catch(setError);
  }, [onlySubmitted]);
  return (
    <section className="pr-queue">
      <nav className="tabs">
        <button type="button" className="tab" aria-pressed={onlySubmitted} onClick={() => setOnlySubmitted(true)}>
          {t("explanations.reviewQueue")}
        </button>
        <button type="button" className="tab" aria-pressed={!onlySubmitted} onClick={() => setOnlySubmitted(false)}>
          {t("explanations.all")}
        </button>
      </nav>
      <ErrorText error={error} />
      {explanations.length === 0 ? <p className="hint">{t("explanations.noExplanations")}</p> : null}
      <table className="pr-table">
        <tbody>
          {explanations.map((explanation) => (
            <tr key={explanation.id} data-testid="queue-row">
              <td>{explanation.incidentNumber}</td>
              <td>{explanation.content.texts.en.title}</td>
              <td>{t(`explanations.statuses.${explanation.status}`)}</td>
              <td>{dateTime(explanation.updatedAt)}</td>
              <td>
                <button type="button" className="button" onClick={() => onOpen(explanation.id)} data-testid="queue-open">
                  {t("explanations.open")}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function ExplanationEditor({ session, explanationId, onBack }: { session: AuthSession; explanationId: string; onBack: () => void }) {
  const { t } = useTranslation();
  const actor = { role: session.user.role, userId: session.user.id };
  const [explanation, setExplanation] = useState<ExplanationView | null>(null);
  const [texts, setTexts] = useState<Record<ExplanationLanguage, ExplanationText> | null>(null);
  const [languages, setLanguages] = useState<ExplanationLanguage[]>([]);
  const [tab, setTab] = useState<ExplanationLanguage>("zh-CN");
  const [correctionNote, setCorrectionNote] = useState("");
  const [comment, setComment] = useState("");
  const [reason, setReason] = useState("");
  const [publicUrl, setPublicUrl] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  const take = (view: ExplanationView) => {
    setExplanation(view);
    setTexts(view.content.texts);
    setLanguages(view.content.languages);
    setCorrectionNote(view.correctionNote ?? "");
  };
  useEffect(() => {
    api.getExplanation(explanationId).then(take).catch(setError);
  }, [explanationId]);
  const run = async (action: () => Promise<ExplanationView | void>) => {
    setError(null);
    try {
      const view = await action();
      if (view) take(view);
    } catch (caught) {
      setError(caught);
    }
  };
  if (!explanation || !texts) return <ErrorText error={error} />;
  const opId = () => crypto.randomUUID();
  const editable = explanation.status !== "submitted" && can.draftExplanations(actor);
  const correcting = explanation.versions.length > 0;
  const text = texts[tab];
  const setField = (field: keyof ExplanationText, value: string | string[]) =>
    setTexts({ ...texts, [tab]: { ...text, [field]: value } });
  const save = () =>
    run(() =>
      api.editExplanation(explanation.id, {
        opId: opId(),
        texts,
        languages,
        ...(correcting && correctionNote.trim() ? { correctionNote: correctionNote.trim() } : {}),
      }),
    );
  const publicPath = publicUrl ?? explanation.publicPath ?? null;
  return (
    <section className="pr-editor" data-testid="explanation-editor">
      <button type="button" className="button" onClick={onBack}>
        ← {t("explanations.back")}
      </button>
      <h2>
        {explanation.incidentNumber} ·{" "}
        <span data-testid="explanation-status" data-status={explanation.status}>
          {t(`explanations.statuses.${explanation.status}`)}
        </span>
      </h2>
      {explanation.review ? (
        <p className="hint">
          {t("explanations.reviewed", { outcome: t(`explanations.statuses.${explanation.review.outcome === "approved" ? "approved" : "draft"}`), by: explanation.review.by })}
          {explanation.review.comment ? `: ${explanation.review.comment}` : ""}
        </p>
      ) : null}
      {explanation.personalData.length > 0 ? (
        <div className="banner banner-error" role="alert" data-testid="personal-data">
          {t("explanations.personalData")}
          <ul>
            {explanation.personalData.map((found) => (
              <li key={`${found.path}:${found.span}`}>
                <code>{found.path}</code>: <mark>{found.span}</mark>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <ErrorText error={error} />
      <fieldset className="pr-languages">
        <legend>{t("explanations.publishLanguages")}</legend>
        {EXPLANATION_LANGUAGES.map((language) => (
          <label key={language} className="check">
            <input
              type="checkbox"
              disabled={!editable}
              checked={languages.includes(language)}
              onChange={(event) =>
                setLanguages(event.target.checked ? [...languages, language] : languages.filter((candidate) => candidate !== language))
              }
            />
            {LANGUAGE_NAMES[language]}
          </label>
        ))}
      </fieldset>
      <nav className="tabs" aria-label={t("explanations.language")}>
        {EXPLANATION_LANGUAGES.map((language) => (
          <button key={language} type="button" className="tab" aria-pressed={tab === language} onClick={() => setTab(language)} data-testid={`edit-tab-${language}`}>
            {LANGUAGE_NAMES[language]}
          </button>
        ))}
      </nav>
      <div className="pr-fields" lang={tab}>
        {TEXT_FIELDS.map((field) => (
          <label key={field}>
            {t(`explanations.${field}`)}
            <textarea
              rows={field === "title" ? 1 : field === "response" ? 6 : 3}
              readOnly={!editable}
              value={text[field]}
              data-testid={`edit-${field}`}
              onChange={(event) => setField(field, event.target.value)}
            />
          </label>
        ))}
        {text.decisions.map((decision, index) => (
          <label key={index}>
            {t("explanations.decisionText", { index: index + 1 })}
            <textarea
              rows={3}
              readOnly={!editable}
              value={decision}
              onChange={(event) => setField("decisions", text.decisions.map((entry, i) => (i === index ? event.target.value : entry)))}
            />
          </label>
        ))}
        {correcting ? (
          <label>
            {t("explanations.correctionNote")}
            <textarea rows={2} readOnly={!editable} value={correctionNote} onChange={(event) => setCorrectionNote(event.target.value)} data-testid="edit-correction" />
          </label>
        ) : null}
      </div>
      <div className="pr-actions">
        {editable ? (
          <button type="button" className="button" onClick={() => void save()} data-testid="explanation-save">
            {t("explanations.save")}
          </button>
        ) : null}
        {explanation.status === "draft" && can.draftExplanations(actor) ? (
          <button type="button" className="button primary" onClick={() => void run(() => api.explanationStep(explanation.id, "submit", { opId: opId() }))} data-testid="explanation-submit">
            {t("explanations.submit")}
          </button>
        ) : null}
        {explanation.status === "submitted" && can.reviewExplanations(actor) ? (
          can.approveExplanation(actor, explanation) ? (
            <>
              <input placeholder={t("explanations.comment")} value={comment} onChange={(event) => setComment(event.target.value)} data-testid="review-comment" />
              <button
                type="button"
                className="button primary"
                onClick={() => void run(() => api.explanationStep(explanation.id, "approve", { opId: opId(), ...(comment.trim() ? { comment: comment.trim() } : {}) }))}
                data-testid="explanation-approve"
              >
                {t("explanations.approve")}
              </button>
              <button
                type="button"
                className="button"
                disabled={!comment.trim()}
                onClick={() => void run(() => api.explanationStep(explanation.id, "return", { opId: opId(), comment: comment.trim() }))}
                data-testid="explanation-return"
              >
                {t("explanations.returnIt")}
              </button>
            </>
          ) : (
            <p className="hint">{t("explanations.authorCannotApprove")}</p>
          )
        ) : null}
        {explanation.status === "approved" && can.draftExplanations(actor) ? (
          <button
            type="button"
            className="button primary"
            onClick={() =>
              void run(async () => {
                const published = await api.publishExplanation(explanation.id, opId());
                setPublicUrl(published.url);
                return api.getExplanation(explanation.id);
              })
            }
            data-testid="explanation-publish"
          >
            {t("explanations.publish")}
          </button>
        ) : null}
        {explanation.versions.length > 0 && !explanation.withdrawn && can.draftExplanations(actor) ? (
          <>
            <input placeholder={t("explanations.withdrawReason")} value={reason} onChange={(event) => setReason(event.target.value)} />
            <button
              type="button"
              className="button"
              disabled={!reason.trim()}
              onClick={() => void run(() => api.explanationStep(explanation.id, "withdraw", { opId: opId(), reason: reason.trim() }))}
            >
              {t("explanations.withdraw")}
            </button>
          </>
        ) : null}
      </div>
      {publicPath ? (
        <p>
          {t("explanations.publicPage")}:{" "}
          <a href={publicPath} target="_blank" rel="noreferrer" data-testid="public-link">
            {publicPath}
          </a>
        </p>
      ) : null}
      {explanation.versions.length > 0 ? (
        <>
          <h3>{t("explanations.versions")}</h3>
          <ul>
            {explanation.versions.map((version) => (
              <li key={version.version}>
                v{version.version} · {version.publishedAt}
                {version.note ? ` — ${version.note}` : ""}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
