// The case clock as pure code: calendar days in the center's time zone, hearings, the end of the review windows.
import { describe, expect, it } from "vitest";
import { applyCaseEvent, computeCaseClock, type CaseEventPayloads, type CaseState } from "../../shared/cases";

const SHANGHAI = "Asia/Shanghai";
let seq = 0;

function fold(events: [keyof CaseEventPayloads, string, unknown][]): CaseState {
  seq = 0;
  let state: CaseState | undefined;
  for (const [type, occurredAt, payload] of events) {
    seq += 1;
    state = applyCaseEvent(state, { streamId: "C2026-00001", seq, type, occurredAt, actor: { username: "cw" }, payload, hash: `h${seq}` });
  }
  if (!state) throw new Error("no events");
  return state;
}

const filed = (receivedAt: string): [keyof CaseEventPayloads, string, unknown] => [
  "case.filed",
  receivedAt,
  {
    caseNumber: "C2026-00001",
    channel: "letter",
    receivedAt,
    request: "r",
    facts: "f",
    resident: { name: "n", contact: "c" },
    accessCodeHash: "x",
  },
];
const letter = { request: "r", factsFound: "f", decision: "explain", basis: "b" };

describe("computeCaseClock", () => {
  it("counts calendar days of the center's zone: a letter received at 23:30 in Shanghai counts from that day", () => {
    // 15:30 UTC on 1 March is 23:30 on 1 March in Shanghai: due 16 March there, but 17 March by UTC's calendar.
    const state = fold([filed("2026-03-01T15:30:00Z")]);
    expect(computeCaseClock(state, new Date("2026-03-16T15:00:00Z"), SHANGHAI).deadlines[0]).toMatchObject({
      kind: "acceptance",
      due: "2026-03-16",
      overdue: false,
      daysLeft: 0,
    });
    // 16:00 UTC on 16 March is already 17 March in Shanghai: overdue there.
    expect(computeCaseClock(state, new Date("2026-03-16T16:00:00Z"), SHANGHAI).overdue).toBe(true);
    expect(computeCaseClock(state, new Date("2026-03-16T16:00:00Z"), "UTC").overdue).toBe(false);
  });

  it("adds a hearing's days to the running limit, also while the hearing goes on", () => {
    const state = fold([
      filed("2026-03-02T02:00:00Z"),
      ["case.accepted", "2026-03-02T03:00:00Z", {}],
      ["case.paused", "2026-03-12T03:00:00Z", { reason: "hearing" }],
    ]);
    const during = computeCaseClock(state, new Date("2026-03-20T03:00:00Z"), SHANGHAI);
    expect(during.paused).toBe(true);
    // 8 days into the hearing: the 60-day limit (1 May) moves to 9 May.
    expect(during.next).toMatchObject({ kind: "conclusion", due: "2026-05-09", pausedDays: 8 });
    const resumed = applyCaseEvent(state, {
      streamId: "C2026-00001",
      seq: state.lastSeq + 1,
      type: "case.resumed",
      occurredAt: "2026-03-22T03:00:00Z",
      actor: { username: "cw" },
      payload: {},
      hash: "h",
    });
    const after = computeCaseClock(resumed, new Date("2026-06-01T03:00:00Z"), SHANGHAI);
    expect(after.next).toMatchObject({ due: "2026-05-11", pausedDays: 10, overdue: true });
  });

  it("becomes final when the review window passes unused, and a late answer shows as late", () => {
    const state = fold([
      filed("2026-03-02T02:00:00Z"),
      ["case.accepted", "2026-03-20T02:00:00Z", {}],
      ["case.answered", "2026-05-30T02:00:00Z", { letter }],
    ]);
    const open = computeCaseClock(state, new Date("2026-06-29T02:00:00Z"), SHANGHAI);
    expect(open.stage).toBe("answered");
    expect(open.reviewOpen).toBe(1);
    expect(open.deadlines.map((deadline) => [deadline.kind, deadline.overdue])).toEqual([
      ["acceptance", true],
      ["conclusion", true],
      ["review_request", false],
    ]);
    // Nothing staff must do is running: not on the board, not overdue.
    expect(open.next).toBeUndefined();
    expect(open.overdue).toBe(false);
    const closed = computeCaseClock(state, new Date("2026-06-30T02:00:00Z"), SHANGHAI);
    expect(closed.stage).toBe("final");
    expect(closed.reviewOpen).toBeUndefined();
  });
});
