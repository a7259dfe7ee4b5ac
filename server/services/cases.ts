// Residents' cases: filed online or registered by staff, worked to an answer within the legal limits
// (shared/cases.ts has the fold and the clock). Every step is an event of the case's stream (id: the case number),
// so the folded state lands in the generic streams table and verify-log covers it.
import { randomBytes, timingSafeEqual } from "node:crypto";
import {
  computeCaseClock,
  compareForBoard,
  localDate,
  type CaseAction,
  type CaseActionBodies,
  type CaseBoardRow,
  type CaseEventPayloads,
  type CaseFiledResult,
  type CaseState,
  type CaseView,
  type PublicCaseBody,
  type PublicCaseView,
  type RegisterCaseBody,
} from "../../shared/cases";
import type { Actor } from "../../shared/events";
import { allows } from "../../shared/policy";
import type { z } from "zod";
import type { CommitBuilder } from "../core/commitBuilder";
import { AppError, errors } from "../core/errors";
import { sha256 } from "../core/hashChain";
import { CLOCK_SKEW_TOLERANCE_MS } from "../../shared/domain";
import { authorize, type ServiceContext } from "./context";
import { runCommand } from "./runCommand";
import { presentCaseForHandler, presentCaseForResident } from "./casePresenters";

/**
 * Who the log names for a case filed through the public form: the form is a machine channel, like an importer,
 * so it records as an integration actor; the resident is not an account.
 */
export const PUBLIC_FORM_ACTOR: Actor = { userId: "public-form", username: "public-form", role: "integration" };

/** Crockford's base32 without I, L, O, U: nothing a resident misreads when copying the code from a letter. */
const CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** 120 random bits as 24 characters in six groups of four: unguessable, and short enough to type. */
export function newAccessCode(): string {
  const bytes = randomBytes(24);
  let code = "";
  for (const byte of bytes) code += CODE_ALPHABET[byte & 31];
  return code.match(/.{4}/g)!.join("-");
}

/** Case, dashes and spaces do not matter when a resident types the code back, nor O for 0 or I and L for 1. */
export function hashAccessCode(code: string): string {
  const normalized = code.toUpperCase().replace(/[^0-9A-Z]/g, "").replace(/O/g, "0").replace(/[IL]/g, "1");
  return sha256(`case-access:${normalized}`);
}

function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, "hex");
  const right = Buffer.from(b, "hex");
  return left.length === right.length && timingSafeEqual(left, right);
}

export const CASE_NUMBER_PATTERN = /^C\d{4}-\d{5,}$/;

async function allocateCaseNumber(context: ServiceContext, now: Date): Promise<string> {
  const year = localDate(now, context.config.timeZone).slice(0, 4);
  const sequence = await context.store.nextSequence(`case-number-${year}`);
  return `C${year}-${String(sequence).padStart(5, "0")}`;
}

async function loadCase(context: ServiceContext, caseNumber: string): Promise<CaseState> {
  const record = CASE_NUMBER_PATTERN.test(caseNumber) ? await context.store.getStream("case", caseNumber) : null;
  if (!record) throw errors.notFound(`Case ${caseNumber}`);
  return record.state;
}

async function fileCase(
  context: ServiceContext,
  actor: Actor,
  body: PublicCaseBody,
  channel: CaseEventPayloads["case.filed"]["channel"],
  claimedReceivedAt: string | undefined,
  opId: string | undefined,
): Promise<CaseFiledResult> {
  const accessCode = newAccessCode();
  const operation = { opId, kind: "case.file", actor, request: { ...body, channel, receivedAt: claimedReceivedAt } };
  // A repeated opId returns the first answer, access code included: the staff member retrying a registration
  // must be able to hand the resident the code that works.
  return runCommand(context, operation, async (builder, now) => {
    let receivedAt = now.toISOString();
    if (claimedReceivedAt !== undefined) {
      if (Date.parse(claimedReceivedAt) > now.getTime() + CLOCK_SKEW_TOLERANCE_MS) {
        throw errors.timeOutOfRange(`receivedAt ${claimedReceivedAt} is in the future.`);
      }
      receivedAt = new Date(claimedReceivedAt).toISOString();
    }
    const caseNumber = await allocateCaseNumber(context, now);
    builder.appendTo(
      "case",
      caseNumber,
      undefined,
      "case.filed",
      {
        caseNumber,
        channel,
        receivedAt,
        ...(body.incidentNumber !== undefined ? { incidentNumber: body.incidentNumber } : {}),
        ...(body.explanationToken !== undefined ? { explanationToken: body.explanationToken } : {}),
        request: body.request,
        facts: body.facts,
        resident: { name: body.name, contact: body.contact },
        accessCodeHash: hashAccessCode(accessCode),
      },
      { actor, occurredAt: now.toISOString(), source: "live" },
    );
    return { caseNumber, accessCode };
  });
}

/** The public form: no account, no opId (a resident retrying gets a second case, which staff can refer to the first). */
export function fileCaseOnline(context: ServiceContext, body: PublicCaseBody): Promise<CaseFiledResult> {
  return fileCase(context, PUBLIC_FORM_ACTOR, body, "online", undefined, undefined);
}

/** Staff register a case received by phone, letter or visit, with the date it was received. */
export function registerCase(context: ServiceContext, actor: Actor, body: RegisterCaseBody): Promise<CaseFiledResult> {
  authorize(actor, "handleCases", "register residents' cases");
  const { channel, receivedAt, opId, ...rest } = body;
  return fileCase(context, actor, rest, channel, receivedAt, opId);
}

/**
 * The resident's view. A wrong or missing code and an unknown case number answer the same 404, so the answer
 * never tells whether a case exists.
 */
export async function readCaseAsResident(context: ServiceContext, caseNumber: string, accessCode: string | undefined): Promise<PublicCaseView> {
  const notFound = new AppError("not_found", "No case matches this case number and access code.");
  const record = CASE_NUMBER_PATTERN.test(caseNumber) ? await context.store.getStream("case", caseNumber) : null;
  const presented = hashAccessCode(accessCode ?? "");
  if (!record || !accessCode || !sameHash(record.state.accessCodeHash, presented)) throw notFound;
  return presentCaseForResident(record.state, computeCaseClock(record.state, context.clock(), context.config.timeZone));
}

export async function getCase(context: ServiceContext, actor: Actor, caseNumber: string): Promise<CaseView> {
  authorize(actor, "readCases", "read residents' cases");
  const state = await loadCase(context, caseNumber);
  return presentCaseForHandler(state, computeCaseClock(state, context.clock(), context.config.timeZone));
}

/** The board: open cases (a staff limit running) with overdue ones on top, then by due date. */
export async function caseBoard(context: ServiceContext, actor: Actor, status: "open" | "all"): Promise<{ cases: CaseBoardRow[]; today: string }> {
  authorize(actor, "readCases", "read residents' cases");
  const now = context.clock();
  // The generic streams table: a center's cases number in the thousands a year, and the due dates move with
  // the clock (hearings, extensions), so they are computed here rather than stored in an index.
  const records = await context.store.listStreams("case");
  const rows = records
    .map((record) => ({ state: record.state, clock: computeCaseClock(record.state, now, context.config.timeZone) }))
    .filter(({ clock }) => status === "all" || clock.next !== undefined)
    .map(({ state, clock }): CaseBoardRow => ({
      caseNumber: state.caseNumber,
      channel: state.channel,
      receivedAt: state.receivedAt,
      status: state.status,
      ...(state.incidentNumber !== undefined ? { incidentNumber: state.incidentNumber } : {}),
      ...(state.assignee ? { assignee: state.assignee } : {}),
      clock,
    }))
    .sort(compareForBoard);
  return { cases: rows, today: localDate(now, context.config.timeZone) };
}

type ActionBody<A extends CaseAction> = z.infer<(typeof CaseActionBodies)[A]>;

/** Decides one staff action on a case and appends its event; refuses a step the case is not ready for. */
async function decide(
  context: ServiceContext,
  actor: Actor,
  state: CaseState,
  action: CaseAction,
  body: ActionBody<CaseAction>,
  now: Date,
  builder: CommitBuilder,
): Promise<CaseState> {
  const clock = computeCaseClock(state, now, context.config.timeZone);
  const at = { actor, occurredAt: now.toISOString(), source: "live" as const };
  const append = <T extends keyof CaseEventPayloads>(type: T, payload: CaseEventPayloads[T]) =>
    builder.appendTo("case", state.caseNumber, state, type, payload, at);
  const refuse = (message: string) => errors.invalidTransition(`Case ${state.caseNumber}: ${message}`);
  const closed = state.status === "referred" || clock.stage === "final";
  const paused = clock.paused;

  switch (action) {
    case "accept": {
      if (state.status !== "received") throw refuse("only a newly received case can be accepted.");
      const { notice } = body as ActionBody<"accept">;
      return append("case.accepted", notice !== undefined ? { notice } : {});
    }
    case "refer": {
      if (state.status !== "received" && state.status !== "accepted") throw refuse("only a case not yet answered can be referred.");
      const { to, reason, otherProcedure } = body as ActionBody<"refer">;
      return append("case.referred", { to, reason, otherProcedure });
    }
    case "assign": {
      if (closed) throw refuse("the case is closed.");
      const { userId } = body as ActionBody<"assign">;
      const user = await context.store.getUser(userId);
      if (!user || !allows(user.role, "beAssignedCases")) {
        throw errors.validation("The assignee must be a caseworker or admin account.", [{ path: "userId", message: "not a case handler" }]);
      }
      return append("case.assigned", { userId: user.id, name: user.displayName ?? user.username });
    }
    case "step": {
      return append("case.step", { text: (body as ActionBody<"step">).text });
    }
    case "link": {
      const { kind, ref, note } = body as ActionBody<"link">;
      return append("case.linked", { kind, ref, ...(note !== undefined ? { note } : {}) });
    }
    case "extend": {
      if (state.status !== "accepted") throw refuse("only an accepted case not yet answered can be extended.");
      if (state.extension) throw refuse("the conclusion limit may be extended only once.");
      const { days, approver, reason } = body as ActionBody<"extend">;
      return append("case.extended", { days, approver, reason });
    }
    case "pause": {
      if (closed || state.status === "answered") throw refuse("no limit is running.");
      if (paused) throw refuse("the clock is already stopped for a hearing.");
      return append("case.paused", { reason: (body as ActionBody<"pause">).reason });
    }
    case "resume": {
      if (!paused) throw refuse("the clock is not stopped.");
      return append("case.resumed", {});
    }
    case "answer": {
      if (state.status !== "accepted") throw refuse("only an accepted case not yet answered can be answered.");
      if (paused) throw refuse("resume the clock after the hearing before answering.");
      return append("case.answered", { letter: (body as ActionBody<"answer">).letter });
    }
    case "review": {
      if (state.status !== "answered" || clock.reviewOpen === undefined) {
        throw refuse(
          clock.stage === "final" ? "the matter is final: no further review." : "a review may be asked only within 30 days of an answer.",
        );
      }
      const { receivedAt, reason } = body as ActionBody<"review">;
      const received = receivedAt ?? now.toISOString();
      if (Date.parse(received) > now.getTime() + CLOCK_SKEW_TOLERANCE_MS) throw errors.timeOutOfRange(`receivedAt ${received} is in the future.`);
      return append("case.review_requested", { level: clock.reviewOpen, receivedAt: new Date(received).toISOString(), reason });
    }
    case "answerReview": {
      const pending = state.reviews.find((review) => !review.answer);
      if (state.status !== "in_review" || !pending) throw refuse("no review is waiting for an answer.");
      if (paused) throw refuse("resume the clock after the hearing before answering.");
      return append("case.review_answered", { level: pending.level, letter: (body as ActionBody<"answerReview">).letter });
    }
  }
}

export async function actOnCase<A extends CaseAction>(
  context: ServiceContext,
  actor: Actor,
  caseNumber: string,
  action: A,
  body: ActionBody<A>,
): Promise<CaseView> {
  authorize(actor, "handleCases", "work on residents' cases");
  const { opId, ...request } = body as { opId?: string };
  const operation = { opId, kind: `case.${action}`, actor, request: { caseNumber, ...request } };
  return runCommand(context, operation, async (builder, now) => {
    const state = await loadCase(context, caseNumber);
    const next = await decide(context, actor, state, action, body, now, builder);
    return presentCaseForHandler(next, computeCaseClock(next, now, context.config.timeZone));
  });
}

/** A resident asks for a review online, with the code; the same rules as a review request registered by staff. */
export async function requestReviewOnline(
  context: ServiceContext,
  caseNumber: string,
  accessCode: string | undefined,
  reason: string,
): Promise<PublicCaseView> {
  await readCaseAsResident(context, caseNumber, accessCode);
  const operation = { opId: undefined, kind: "case.review", actor: PUBLIC_FORM_ACTOR, request: { caseNumber, reason } };
  return runCommand(context, operation, async (builder, now) => {
    const state = await loadCase(context, caseNumber);
    const next = await decide(context, PUBLIC_FORM_ACTOR, state, "review", { reason }, now, builder);
    return presentCaseForResident(next, computeCaseClock(next, now, context.config.timeZone));
  });
}
