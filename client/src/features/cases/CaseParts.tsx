// Pieces both the resident's status page and the staff case view show: the time limits and the decision letter.
import { useTranslation } from "react-i18next";
import { useStore } from "zustand";
import { addDays, CASE_LIMITS, localDate, type CaseClock, type CaseTimedLetter, type ReviewLevel } from "../../../../shared/cases";
import { configStore } from "../../app/stores";
import { formatDayOf, formatLocalDate } from "./caseFormat";

export function useCaseDates() {
  const { i18n } = useTranslation();
  const timeZone = useStore(configStore, (state) => state.config.timeZone);
  const language = i18n.resolvedLanguage ?? i18n.language;
  return {
    timeZone,
    day: (date: string) => formatLocalDate(date, language),
    dayOf: (iso: string) => formatDayOf(iso, timeZone, language),
  };
}

/** "Written answer", or for review limits the level by name: "Asking for a first review (复查)". */
export function deadlineName(t: (key: string, options?: Record<string, unknown>) => string, kind: string, level: ReviewLevel | undefined): string {
  if (level && (kind === "review_request" || kind === "review_answer")) {
    return t(kind === "review_request" ? "cases.reviewRequestOf" : "cases.reviewAnswerOf", { level: t(`cases.level.${level}`) });
  }
  return t(`cases.deadline.${kind}`);
}

/** Every limit of the case: what it is, its due day, and whether it was met, is running or is overdue. */
export function DeadlineList({ clock }: { clock: CaseClock }) {
  const { t } = useTranslation();
  const { day, dayOf } = useCaseDates();
  return (
    <ol className="case-deadlines" data-testid="case-deadlines">
      {clock.deadlines.map((deadline) => {
        const state = deadline.metAt ? (deadline.overdue ? "late" : "met") : deadline.overdue ? "overdue" : "running";
        return (
          <li key={`${deadline.kind}${deadline.level ?? ""}`} className={`case-deadline case-deadline-${state}`} data-kind={deadline.kind} data-state={state}>
            <span className="case-deadline-name">{deadlineName(t, deadline.kind, deadline.level)}</span>
            <span className="case-deadline-due">{t("cases.due", { date: day(deadline.due) })}</span>
            <span className="case-deadline-state">
              {deadline.metAt
                ? t(deadline.overdue ? "cases.lateOn" : "cases.metOn", { date: dayOf(deadline.metAt) })
                : deadline.overdue
                  ? t("cases.overdue")
                  : deadline.kind === "review_request"
                    ? ""
                    : t("cases.daysLeft", { count: deadline.daysLeft ?? 0 })}
            </span>
          </li>
        );
      })}
    </ol>
  );
}

/**
 * The written decision (art. 32): request, facts found, decision, basis, and how to ask for a review, in the
 * reader's language. `nextLevel` is the review the resident may still ask for after this answer, if any.
 */
function DecisionLetterView({ answer, nextLevel, title }: { answer: CaseTimedLetter; nextLevel: ReviewLevel | undefined; title: string }) {
  const { t } = useTranslation();
  const { timeZone, day, dayOf } = useCaseDates();
  const reviewBy = addDays(localDate(answer.at, timeZone), CASE_LIMITS.reviewRequestDays);
  return (
    <article className="case-letter" data-testid="case-letter">
      <h2>
        {title} <span className="hint">{dayOf(answer.at)}</span>
      </h2>
      <dl>
        <dt>{t("cases.letter.request")}</dt>
        <dd>{answer.letter.request}</dd>
        <dt>{t("cases.letter.factsFound")}</dt>
        <dd>{answer.letter.factsFound}</dd>
        <dt>{t("cases.letter.decision")}</dt>
        <dd data-testid="case-decision" data-decision={answer.letter.decision}>
          <strong>{t(`cases.decision.${answer.letter.decision}`)}</strong>
        </dd>
        <dt>{t("cases.letter.basis")}</dt>
        <dd>{answer.letter.basis}</dd>
        <dt>{t("cases.letter.howToReview")}</dt>
        <dd>{nextLevel ? t("cases.letter.reviewUntil", { level: t(`cases.level.${nextLevel}`), date: day(reviewBy) }) : t("cases.letter.noFurther")}</dd>
      </dl>
    </article>
  );
}

/** The answer and each review's answer, in order, as both the resident and the caseworker read them. */
export function CaseAnswers({ answer, reviews }: { answer: CaseTimedLetter | undefined; reviews: { level: ReviewLevel; answer?: CaseTimedLetter }[] }) {
  const { t } = useTranslation();
  return (
    <>
      {answer ? <DecisionLetterView answer={answer} title={t("cases.letter.title")} nextLevel={1} /> : null}
      {reviews.map((review) =>
        review.answer ? (
          <DecisionLetterView
            key={review.level}
            answer={review.answer}
            title={`${t("cases.reviewAnswer")} · ${t(`cases.level.${review.level}`)}`}
            nextLevel={review.level === 1 ? 2 : undefined}
          />
        ) : null,
      )}
    </>
  );
}
