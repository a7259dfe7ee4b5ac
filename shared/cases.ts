// Residents' cases (信访, 2022 regulation): a question or complaint tracked to an answer within the legal time
// limits. The case is a stream of its own; its state is a pure fold of its events, and its clock (which limit
// runs, when it is due, what is overdue) is a pure function of that state, a "now" and the center's time zone,
// so the server, the client and the tests compute the same due dates from the same code.
import { z } from "zod";
import { FoldError } from "./incident";
import { text } from "./schemas";
import type { StreamHead } from "./streams";

// ---- vocabulary ----

export const CASE_CHANNELS = ["online", "phone", "letter", "visit"] as const;
export type CaseChannel = (typeof CASE_CHANNELS)[number];
/** Channels staff register; "online" is the public form. */
export const STAFF_CHANNELS = ["phone", "letter", "visit"] as const;

export const CASE_DECISIONS = ["support", "explain", "reject"] as const;
export type CaseDecision = (typeof CASE_DECISIONS)[number];

export const CASE_LINK_KINDS = ["incident", "decision", "explanation"] as const;
export type CaseLinkKind = (typeof CASE_LINK_KINDS)[number];

/** 1 = first review (复查), 2 = second review (复核). */
export type ReviewLevel = 1 | 2;

/** The legal time limits, in calendar days (信访工作条例 2022, art. 23, 34, 35, 36). */
export const CASE_LIMITS = {
  acceptanceDays: 15,
  conclusionDays: 60,
  maxExtensionDays: 30,
  reviewRequestDays: 30,
  reviewAnswerDays: 30,
} as const;

export const CASE_TEXT_LIMITS = {
  short: 120,
  text: 4000,
  contact: 200,
} as const;

// ---- payloads ----

/** What the decision letter says (art. 32): the request, the facts found, the decision, the basis. */
export interface DecisionLetter {
  request: string;
  factsFound: string;
  decision: CaseDecision;
  basis: string;
}

export interface CaseResident {
  name: string;
  contact: string;
}

export interface CaseEventPayloads {
  "case.filed": {
    caseNumber: string;
    channel: CaseChannel;
    /** When the office received it (staff registration: the date on the letter or of the visit). */
    receivedAt: string;
    incidentNumber?: string;
    /** The published explanation page the resident came from (issue 8). */
    explanationToken?: string;
    request: string;
    facts: string;
    resident: CaseResident;
    /** sha-256 hex of the access code: the code itself is never stored. */
    accessCodeHash: string;
  };
  /** The written notice of acceptance was sent. */
  "case.accepted": { notice?: string };
  /** Sent elsewhere; `otherProcedure` marks a matter that belongs to another legal procedure (art. 31). */
  "case.referred": { to: string; reason: string; otherProcedure: boolean };
  "case.assigned": { userId: string; name: string };
  "case.step": { text: string };
  "case.linked": { kind: CaseLinkKind; ref: string; note?: string };
  /** Once, up to 30 days, approved by someone named, with a reason the resident is shown. */
  "case.extended": { days: number; approver: string; reason: string };
  /** A hearing began: its time does not count toward the running limit. */
  "case.paused": { reason: string };
  "case.resumed": Record<string, never>;
  "case.answered": { letter: DecisionLetter };
  "case.review_requested": { level: ReviewLevel; receivedAt: string; reason: string };
  "case.review_answered": { level: ReviewLevel; letter: DecisionLetter };
}
export type CaseEventType = keyof CaseEventPayloads;

// ---- state ----

export type CaseStatus = "received" | "accepted" | "referred" | "answered" | "in_review";

export interface CaseTimedLetter {
  letter: DecisionLetter;
  at: string;
}

export interface CaseReview {
  level: ReviewLevel;
  receivedAt: string;
  reason: string;
  answer?: CaseTimedLetter;
}

export interface CaseHistoryEntry {
  seq: number;
  type: CaseEventType;
  at: string;
  by: string;
}

export interface CaseState extends StreamHead {
  caseNumber: string;
  channel: CaseChannel;
  receivedAt: string;
  incidentNumber?: string;
  explanationToken?: string;
  request: string;
  facts: string;
  resident: CaseResident;
  accessCodeHash: string;
  status: CaseStatus;
  acceptedAt?: string;
  acceptanceNotice?: string;
  referral?: { to: string; reason: string; otherProcedure: boolean; at: string };
  assignee?: { userId: string; name: string };
  steps: { text: string; at: string; by: string }[];
  links: { kind: CaseLinkKind; ref: string; note?: string; at: string }[];
  extension?: { days: number; approver: string; reason: string; at: string };
  pauses: { from: string; to?: string; reason: string }[];
  answer?: CaseTimedLetter;
  reviews: CaseReview[];
  history: CaseHistoryEntry[];
}


interface CaseEventLike {
  streamId: string;
  seq: number;
  type: CaseEventType;
  occurredAt: string;
  actor: { username: string };
  payload: unknown;
  hash: string;
}

/** Folds one case event. Refuses an event that does not follow from the state (the service checks first). */
export function applyCaseEvent(state: CaseState | undefined, event: CaseEventLike): CaseState {
  if (event.seq !== (state?.lastSeq ?? 0) + 1) {
    throw new FoldError(`case ${event.streamId}: expected seq ${(state?.lastSeq ?? 0) + 1}, got ${event.seq}`);
  }
  const at = event.occurredAt;
  const head = { lastSeq: event.seq, lastHash: event.hash };
  const entry: CaseHistoryEntry = { seq: event.seq, type: event.type, at, by: event.actor.username };
  if (event.type === "case.filed") {
    if (state) throw new FoldError(`case ${event.streamId}: filed twice`);
    const payload = event.payload as CaseEventPayloads["case.filed"];
    return {
      caseNumber: payload.caseNumber,
      channel: payload.channel,
      receivedAt: payload.receivedAt,
      ...(payload.incidentNumber !== undefined ? { incidentNumber: payload.incidentNumber } : {}),
      ...(payload.explanationToken !== undefined ? { explanationToken: payload.explanationToken } : {}),
      request: payload.request,
      facts: payload.facts,
      resident: payload.resident,
      accessCodeHash: payload.accessCodeHash,
      status: "received",
      steps: [],
      links: [],
      pauses: [],
      reviews: [],
      history: [entry],
      ...head,
    };
  }
  if (!state) throw new FoldError(`case ${event.streamId}: ${event.type} before case.filed`);
  const next: CaseState = { ...state, ...head, history: [...state.history, entry] };
  switch (event.type) {
    case "case.accepted": {
      const payload = event.payload as CaseEventPayloads["case.accepted"];
      return { ...next, status: "accepted", acceptedAt: at, ...(payload.notice !== undefined ? { acceptanceNotice: payload.notice } : {}) };
    }
    case "case.referred": {
      const payload = event.payload as CaseEventPayloads["case.referred"];
      return { ...next, status: "referred", referral: { ...payload, at } };
    }
    case "case.assigned":
      return { ...next, assignee: event.payload as CaseEventPayloads["case.assigned"] };
    case "case.step":
      return { ...next, steps: [...state.steps, { text: (event.payload as CaseEventPayloads["case.step"]).text, at, by: event.actor.username }] };
    case "case.linked":
      return { ...next, links: [...state.links, { ...(event.payload as CaseEventPayloads["case.linked"]), at }] };
    case "case.extended":
      return { ...next, extension: { ...(event.payload as CaseEventPayloads["case.extended"]), at } };
    case "case.paused":
      return { ...next, pauses: [...state.pauses, { from: at, reason: (event.payload as CaseEventPayloads["case.paused"]).reason }] };
    case "case.resumed":
      return { ...next, pauses: state.pauses.map((pause) => (pause.to === undefined ? { ...pause, to: at } : pause)) };
    case "case.answered":
      return { ...next, status: "answered", answer: { letter: (event.payload as CaseEventPayloads["case.answered"]).letter, at } };
    case "case.review_requested": {
      const payload = event.payload as CaseEventPayloads["case.review_requested"];
      return { ...next, status: "in_review", reviews: [...state.reviews, { level: payload.level, receivedAt: payload.receivedAt, reason: payload.reason }] };
    }
    case "case.review_answered": {
      const payload = event.payload as CaseEventPayloads["case.review_answered"];
      return {
        ...next,
        status: "answered",
        reviews: state.reviews.map((review) => (review.level === payload.level ? { ...review, answer: { letter: payload.letter, at } } : review)),
      };
    }
    default:
      throw new FoldError(`case ${event.streamId}: unknown event type ${String(event.type)}`);
  }
}

// ---- the clock ----

/** A local calendar date, "YYYY-MM-DD", in the center's time zone. */
export type LocalDate = string;

/** The calendar date of an instant in `timeZone` (Intl, so the same on the server and in the browser). */
export function localDate(at: string | Date, timeZone: string): LocalDate {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(
    typeof at === "string" ? new Date(at) : at,
  );
  const part = (type: string) => parts.find((candidate) => candidate.type === type)?.value ?? "";
  return `${part("year")}-${part("month")}-${part("day")}`;
}

function dayIndex(date: LocalDate): number {
  const [year, month, day] = date.split("-").map(Number) as [number, number, number];
  return Math.round(Date.UTC(year, month - 1, day) / 86_400_000);
}

function fromDayIndex(index: number): LocalDate {
  return new Date(index * 86_400_000).toISOString().slice(0, 10);
}

export function addDays(date: LocalDate, days: number): LocalDate {
  return fromDayIndex(dayIndex(date) + days);
}

/** Calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: LocalDate, to: LocalDate): number {
  return dayIndex(to) - dayIndex(from);
}

export type DeadlineKind = "acceptance" | "conclusion" | "review_request" | "review_answer";

export interface CaseDeadline {
  kind: DeadlineKind;
  /** For review deadlines: 1 = 复查, 2 = 复核. */
  level?: ReviewLevel;
  /** The last day (local date, inclusive) on which the step is on time. */
  due: LocalDate;
  /** When the step was taken, if it was. */
  metAt?: string;
  /** Not met and the due day has passed; or met after the due day. */
  overdue: boolean;
  /** Calendar days from today to the due day (negative once passed); absent once met. */
  daysLeft?: number;
  /** Whole days of hearings added to this limit. */
  pausedDays: number;
  /** Extension days added (the conclusion limit only). */
  extendedDays?: number;
}

export type CaseStage = "awaiting_acceptance" | "in_progress" | "answered" | "in_review" | "referred" | "final";

export interface CaseClock {
  today: LocalDate;
  stage: CaseStage;
  paused: boolean;
  deadlines: CaseDeadline[];
  /** The running staff deadline, if any: what the board sorts by. */
  next?: CaseDeadline;
  /** A running staff deadline has passed. */
  overdue: boolean;
  /** The resident may still ask for this review level, until `review_request` is due. */
  reviewOpen?: ReviewLevel;
}

/**
 * Whole calendar days of hearings that began on or after `since`, up to `until`. A hearing from Monday to
 * Wednesday stops the clock for two days.
 */
function pausedDaysSince(state: CaseState, since: LocalDate, until: LocalDate, timeZone: string): number {
  let days = 0;
  for (const pause of state.pauses) {
    const from = localDate(pause.from, timeZone);
    if (daysBetween(since, from) < 0) continue;
    // A hearing still running counts up to `until` (today, or the day the limit was met), never beyond it.
    const resumed = pause.to ? localDate(pause.to, timeZone) : until;
    const to = daysBetween(resumed, until) < 0 ? until : resumed;
    days += Math.max(0, daysBetween(from, to));
  }
  return days;
}

function deadline(
  kind: DeadlineKind,
  due: LocalDate,
  metAt: string | undefined,
  today: LocalDate,
  timeZone: string,
  extra: Partial<CaseDeadline> = {},
): CaseDeadline {
  if (metAt !== undefined) {
    return { kind, due, metAt, overdue: daysBetween(due, localDate(metAt, timeZone)) > 0, pausedDays: 0, ...extra };
  }
  const daysLeft = daysBetween(today, due);
  return { kind, due, overdue: daysLeft < 0, daysLeft, pausedDays: 0, ...extra };
}

/**
 * The case's time limits as of `now`, in calendar days of the center's time zone: a limit of N days from a step
 * taken on day D is met by the end of day D + N. Time in a hearing (pause to resume) is added to the limit that
 * was running when the hearing began.
 */
export function computeCaseClock(state: CaseState, now: Date, timeZone: string): CaseClock {
  const today = localDate(now, timeZone);
  const deadlines: CaseDeadline[] = [];
  const paused = state.pauses.some((pause) => pause.to === undefined);
  const received = localDate(state.receivedAt, timeZone);

  const decidedAt = state.acceptedAt ?? state.referral?.at;
  const acceptancePaused = pausedDaysSince(state, received, decidedAt ? localDate(decidedAt, timeZone) : today, timeZone);
  const acceptanceDue = addDays(received, CASE_LIMITS.acceptanceDays + acceptancePaused);
  deadlines.push({ ...deadline("acceptance", acceptanceDue, decidedAt, today, timeZone), pausedDays: acceptancePaused });

  if (state.referral) {
    return { today, stage: "referred", paused, deadlines, overdue: false };
  }

  let stage: CaseStage = "awaiting_acceptance";
  if (state.acceptedAt) {
    stage = "in_progress";
    const accepted = localDate(state.acceptedAt, timeZone);
    const extendedDays = state.extension?.days ?? 0;
    const conclusionPaused = pausedDaysSince(state, accepted, state.answer ? localDate(state.answer.at, timeZone) : today, timeZone);
    const conclusionDue = addDays(accepted, CASE_LIMITS.conclusionDays + extendedDays + conclusionPaused);
    deadlines.push({
      ...deadline("conclusion", conclusionDue, state.answer?.at, today, timeZone),
      pausedDays: conclusionPaused,
      ...(extendedDays ? { extendedDays } : {}),
    });
  }

  let reviewOpen: ReviewLevel | undefined;
  if (state.answer) {
    stage = "answered";
    // Each answer (the conclusion, then each review's) opens the window for the next review level.
    let lastAnswerAt = state.answer.at;
    for (const level of [1, 2] as const) {
      const review = state.reviews.find((candidate) => candidate.level === level);
      const windowDue = addDays(localDate(lastAnswerAt, timeZone), CASE_LIMITS.reviewRequestDays);
      if (!review) {
        if (daysBetween(today, windowDue) >= 0) {
          reviewOpen = level;
          deadlines.push({ ...deadline("review_request", windowDue, undefined, today, timeZone), level });
        } else {
          stage = "final";
        }
        break;
      }
      deadlines.push({ ...deadline("review_request", windowDue, review.receivedAt, today, timeZone), level });
      const requested = localDate(review.receivedAt, timeZone);
      const reviewPaused = pausedDaysSince(state, requested, review.answer ? localDate(review.answer.at, timeZone) : today, timeZone);
      const answerDue = addDays(requested, CASE_LIMITS.reviewAnswerDays + reviewPaused);
      deadlines.push({ ...deadline("review_answer", answerDue, review.answer?.at, today, timeZone), level, pausedDays: reviewPaused });
      if (!review.answer) {
        stage = "in_review";
        break;
      }
      lastAnswerAt = review.answer.at;
      // After the second review's answer the matter is final (art. 36).
      if (level === 2) stage = "final";
    }
  }

  // The running staff deadline: an unmet acceptance, conclusion or review answer.
  const next = deadlines.find((candidate) => candidate.metAt === undefined && candidate.kind !== "review_request");
  return {
    today,
    stage,
    paused,
    deadlines,
    ...(next ? { next } : {}),
    overdue: next?.overdue ?? false,
    ...(reviewOpen ? { reviewOpen } : {}),
  };
}

/** Board order: overdue first, then by the running due date, then by case number. Cases with nothing running last. */
export function compareForBoard(a: { caseNumber: string; clock: CaseClock }, b: { caseNumber: string; clock: CaseClock }): number {
  if (a.clock.overdue !== b.clock.overdue) return a.clock.overdue ? -1 : 1;
  const aDue = a.clock.next?.due;
  const bDue = b.clock.next?.due;
  if (aDue !== bDue) {
    if (aDue === undefined) return 1;
    if (bDue === undefined) return -1;
    return aDue < bDue ? -1 : 1;
  }
  return a.caseNumber < b.caseNumber ? -1 : a.caseNumber > b.caseNumber ? 1 : 0;
}

// ---- request schemas ----

/** Bounded plain text: no markup, no control characters but line breaks and tabs. */
export function plainText(max: number) {
  // text() refuses lone surrogates and invisible-only text, as for every other free string.
  return text({ max, required: true })
    .refine((value) => !/<\s*[A-Za-z!/?]/.test(value), "plain text only: no HTML or markup")
    .refine((value) => !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.test(value), "no control characters");
}

const shortText = plainText(CASE_TEXT_LIMITS.short);
const longText = plainText(CASE_TEXT_LIMITS.text);
const IsoTimeWithZone = z.iso.datetime({ offset: true });
const OptionalOpId = z.string().min(8).max(100).regex(/^[A-Za-z0-9_.:-]+$/).optional();

export const PublicCaseBody = z.strictObject({
  incidentNumber: shortText.optional(),
  explanationToken: z.string().trim().min(1).max(200).regex(/^[A-Za-z0-9_-]+$/, "letters, digits, _ and - only").optional(),
  request: longText,
  facts: longText,
  name: shortText,
  contact: plainText(CASE_TEXT_LIMITS.contact),
});
export type PublicCaseBody = z.infer<typeof PublicCaseBody>;

export const RegisterCaseBody = PublicCaseBody.extend({
  channel: z.enum(STAFF_CHANNELS),
  receivedAt: IsoTimeWithZone,
  opId: OptionalOpId,
});
export type RegisterCaseBody = z.infer<typeof RegisterCaseBody>;

export const DecisionLetterBody = z.strictObject({
  request: longText,
  factsFound: longText,
  decision: z.enum(CASE_DECISIONS),
  basis: longText,
});

export const CaseActionBodies = {
  accept: z.strictObject({ notice: longText.optional(), opId: OptionalOpId }),
  refer: z.strictObject({ to: shortText, reason: longText, otherProcedure: z.boolean(), opId: OptionalOpId }),
  assign: z.strictObject({ userId: z.string().min(1).max(100), opId: OptionalOpId }),
  step: z.strictObject({ text: longText, opId: OptionalOpId }),
  link: z.strictObject({ kind: z.enum(CASE_LINK_KINDS), ref: shortText, note: longText.optional(), opId: OptionalOpId }),
  extend: z.strictObject({
    days: z.number().int().min(1).max(CASE_LIMITS.maxExtensionDays),
    approver: shortText,
    reason: longText,
    opId: OptionalOpId,
  }),
  pause: z.strictObject({ reason: longText, opId: OptionalOpId }),
  resume: z.strictObject({ opId: OptionalOpId }),
  answer: z.strictObject({ letter: DecisionLetterBody, opId: OptionalOpId }),
  review: z.strictObject({ receivedAt: IsoTimeWithZone.optional(), reason: longText, opId: OptionalOpId }),
  answerReview: z.strictObject({ letter: DecisionLetterBody, opId: OptionalOpId }),
} as const;
export type CaseAction = keyof typeof CaseActionBodies;

export const PublicReviewBody = z.strictObject({ reason: longText });

export const BoardQuery = z.strictObject({ status: z.enum(["open", "all"]).default("open") });

// ---- views ----

/** What a resident sees with the case number and access code: no personal data, no staff names. */
export interface PublicCaseView {
  caseNumber: string;
  channel: CaseChannel;
  receivedAt: string;
  incidentNumber?: string;
  status: CaseStatus;
  clock: CaseClock;
  acceptedAt?: string;
  acceptanceNotice?: string;
  referral?: { to: string; reason: string; otherProcedure: boolean; at: string };
  extension?: { days: number; reason: string; at: string };
  paused: boolean;
  answer?: CaseTimedLetter;
  reviews: { level: ReviewLevel; receivedAt: string; answer?: CaseTimedLetter }[];
}

/** The handling staff's view: everything, except the access code's hash. */
export type CaseView = Omit<CaseState, "accessCodeHash" | "lastHash"> & { clock: CaseClock };

export interface CaseBoardRow {
  caseNumber: string;
  channel: CaseChannel;
  receivedAt: string;
  status: CaseStatus;
  incidentNumber?: string;
  assignee?: { userId: string; name: string };
  clock: CaseClock;
}

export interface CaseFiledResult {
  caseNumber: string;
  /** Shown once; only its hash is kept. */
  accessCode: string;
}
