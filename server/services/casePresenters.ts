// The only place that shapes a resident's case for output, per audience (shared/policy.ts CaseAudience):
// - resident (case number + access code): status, due dates, notices and answers; no names, no staff, no contact;
// - case_handler (caseworker, admin): everything but the access code's hash;
// - log_reader (anyone else reading the global log, e.g. a dispatcher): the events without the resident's name,
//   contact or the code's hash, because the people a complaint is about never see the complainant.
import type { CaseClock, CaseState, CaseView, PublicCaseView } from "../../shared/cases";
import type { CaseEvent, LogEvent } from "../../shared/events";
import type { CaseAudience } from "../../shared/policy";

export function presentCaseForResident(state: CaseState, clock: CaseClock): PublicCaseView {
  return {
    caseNumber: state.caseNumber,
    channel: state.channel,
    receivedAt: state.receivedAt,
    ...(state.incidentNumber !== undefined ? { incidentNumber: state.incidentNumber } : {}),
    status: state.status,
    clock,
    ...(state.acceptedAt !== undefined ? { acceptedAt: state.acceptedAt } : {}),
    ...(state.acceptanceNotice !== undefined ? { acceptanceNotice: state.acceptanceNotice } : {}),
    ...(state.referral ? { referral: state.referral } : {}),
    // The resident is told the reason and the new date, not who approved it internally.
    ...(state.extension ? { extension: { days: state.extension.days, reason: state.extension.reason, at: state.extension.at } } : {}),
    paused: clock.paused,
    ...(state.answer ? { answer: state.answer } : {}),
    reviews: state.reviews.map((review) => ({
      level: review.level,
      receivedAt: review.receivedAt,
      ...(review.answer ? { answer: review.answer } : {}),
    })),
  };
}

export function presentCaseForHandler(state: CaseState, clock: CaseClock): CaseView {
  const { accessCodeHash: _hash, lastHash: _lastHash, ...rest } = state;
  return { ...rest, clock };
}

const WITHHELD = "[withheld]";

/** A case event in the global log, for an audience that is not the case's handler. */
export function presentCaseEvent(event: CaseEvent, audience: CaseAudience): CaseEvent {
  if (audience.kind === "case_handler" || event.type !== "case.filed") return event;
  return {
    ...event,
    payload: { ...event.payload, resident: { name: WITHHELD, contact: WITHHELD }, accessCodeHash: WITHHELD },
  };
}

/** Applies presentCaseEvent to the case events of a slice of the global log; other streams pass unchanged. */
export function presentLogEvents(events: LogEvent[], audience: CaseAudience): LogEvent[] {
  return events.map((event) => (event.streamType === "case" ? presentCaseEvent(event, audience) : event));
}
