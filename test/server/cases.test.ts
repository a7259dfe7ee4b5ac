// Residents' cases against the real server with a controllable clock: the legal limits as the resident and the
// board see them, day by day; who may read the resident's name and contact; the public routes under abuse; and
// the case streams in the verified log.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CaseBoardRow, CaseFiledResult, CaseView, DecisionLetter, PublicCaseView } from "../../shared/cases";
import type { ErrorBody } from "../../shared/errors";
import type { LogEvent } from "../../shared/events";
import { verifyStoreLog } from "../../server/scripts/verifyLog";
import { startTestServer, type Account, type TestServer } from "../helpers/server";

/** Day 0 is 2 March 2026, 10:00 in Shanghai (the default TIME_ZONE). */
const DAY0 = Date.parse("2026-03-02T02:00:00Z");
const DAY_MS = 86_400_000;

class TestClock {
  private at = DAY0;
  readonly read = () => new Date(this.at);
  setDay(day: number, extraMs = 0): void {
    this.at = DAY0 + day * DAY_MS + extraMs;
  }
  advance(ms: number): void {
    this.at += ms;
  }
}

/** The local date of day N (Shanghai), as the clock reports due dates. */
function dateOfDay(day: number): string {
  return new Date(DAY0 + day * DAY_MS + 8 * 3600_000).toISOString().slice(0, 10);
}

const RESIDENT = { name: "Wang Xiuying", contact: "13912345678 / 12 Huaihai Rd" };

function filing(extra: Record<string, unknown> = {}) {
  return {
    incidentNumber: "2026-00042",
    request: "Compensation for the water damage in my shop, and an explanation of why the engine took 14 minutes.",
    facts: "The fire was next door on the 1st. Water came through the wall and ruined my stock.",
    ...RESIDENT,
    ...extra,
  };
}

const letter = (decision: DecisionLetter["decision"], basis = "Fire Service Law art. 44; the incident log"): DecisionLetter => ({
  request: "Compensation and an explanation of the response time.",
  factsFound: "The first engine was dispatched 58 s after the call and arrived 13 min 40 s later because of road works.",
  decision,
  basis,
});

/** The due dates below are calendar days in Shanghai, whatever the server's default zone. */
function startCaseServer(clock: TestClock, env: Record<string, string> = {}) {
  return startTestServer({ clock: clock.read, env: { TOKEN_TTL_HOURS: "100000", TIME_ZONE: "Asia/Shanghai", ...env } });
}

describe("a case filed online, worked to a final answer", () => {
  const clock = new TestClock();
  let server: TestServer;
  let caseworker: Account;
  let filed: CaseFiledResult;

  beforeAll(async () => {
    server = await startCaseServer(clock);
    caseworker = await server.createAccount("caseworker");
  });
  afterAll(() => server.close());

  const staff = <T>(method: string, path: string, body?: unknown) =>
    server.api<T>(method, path, { token: caseworker.token, ...(body !== undefined ? { body } : {}) });
  const publicView = async () => {
    const response = await server.api<PublicCaseView>("GET", `/public/cases/${filed.caseNumber}`, {
      headers: { "x-access-code": filed.accessCode },
    });
    expect(response.status).toBe(200);
    return response.body;
  };
  const deadline = (view: PublicCaseView, kind: string, level?: number) =>
    view.clock.deadlines.find((candidate) => candidate.kind === kind && candidate.level === level);

  it("files without an account and answers a case number and an access code at once", async () => {
    clock.setDay(0);
    const response = await server.api<CaseFiledResult>("POST", "/public/cases", { body: filing({ explanationToken: "expl_abc-123" }) });
    expect(response.status).toBe(201);
    filed = response.body;
    expect(filed.caseNumber).toMatch(/^C2026-\d{5}$/);
    expect(filed.accessCode).toMatch(/^([0-9A-Z]{4}-){5}[0-9A-Z]{4}$/);

    const view = await publicView();
    expect(view.status).toBe("received");
    expect(view.clock.stage).toBe("awaiting_acceptance");
    expect(deadline(view, "acceptance")).toMatchObject({ due: dateOfDay(15), overdue: false, daysLeft: 15 });
    // Nothing personal in the public view.
    expect(JSON.stringify(view)).not.toContain(RESIDENT.name);
    expect(JSON.stringify(view)).not.toContain("13912345678");

    // Staff see the explanation token the resident came from, and the resident's details; never the code's hash.
    const detail = await staff<CaseView>("GET", `/cases/${filed.caseNumber}`);
    expect(detail.body).toMatchObject({ explanationToken: "expl_abc-123", resident: RESIDENT, channel: "online" });
    expect(JSON.stringify(detail.body)).not.toContain("accessCodeHash");
  });

  it("answers 404 for a wrong or missing code exactly as for a case that does not exist", async () => {
    const wrong = await server.api<ErrorBody>("GET", `/public/cases/${filed.caseNumber}?code=AAAA-BBBB-CCCC-DDDD-EEEE-FFFF`);
    const missing = await server.api<ErrorBody>("GET", `/public/cases/${filed.caseNumber}`);
    const unknown = await server.api<ErrorBody>("GET", `/public/cases/C2026-99999`, { headers: { "x-access-code": filed.accessCode } });
    for (const response of [wrong, missing, unknown]) {
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ code: "not_found", message: "No case matches this case number and access code." });
    }
    // The code works in the query too, and typed in lower case without dashes.
    const typed = filed.accessCode.toLowerCase().replace(/-/g, "").replace(/0/g, "o").replace(/1/g, "l");
    expect((await server.api("GET", `/public/cases/${filed.caseNumber}?code=${typed}`)).status).toBe(200);
  });

  it("accepted on day 3: the conclusion is due 60 days after acceptance", async () => {
    clock.setDay(3);
    expect((await staff("POST", `/cases/${filed.caseNumber}/accept`, { notice: "Accepted; we will answer in writing." })).status).toBe(200);
    expect((await staff("POST", `/cases/${filed.caseNumber}/assign`, { userId: caseworker.user.id })).status).toBe(200);
    expect((await staff("POST", `/cases/${filed.caseNumber}/links`, { kind: "incident", ref: "2026-00042" })).status).toBe(200);
    expect((await staff("POST", `/cases/${filed.caseNumber}/steps`, { text: "Read the incident log; asked station 3 for the route." })).status).toBe(200);
    const view = await publicView();
    expect(view.status).toBe("accepted");
    expect(view.acceptanceNotice).toBe("Accepted; we will answer in writing.");
    expect(deadline(view, "acceptance")).toMatchObject({ due: dateOfDay(15), overdue: false });
    expect(deadline(view, "acceptance")?.metAt).toBe(new Date(DAY0 + 3 * DAY_MS).toISOString());
    expect(deadline(view, "conclusion")).toMatchObject({ due: dateOfDay(63), overdue: false, daysLeft: 60 });
    // Staff names stay inside.
    expect(JSON.stringify(view)).not.toContain(caseworker.username);
  });

  it("extended on day 55 with an approver and a reason the resident sees; only once", async () => {
    clock.setDay(55);
    const extended = await staff("POST", `/cases/${filed.caseNumber}/extend`, {
      days: 30,
      approver: "Deputy director Li",
      reason: "The road-works permit records must come from the city.",
    });
    expect(extended.status).toBe(200);
    const again = await staff<ErrorBody>("POST", `/cases/${filed.caseNumber}/extend`, { days: 5, approver: "X", reason: "again" });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("invalid_transition");

    const view = await publicView();
    expect(view.extension).toEqual({ days: 30, reason: "The road-works permit records must come from the city.", at: new Date(DAY0 + 55 * DAY_MS).toISOString() });
    expect(JSON.stringify(view)).not.toContain("Deputy director Li");
    expect(deadline(view, "conclusion")).toMatchObject({ due: dateOfDay(93), extendedDays: 30, overdue: false });
  });

  it("answered on day 80 with a decision letter: on time, and the review window opens", async () => {
    clock.setDay(80);
    const bad = await staff<ErrorBody>("POST", `/cases/${filed.caseNumber}/answer`, { letter: { ...letter("explain"), basis: "" } });
    expect(bad.status).toBe(400);
    expect((await staff("POST", `/cases/${filed.caseNumber}/answer`, { letter: letter("explain") })).status).toBe(200);
    const view = await publicView();
    expect(view.status).toBe("answered");
    expect(view.answer).toEqual({ letter: letter("explain"), at: new Date(DAY0 + 80 * DAY_MS).toISOString() });
    expect(deadline(view, "conclusion")).toMatchObject({ due: dateOfDay(93), overdue: false });
    expect(deadline(view, "review_request", 1)).toMatchObject({ due: dateOfDay(110), daysLeft: 30 });
    expect(view.clock.reviewOpen).toBe(1);
  });

  it("a first review asked online 20 days after the answer, answered, then a second review, then final", async () => {
    clock.setDay(100);
    const asked = await server.api<PublicCaseView>("POST", `/public/cases/${filed.caseNumber}/reviews`, {
      headers: { "x-access-code": filed.accessCode },
      body: { reason: "The road works were announced; the route should have been changed." },
    });
    expect(asked.status).toBe(200);
    expect(asked.body.status).toBe("in_review");
    expect(deadline(asked.body, "review_answer", 1)).toMatchObject({ due: dateOfDay(130), overdue: false });

    clock.setDay(110);
    expect((await staff("POST", `/cases/${filed.caseNumber}/review-answer`, { letter: letter("explain", "复查: the route map of 1 March") })).status).toBe(200);

    clock.setDay(120);
    const second = await staff<CaseView>("POST", `/cases/${filed.caseNumber}/reviews`, {
      receivedAt: new Date(DAY0 + 118 * DAY_MS).toISOString(),
      reason: "Letter asking for 复核.",
    });
    expect(second.status).toBe(200);
    expect(second.body.clock.deadlines.find((entry) => entry.kind === "review_answer" && entry.level === 2)).toMatchObject({ due: dateOfDay(148) });

    clock.setDay(140);
    expect((await staff("POST", `/cases/${filed.caseNumber}/review-answer`, { letter: letter("reject", "复核: no new facts") })).status).toBe(200);

    const view = await publicView();
    expect(view.clock.stage).toBe("final");
    expect(view.reviews.map((review) => [review.level, review.answer?.letter.decision])).toEqual([
      [1, "explain"],
      [2, "reject"],
    ]);
    expect(view.clock.deadlines.map((entry) => `${entry.kind}${entry.level ?? ""}:${entry.due}:${entry.overdue}`)).toEqual([
      `acceptance:${dateOfDay(15)}:false`,
      `conclusion:${dateOfDay(93)}:false`,
      `review_request1:${dateOfDay(110)}:false`,
      `review_answer1:${dateOfDay(130)}:false`,
      `review_request2:${dateOfDay(140)}:false`,
      `review_answer2:${dateOfDay(148)}:false`,
    ]);
    const third = await staff<ErrorBody>("POST", `/cases/${filed.caseNumber}/reviews`, { reason: "once more" });
    expect(third.status).toBe(409);
  });

  it("keeps the resident's name and contact from dispatchers and crews, and from the global log they read", async () => {
    await server.createUnit("E-CASE");
    const crew = await server.createAccount("crew", "E-CASE");
    const dispatcher = await server.createAccount("dispatcher");
    for (const account of [crew, dispatcher]) {
      const detail = await server.api<ErrorBody>("GET", `/cases/${filed.caseNumber}`, { token: account.token });
      expect(detail.status).toBe(403);
      const board = await server.api<ErrorBody>("GET", `/cases`, { token: account.token });
      expect(board.status).toBe(403);
    }
    const log = await server.api<{ events: LogEvent[] }>("GET", "/events?after=0&limit=1000", { token: dispatcher.token });
    expect(log.status).toBe(200);
    const caseEvents = log.body.events.filter((event) => event.streamType === "case");
    expect(caseEvents.length).toBeGreaterThan(5);
    expect(JSON.stringify(log.body)).not.toContain(RESIDENT.name);
    expect(JSON.stringify(log.body)).not.toContain("13912345678");
    // The caseworker reads the same log with the details.
    const full = await server.api<{ events: LogEvent[] }>("GET", "/events?after=0&limit=1000", { token: server.adminToken });
    expect(JSON.stringify(full.body)).toContain(RESIDENT.name);
  });

  it("records every step in the case stream, and the chain and the stored case verify", async () => {
    const log = await server.api<{ events: LogEvent[] }>("GET", "/events?after=0&limit=1000", { token: server.adminToken });
    const types = log.body.events.filter((event) => event.streamType === "case" && event.streamId === filed.caseNumber).map((event) => event.type);
    expect(types).toEqual([
      "case.filed",
      "case.accepted",
      "case.assigned",
      "case.linked",
      "case.step",
      "case.extended",
      "case.answered",
      "case.review_requested",
      "case.review_answered",
      "case.review_requested",
      "case.review_answered",
    ]);
    const result = await verifyStoreLog(server.server.store);
    expect(result.problems).toEqual([]);
    expect(result.streams.case).toBe(1);
  });
});

describe("the board", () => {
  const clock = new TestClock();
  let server: TestServer;
  let caseworker: Account;
  const numbers: Record<string, string> = {};

  beforeAll(async () => {
    server = await startCaseServer(clock);
    caseworker = await server.createAccount("caseworker");
  });
  afterAll(() => server.close());

  const staff = <T>(method: string, path: string, body?: unknown) =>
    server.api<T>(method, path, { token: caseworker.token, ...(body !== undefined ? { body } : {}) });
  const board = async (status = "open") => {
    const response = await staff<{ cases: CaseBoardRow[] }>("GET", `/cases?status=${status}`);
    expect(response.status).toBe(200);
    return response.body.cases.map((row) => ({ number: row.caseNumber, due: row.clock.next?.due, overdue: row.clock.overdue, kind: row.clock.next?.kind }));
  };

  it("sets the scene: cases received online and by letter, one accepted at once", async () => {
    clock.setDay(0);
    numbers.unaccepted = (await server.api<CaseFiledResult>("POST", "/public/cases", { body: filing() })).body.caseNumber;
    const byLetter = await staff<CaseFiledResult>("POST", "/cases", {
      ...filing(),
      channel: "letter",
      receivedAt: new Date(DAY0 - 3600_000).toISOString(),
    });
    expect(byLetter.status).toBe(201);
    numbers.accepted = byLetter.body.caseNumber;
    expect((await staff("POST", `/cases/${numbers.accepted}/accept`, {})).status).toBe(200);
    const visit = await staff<CaseFiledResult>("POST", "/cases", { ...filing(), channel: "visit", receivedAt: new Date(DAY0).toISOString() });
    numbers.hearing = visit.body.caseNumber;
    expect((await staff("POST", `/cases/${numbers.hearing}/accept`, {})).status).toBe(200);
    const other = await staff<CaseFiledResult>("POST", "/cases", { ...filing(), channel: "phone", receivedAt: new Date(DAY0).toISOString() });
    numbers.referred = other.body.caseNumber;
    clock.setDay(10);
    numbers.later = (await server.api<CaseFiledResult>("POST", "/public/cases", { body: filing() })).body.caseNumber;
    // A hearing from day 10 to day 15 stops the hearing case's clock for 5 days.
    expect((await staff("POST", `/cases/${numbers.hearing}/pause`, { reason: "Hearing with both parties" })).status).toBe(200);
    // A challenge of the fire-cause finding belongs to another procedure: marked and referred.
    const referred = await staff<CaseView>("POST", `/cases/${numbers.referred}/refer`, {
      to: "Fire investigation review (火灾事故认定复核)",
      reason: "A challenge of the fire-cause finding is reviewed under its own procedure.",
      otherProcedure: true,
    });
    expect(referred.status).toBe(200);
    clock.setDay(15);
    expect((await staff("POST", `/cases/${numbers.hearing}/resume`, {})).status).toBe(200);
  });

  it("on day 15 nothing is overdue yet; on day 16 the unaccepted case is on top, overdue", async () => {
    clock.setDay(15);
    expect((await board()).some((row) => row.overdue)).toBe(false);
    clock.setDay(16);
    const rows = await board();
    expect(rows[0]).toEqual({ number: numbers.unaccepted, due: dateOfDay(15), overdue: true, kind: "acceptance" });
    expect(rows.slice(1).every((row) => !row.overdue)).toBe(true);
    // Sorted by due date below the overdue ones; the referred case has no running limit and is not on the board.
    expect(rows.map((row) => row.number)).toEqual([numbers.unaccepted, numbers.later, numbers.accepted, numbers.hearing]);
    expect(rows.map((row) => row.due)).toEqual([dateOfDay(15), dateOfDay(25), dateOfDay(60), dateOfDay(65)]);
    expect((await board("all")).map((row) => row.number)).toContain(numbers.referred);
  });

  it("on day 61 the case accepted on day 0 is overdue too, the hearing's days are not counted", async () => {
    clock.setDay(16);
    expect((await staff("POST", `/cases/${numbers.later}/accept`, {})).status).toBe(200);
    clock.setDay(61);
    const rows = await board();
    expect(rows.filter((row) => row.overdue).map((row) => [row.number, row.kind])).toEqual([
      [numbers.unaccepted, "acceptance"],
      [numbers.accepted, "conclusion"],
    ]);
    expect(rows.find((row) => row.number === numbers.hearing)).toEqual({ number: numbers.hearing, due: dateOfDay(65), overdue: false, kind: "conclusion" });
    expect(rows.find((row) => row.number === numbers.later)).toMatchObject({ due: dateOfDay(76), overdue: false });
  });

  it("refuses to answer a case that was never accepted, and a referred case: cases close only with an answer", async () => {
    const unaccepted = await staff<ErrorBody>("POST", `/cases/${numbers.unaccepted}/answer`, { letter: letter("support") });
    expect(unaccepted.status).toBe(409);
    const referred = await staff<ErrorBody>("POST", `/cases/${numbers.referred}/answer`, { letter: letter("support") });
    expect(referred.status).toBe(409);
    expect((await verifyStoreLog(server.server.store)).problems).toEqual([]);
  });
});

describe("the public routes under abuse", () => {
  const clock = new TestClock();
  let server: TestServer;

  beforeAll(async () => {
    server = await startCaseServer(clock, { PUBLIC_RATE_LIMIT: "12", PUBLIC_RATE_WINDOW_SECONDS: "60" });
  });
  afterAll(() => server.close());

  it("accepts only bounded plain text and never echoes markup", async () => {
    const html = await server.api<ErrorBody>("POST", "/public/cases", {
      body: filing({ request: 'Please <script>alert("x")</script> help' }),
    });
    expect(html.status).toBe(400);
    expect(html.body.code).toBe("validation_failed");
    expect(JSON.stringify(html.body)).not.toContain("<script");
    const long = await server.api<ErrorBody>("POST", "/public/cases", { body: filing({ facts: "x".repeat(4001) }) });
    expect(long.status).toBe(400);
    const extra = await server.api<ErrorBody>("POST", "/public/cases", { body: filing({ status: "answered" }) });
    expect(extra.status).toBe(400);
  });

  it("guessing codes gets 404 and then 429; the console is not affected; the right code works after the window", async () => {
    clock.setDay(0);
    const filed = (await server.api<CaseFiledResult>("POST", "/public/cases", { body: filing() })).body;
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 30; attempt++) {
      const guess = randomUUID().slice(0, 24).toUpperCase();
      statuses.push((await server.api("GET", `/public/cases/${filed.caseNumber}?code=${guess}`)).status);
    }
    // 4 requests so far (3 bad filings + 1 filing): 8 more are answered, then every request is refused.
    expect(statuses.slice(0, 8).every((status) => status === 404)).toBe(true);
    expect(statuses.slice(8).every((status) => status === 429)).toBe(true);
    const limited = await server.api<ErrorBody>("GET", `/public/cases/${filed.caseNumber}`, { headers: { "x-access-code": filed.accessCode } });
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe("rate_limited");
    // Staff from the same address are not limited by the public flood.
    expect((await server.api("GET", "/incidents", { token: server.adminToken })).status).toBe(200);
    expect((await server.api("GET", "/cases", { token: server.adminToken })).status).toBe(200);

    clock.advance(61_000);
    const after = await server.api<PublicCaseView>("GET", `/public/cases/${filed.caseNumber}`, { headers: { "x-access-code": filed.accessCode } });
    expect(after.status).toBe(200);
    expect(after.body.caseNumber).toBe(filed.caseNumber);
  });

  it("does not count a resident's reading of published explanations against their tries at a case", async () => {
    clock.advance(61_000);
    const filed = (await server.api<CaseFiledResult>("POST", "/public/cases", { body: filing() })).body;
    for (let page = 0; page < 20; page++) {
      expect((await server.api("GET", `/public/explanations/${randomUUID().replaceAll("-", "")}`)).status).toBe(404);
    }
    const read = await server.api<PublicCaseView>("GET", `/public/cases/${filed.caseNumber}`, { headers: { "x-access-code": filed.accessCode } });
    expect(read.status).toBe(200);
  });
});
