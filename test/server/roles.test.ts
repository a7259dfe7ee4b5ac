// Who may do what: every REST operation against every role (and no login at all), asserting the answer a user
// sees and, for refused writes, that nothing was stored. Then the socket's handshake and per-unit checks,
// token revocation and logout, and the login rate limit.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type {
  CallIntakeResult,
  ExplanationView,
  IncidentSearchPage,
  IncidentDetailView,
  IncidentView,
  UnitStatusResult,
  UnitView,
  UserView,
} from "../../shared/api";
import type { Role } from "../../shared/domain";
import { can, type PolicyActor, type PolicyExplanation, type PolicyIncident } from "../../shared/policy";
import type { AckResult, ErrorBody } from "../../shared/errors";
import type { IncidentEvent } from "../../shared/events";
import type { RunCard } from "../../shared/schemas";
import type { CaseBoardRow, CaseFiledResult, CaseView } from "../../shared/cases";
import { buildApp } from "../../server/http/app";
import { opId } from "../helpers/factories";
import { emitWithAck, must, nextEvent, startTestServer, waitForConnect } from "../helpers/server";
import type { Account, ApiResponse, ClientSocket, TestServer } from "../helpers/server";

type Principal = Role | "anonymous";
const PRINCIPALS: readonly Principal[] = ["dispatcher", "crew", "supervisor", "pr", "admin", "integration", "caseworker", "anonymous"];

const CREW_UNIT = "RL-CREW";
const OTHER_UNIT = "RL-OTHER";
/** What the policy needs to know of the incidents the table acts on. */
const CREW_INCIDENT: PolicyIncident = { assignments: [{ unitId: CREW_UNIT, active: true }] };
const OTHER_INCIDENT: PolicyIncident = { assignments: [{ unitId: OTHER_UNIT, active: true }] };

let server: TestServer;
let crew: Account;
let caseworkerUserId = "";
const tokens: Record<Principal, string | null> = {
  dispatcher: null,
  crew: null,
  supervisor: null,
  pr: null,
  admin: null,
  integration: null,
  caseworker: null,
  anonymous: null,
};
/** Each principal's password, for the row that changes it (and changes it back). */
const passwords = new Map<string, string>();

beforeAll(async () => {
  server = await startTestServer();
  await server.createUnit(CREW_UNIT);
  await server.createUnit(OTHER_UNIT);
  crew = await server.createAccount("crew", CREW_UNIT);
  tokens.crew = crew.token;
  passwords.set(crew.token, crew.password);
  passwords.set(server.adminToken, server.adminPassword);
  for (const role of ["dispatcher", "supervisor", "pr", "integration", "caseworker"] as const) {
    const account = await server.createAccount(role);
    tokens[role] = account.token;
    passwords.set(account.token, account.password);
    if (role === "caseworker") caseworkerUserId = account.user.id;
  }
  tokens.admin = server.adminToken;
});
afterAll(() => server.close());

// ---- helpers that act as the admin to set the scene and to read what was stored ----

const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3600_000).toISOString();

function asAdmin<T = unknown>(method: string, pathname: string, body?: unknown): Promise<ApiResponse<T>> {
  return server.api<T>(method, pathname, { token: server.adminToken, ...(body !== undefined ? { body } : {}) });
}

function phoneCall(extra: Record<string, unknown> = {}) {
  return {
    intakeId: randomUUID(),
    source: "phone",
    location: { lat: 37.75 + Math.random() / 50, lng: -122.45 + Math.random() / 50 },
    incidentType: "service",
    description: "Water leaking through a ceiling",
    ...extra,
  };
}

async function openIncident(): Promise<string> {
  const result = await must(asAdmin<CallIntakeResult>("POST", "/calls", phoneCall()), 201);
  return result.incident.id;
}

let unitCounter = 0;
async function freshUnit(): Promise<string> {
  unitCounter += 1;
  const unitId = `RL-U${unitCounter}`;
  await server.createUnit(unitId);
  return unitId;
}

async function listUnits(): Promise<UnitView[]> {
  return (await must(asAdmin<{ units: UnitView[] }>("GET", "/units"))).units;
}

async function unitView(unitId: string): Promise<UnitView> {
  const unit = (await listUnits()).find((candidate) => candidate.id === unitId);
  if (!unit) throw new Error(`unit ${unitId} is missing`);
  return unit;
}

/** Puts a unit back to available whatever it was doing (an admin override, logged with a reason). */
async function makeAvailable(unitId: string): Promise<void> {
  if ((await unitView(unitId)).status === "available") return;
  await must(
    asAdmin("POST", `/units/${unitId}/status`, { status: "available", opId: opId(), override: { reason: "test reset" } }),
  );
}

async function sendUnit(incidentId: string, unitId: string): Promise<void> {
  await makeAvailable(unitId);
  await must(asAdmin("POST", `/incidents/${incidentId}/dispatch`, { unitIds: [unitId], opId: opId() }));
}

async function incidentDetail(incidentId: string): Promise<IncidentDetailView> {
  return must(asAdmin<IncidentDetailView>("GET", `/incidents/${incidentId}`));
}

async function logPosition(): Promise<number> {
  return (await must(asAdmin<{ position: number }>("GET", "/incidents?limit=1"))).position;
}

async function logSince(position: number): Promise<IncidentEvent[]> {
  return (await must(asAdmin<{ events: IncidentEvent[] }>("GET", `/events?after=${position}&limit=1000`))).events;
}

async function usernames(): Promise<string[]> {
  return (await must(asAdmin<{ users: UserView[] }>("GET", "/users"))).users.map((user) => user.username);
}

async function serviceRunCard(): Promise<RunCard> {
  const { runCards } = await must(asAdmin<{ runCards: RunCard[] }>("GET", "/run-cards"));
  const card = runCards.find((candidate) => candidate.incidentType === "service");
  if (!card) throw new Error("no run card for service");
  return card;
}

// ---- residents' cases ----

const LETTER = { request: "Why so late?", factsFound: "Road works.", decision: "explain", basis: "The incident log." };

/** A case registered by the admin, taken through `steps` (path and body of each staff action) first. */
async function freshCase(steps: [string, unknown][] = []): Promise<string> {
  const { caseNumber } = await must(
    asAdmin<CaseFiledResult>("POST", "/cases", {
      request: "Explain the response time.",
      facts: "The engine came late.",
      name: "Resident Roles",
      contact: "13900000000",
      channel: "phone",
      receivedAt: new Date().toISOString(),
    }),
    201,
  );
  for (const [path, body] of steps) await must(asAdmin("POST", `/cases/${caseNumber}/${path}`, body));
  return caseNumber;
}

async function caseEventsSince(mark: number, caseNumber: string): Promise<string[]> {
  return (await logSince(mark))
    .filter((event) => (event as { streamType: string }).streamType === "case" && (event as { streamId: string }).streamId === caseNumber)
    .map((event) => event.type);
}

/** A row for `POST /cases/:caseNumber/<path>`: allowed appends `eventType` to the case's stream, refused nothing. */
function caseAction(path: string, setup: [string, unknown][], body: () => unknown, eventType: string): Operation {
  return {
    name: `POST /cases/:caseNumber/${path}`,
    allowed: can.handleCases,
    async run(token) {
      const caseNumber = await freshCase(setup);
      const attempt = await send(token, "POST", `/cases/${caseNumber}/${path}`, body());
      return {
        ...attempt,
        check: async (allowed) => expect(await caseEventsSince(attempt.mark, caseNumber)).toEqual(allowed ? [eventType] : []),
      };
    },
  };
}

const caseOperations: Operation[] = [
  {
    name: "GET /cases",
    allowed: can.readCases,
    async run(token) {
      const caseNumber = await freshCase();
      const attempt = await send(token, "GET", "/cases");
      return {
        ...attempt,
        check: (allowed) => {
          if (allowed) expect((attempt.response.body as { cases: CaseBoardRow[] }).cases.map((row) => row.caseNumber)).toContain(caseNumber);
        },
      };
    },
  },
  {
    name: "GET /cases/:caseNumber (with the resident's name and contact)",
    allowed: can.readCases,
    async run(token) {
      const caseNumber = await freshCase();
      const attempt = await send(token, "GET", `/cases/${caseNumber}`);
      return {
        ...attempt,
        check: (allowed) => {
          if (allowed) expect((attempt.response.body as CaseView).resident.contact).toBe("13900000000");
          else expect(JSON.stringify(attempt.response.body)).not.toContain("13900000000");
        },
      };
    },
  },
  {
    name: "POST /cases (registering a case received by phone, letter or visit)",
    allowed: can.handleCases,
    okStatus: 201,
    async run(token) {
      const attempt = await send(token, "POST", "/cases", {
        request: "A question.",
        facts: "Facts.",
        name: "Resident Register",
        contact: "letter to 1 Main St",
        channel: "letter",
        receivedAt: new Date(Date.now() - 86_400_000).toISOString(),
      });
      return {
        ...attempt,
        check: async (allowed) => {
          const filed = (await logSince(attempt.mark)).filter((event) => event.type === ("case.filed" as string));
          expect(filed).toHaveLength(allowed ? 1 : 0);
        },
      };
    },
  },
  caseAction("accept", [], () => ({ notice: "Accepted." }), "case.accepted"),
  caseAction("refer", [], () => ({ to: "Fire investigation review", reason: "Another procedure.", otherProcedure: true }), "case.referred"),
  caseAction("assign", [], () => ({ userId: caseworkerUserId }), "case.assigned"),
  caseAction("steps", [], () => ({ text: "Read the log." }), "case.step"),
  caseAction("links", [], () => ({ kind: "incident", ref: "2026-00001" }), "case.linked"),
  caseAction("extend", [["accept", {}]], () => ({ days: 30, approver: "Director", reason: "Records pending." }), "case.extended"),
  caseAction("pause", [["accept", {}]], () => ({ reason: "Hearing." }), "case.paused"),
  caseAction("resume", [["accept", {}], ["pause", { reason: "Hearing." }]], () => ({}), "case.resumed"),
  caseAction("answer", [["accept", {}]], () => ({ letter: LETTER }), "case.answered"),
  caseAction("reviews", [["accept", {}], ["answer", { letter: LETTER }]], () => ({ reason: "I ask for a review." }), "case.review_requested"),
  caseAction(
    "review-answer",
    [["accept", {}], ["answer", { letter: LETTER }], ["reviews", { reason: "Review please." }]],
    () => ({ letter: LETTER }),
    "case.review_answered",
  ),
];

/** A pr account that writes the explanations the table acts on: no principal below wrote them. */
let explanationAuthor: Account | undefined;
const AUTHORED: PolicyExplanation = { authors: ["the-author"] };

async function explanationIn(status: "draft" | "submitted" | "approved" | "published"): Promise<string> {
  explanationAuthor ??= await server.createAccount("pr");
  const author = explanationAuthor.token;
  const incidentId = await openIncident();
  const created = await must(server.api<ExplanationView>("POST", `/incidents/${incidentId}/explanations`, { token: author, body: { opId: opId() } }), 201);
  if (status === "draft") return created.id;
  await must(server.api("POST", `/explanations/${created.id}/submit`, { token: author, body: { opId: opId() } }));
  if (status === "submitted") return created.id;
  await must(asAdmin("POST", `/explanations/${created.id}/approve`, { opId: opId() }));
  if (status === "approved") return created.id;
  await must(server.api("POST", `/explanations/${created.id}/publish`, { token: author, body: { opId: opId() } }));
  return created.id;
}

async function explanationStatus(id: string): Promise<string> {
  return (await must(asAdmin<ExplanationView>("GET", `/explanations/${id}`))).status;
}

/** Rows for the explanation workflow: which status the explanation must be in, and where an allowed call takes it. */
const explanationStep = (
  route: string,
  allowed: (actor: PolicyActor) => boolean,
  from: "draft" | "submitted" | "approved" | "published",
  to: string,
  body: Record<string, unknown> = {},
): Operation => ({
  name: `POST /explanations/:id/${route}`,
  allowed,
  async run(token) {
    const id = await explanationIn(from);
    const attempt = await send(token, "POST", `/explanations/${id}/${route}`, { opId: opId(), ...body });
    return { ...attempt, check: async (isAllowed) => expect(await explanationStatus(id)).toBe(isAllowed ? to : from) };
  },
});

// ---- the table ----

interface Attempt {
  response: ApiResponse;
  /** Global log position just before the request: a refused request must not append anything after it. */
  mark: number;
  /** Checks the answer and what was stored: the change is there when allowed, absent when refused. */
  check?: (allowed: boolean) => Promise<void> | void;
}

interface Operation {
  /** Starts with the route as the router declares it ("POST /incidents/:id/dispatch"). */
  name: string;
  /** The policy's answer: the expected outcome for every role comes from shared/policy.ts, never a list here. */
  allowed: (actor: PolicyActor) => boolean;
  okStatus?: number;
  run(token: string | null): Promise<Attempt>;
}

async function send(token: string | null, method: string, pathname: string, body?: unknown) {
  const mark = await logPosition();
  const response = await server.api(method, pathname, { token, ...(body !== undefined ? { body } : {}) });
  return { response, mark };
}

const operations: Operation[] = [
  {
    name: "POST /calls",
    allowed: can.takeCalls,
    okStatus: 201,
    async run(token) {
      const call = phoneCall();
      const attempt = await send(token, "POST", "/calls", call);
      return {
        ...attempt,
        check: async (allowed) => {
          const received = (await logSince(attempt.mark)).filter(
            (event) => event.type === "call.received" && event.payload.intakeId === call.intakeId,
          );
          expect(received).toHaveLength(allowed ? 1 : 0);
        },
      };
    },
  },
  {
    name: 'POST /calls with source "import"',
    allowed: (actor) => can.takeCalls(actor) && can.importHistory(actor),
    okStatus: 201,
    async run(token) {
      const call = phoneCall({ source: "import", receivedAt: hoursAgo(72), externalId: `EXT-${randomUUID().slice(0, 8)}` });
      const attempt = await send(token, "POST", "/calls", call);
      return {
        ...attempt,
        check: async (allowed) => {
          const received = (await logSince(attempt.mark)).filter(
            (event) => event.type === "call.received" && event.payload.intakeId === call.intakeId,
          );
          expect(received).toHaveLength(allowed ? 1 : 0);
          if (allowed) expect(received[0]?.source).toBe("import");
        },
      };
    },
  },
  {
    name: "GET /calls/duplicates",
    allowed: can.lookUpDuplicates,
    async run(token) {
      const attempt = await send(token, "GET", "/calls/duplicates?lat=37.76&lng=-122.44&incidentType=service");
      return {
        ...attempt,
        check: (allowed) => {
          if (allowed) expect(Array.isArray((attempt.response.body as { duplicates: unknown }).duplicates)).toBe(true);
        },
      };
    },
  },
  {
    name: "GET /addresses",
    allowed: can.lookUpAddresses,
    async run(token) {
      await must(asAdmin("POST", "/calls", phoneCall({ location: { lat: 37.76, lng: -122.44, address: "1 Roles St" } })), 201);
      const attempt = await send(token, "GET", "/addresses?q=1%20roles");
      return {
        ...attempt,
        check: (allowed) => {
          if (allowed) expect((attempt.response.body as { addresses: unknown[] }).addresses.length).toBeGreaterThan(0);
        },
      };
    },
  },
  {
    name: "GET /incidents",
    allowed: can.readAllIncidents,
    async run(token) {
      const incidentId = await openIncident();
      const attempt = await send(token, "GET", "/incidents");
      return {
        ...attempt,
        check: (allowed) => {
          if (!allowed) return;
          const { incidents } = attempt.response.body as { incidents: IncidentView[] };
          expect(incidents.map((incident) => incident.id)).toContain(incidentId);
        },
      };
    },
  },
  {
    name: "GET /incidents/:id of an incident the crew's unit was sent to",
    allowed: (actor) => can.readIncident(actor, CREW_INCIDENT),
    async run(token) {
      const incidentId = await openIncident();
      await sendUnit(incidentId, CREW_UNIT);
      const attempt = await send(token, "GET", `/incidents/${incidentId}`);
      return {
        ...attempt,
        check: (allowed) => {
          if (allowed) expect((attempt.response.body as IncidentDetailView).id).toBe(incidentId);
        },
      };
    },
  },
  {
    name: "GET /incidents/:id of an incident the crew's unit was never sent to",
    allowed: (actor) => can.readIncident(actor, OTHER_INCIDENT),
    async run(token) {
      const incidentId = await openIncident();
      await sendUnit(incidentId, await freshUnit());
      const attempt = await send(token, "GET", `/incidents/${incidentId}`);
      return {
        ...attempt,
        check: (allowed) => {
          if (allowed) expect((attempt.response.body as IncidentDetailView).id).toBe(incidentId);
          else expect(JSON.stringify(attempt.response.body)).not.toContain("Water leaking");
        },
      };
    },
  },
  {
    name: "GET /incidents/:id/recommendations",
    allowed: can.seeRecommendations,
    async run(token) {
      const incidentId = await openIncident();
      const attempt = await send(token, "GET", `/incidents/${incidentId}/recommendations`);
      return {
        ...attempt,
        check: (allowed) => {
          if (allowed) expect((attempt.response.body as { incidentId: string }).incidentId).toBe(incidentId);
        },
      };
    },
  },
  {
    name: "POST /incidents/:id/dispatch",
    allowed: can.dispatch,
    async run(token) {
      const incidentId = await openIncident();
      const unitId = await freshUnit();
      const attempt = await send(token, "POST", `/incidents/${incidentId}/dispatch`, { unitIds: [unitId], opId: opId() });
      return {
        ...attempt,
        check: async (allowed) => {
          const unit = await unitView(unitId);
          expect(unit.status).toBe(allowed ? "dispatched" : "available");
          expect(unit.incidentId).toBe(allowed ? incidentId : null);
          const detail = await incidentDetail(incidentId);
          expect(detail.assignments.map((assignment) => assignment.unitId)).toEqual(allowed ? [unitId] : []);
        },
      };
    },
  },
  {
    name: "POST /incidents/:id/merge",
    allowed: can.mergeIncidents,
    async run(token) {
      const from = await openIncident();
      const into = await openIncident();
      const attempt = await send(token, "POST", `/incidents/${from}/merge`, { into, opId: opId(), reason: "same leak" });
      return {
        ...attempt,
        check: async (allowed) => {
          expect((await incidentDetail(from)).status).toBe(allowed ? "merged" : "open");
          expect((await incidentDetail(into)).calls).toHaveLength(allowed ? 2 : 1);
        },
      };
    },
  },
  {
    name: "POST /incidents/:id/close",
    allowed: can.closeIncidents,
    async run(token) {
      const incidentId = await openIncident();
      const attempt = await send(token, "POST", `/incidents/${incidentId}/close`, { opId: opId(), reason: "false alarm" });
      return {
        ...attempt,
        check: async (allowed) => {
          const detail = await incidentDetail(incidentId);
          expect(detail.status).toBe(allowed ? "closed" : "open");
          expect(detail.closedAt === undefined).toBe(!allowed);
        },
      };
    },
  },
  {
    name: "POST /incidents/:id/phases on the incident the crew's unit is working",
    allowed: (actor) => can.recordOnIncident(actor, CREW_INCIDENT),
    async run(token) {
      const incidentId = await openIncident();
      await sendUnit(incidentId, CREW_UNIT);
      const attempt = await send(token, "POST", `/incidents/${incidentId}/phases`, {
        phase: "command_established",
        opId: opId(),
      });
      return {
        ...attempt,
        check: async (allowed) => {
          const { phases } = await incidentDetail(incidentId);
          expect(phases.command_established !== undefined).toBe(allowed);
        },
      };
    },
  },
  {
    name: "POST /incidents/:id/phases on an incident the crew's unit is not on",
    allowed: (actor) => can.recordOnIncident(actor, OTHER_INCIDENT),
    async run(token) {
      const incidentId = await openIncident();
      await sendUnit(incidentId, await freshUnit());
      const attempt = await send(token, "POST", `/incidents/${incidentId}/phases`, { phase: "under_control", opId: opId() });
      return {
        ...attempt,
        check: async (allowed) => {
          const { phases } = await incidentDetail(incidentId);
          expect(phases.under_control !== undefined).toBe(allowed);
        },
      };
    },
  },
  {
    name: "POST /incidents/:id/notes on the incident the crew's unit is working",
    allowed: (actor) => can.recordOnIncident(actor, CREW_INCIDENT),
    async run(token) {
      const incidentId = await openIncident();
      await sendUnit(incidentId, CREW_UNIT);
      const text = `Hydrant at the corner is dry ${randomUUID().slice(0, 6)}`;
      const attempt = await send(token, "POST", `/incidents/${incidentId}/notes`, { opId: opId(), text });
      return {
        ...attempt,
        check: async (allowed) => {
          const { notes } = await incidentDetail(incidentId);
          expect(notes.map((note) => note.text)).toEqual(allowed ? [text] : []);
        },
      };
    },
  },
  {
    name: "GET /incidents/:id/events of an incident the crew's unit was sent to",
    allowed: (actor) => can.readIncident(actor, CREW_INCIDENT),
    async run(token) {
      const incidentId = await openIncident();
      await sendUnit(incidentId, CREW_UNIT);
      const attempt = await send(token, "GET", `/incidents/${incidentId}/events`);
      return {
        ...attempt,
        check: (allowed) => {
          if (allowed) expect((attempt.response.body as { incidentId: string }).incidentId).toBe(incidentId);
        },
      };
    },
  },
  {
    name: "POST /incidents/:id/command on the incident the crew's unit is working",
    allowed: (actor) => can.recordFireground(actor, CREW_INCIDENT),
    async run(token) {
      const incidentId = await openIncident();
      await sendUnit(incidentId, CREW_UNIT);
      const name = `Capt. ${randomUUID().slice(0, 6)}`;
      const attempt = await send(token, "POST", `/incidents/${incidentId}/command`, { commanderName: name, unitId: CREW_UNIT, opId: opId() });
      return {
        ...attempt,
        check: async (allowed) => {
          expect((await incidentDetail(incidentId)).command?.name === name).toBe(allowed);
        },
      };
    },
  },
  {
    name: "POST /incidents/:id/decisions on the incident the crew's unit is working (command established)",
    allowed: (actor) => can.recordFireground(actor, CREW_INCIDENT),
    async run(token) {
      const incidentId = await openIncident();
      await sendUnit(incidentId, CREW_UNIT);
      await must(asAdmin("POST", `/incidents/${incidentId}/command`, { commanderName: "Capt. Role", unitId: CREW_UNIT, opId: opId() }));
      const reason = `Vent the stairwell ${randomUUID().slice(0, 6)}`;
      const attempt = await send(token, "POST", `/incidents/${incidentId}/decisions`, { decisionType: "ventilation", reason, opId: opId() });
      return {
        ...attempt,
        check: async (allowed) => {
          const decisions = (await incidentDetail(incidentId)).decisions ?? [];
          expect(decisions.map((decision) => decision.reason)).toEqual(allowed ? [reason] : []);
        },
      };
    },
  },
  {
    name: "POST /incidents/:id/water-use on the incident the crew's unit is working (command established)",
    allowed: (actor) => can.recordFireground(actor, CREW_INCIDENT),
    async run(token) {
      const incidentId = await openIncident();
      await sendUnit(incidentId, CREW_UNIT);
      await must(asAdmin("POST", `/incidents/${incidentId}/command`, { commanderName: "Capt. Role", unitId: CREW_UNIT, opId: opId() }));
      const attempt = await send(token, "POST", `/incidents/${incidentId}/water-use`, {
        unitId: CREW_UNIT, agent: "foam", nozzle: "foam", fireClass: "B", flameVisible: true, opId: opId(),
      });
      return {
        ...attempt,
        check: async (allowed) => {
          expect((await incidentDetail(incidentId)).waterUses?.length ?? 0).toBe(allowed ? 1 : 0);
        },
      };
    },
  },
  {
    name: "POST /incidents/:id/notes on an incident the crew's unit is not on",
    allowed: (actor) => can.recordOnIncident(actor, OTHER_INCIDENT),
    async run(token) {
      const incidentId = await openIncident();
      const text = "Caller says the gas smell is gone";
      const attempt = await send(token, "POST", `/incidents/${incidentId}/notes`, { opId: opId(), text });
      return {
        ...attempt,
        check: async (allowed) => {
          const { notes } = await incidentDetail(incidentId);
          expect(notes.map((note) => note.text)).toEqual(allowed ? [text] : []);
        },
      };
    },
  },
  {
    name: "POST /incidents/:id/alarm-level",
    allowed: can.changeAlarmLevel,
    async run(token) {
      const incidentId = await openIncident();
      const attempt = await send(token, "POST", `/incidents/${incidentId}/alarm-level`, { alarmLevel: 2, opId: opId() });
      return {
        ...attempt,
        check: async (allowed) => {
          expect((await incidentDetail(incidentId)).alarmLevel).toBe(allowed ? 2 : 1);
        },
      };
    },
  },
  {
    name: "GET /units",
    allowed: can.readUnits,
    async run(token) {
      const attempt = await send(token, "GET", "/units");
      return {
        ...attempt,
        check: (allowed) => {
          if (!allowed) return;
          const { units } = attempt.response.body as { units: UnitView[] };
          expect(units.map((unit) => unit.id)).toContain(CREW_UNIT);
        },
      };
    },
  },
  {
    name: "PUT /units/:unitId",
    allowed: can.configureUnits,
    okStatus: 201,
    async run(token) {
      unitCounter += 1;
      const unitId = `RL-NEW${unitCounter}`;
      const attempt = await send(token, "PUT", `/units/${unitId}`, {
        callSign: unitId,
        type: "ladder",
        station: "Station 9",
        home: { lat: 37.77, lng: -122.42 },
      });
      return {
        ...attempt,
        check: async (allowed) => {
          expect((await listUnits()).some((unit) => unit.id === unitId)).toBe(allowed);
        },
      };
    },
  },
  {
    name: "POST /units/:unitId/status for the crew's own unit",
    allowed: (actor) => can.operateUnit(actor, CREW_UNIT),
    async run(token) {
      await makeAvailable(CREW_UNIT);
      const attempt = await send(token, "POST", `/units/${CREW_UNIT}/status`, { status: "out_of_service", opId: opId() });
      return {
        ...attempt,
        check: async (allowed) => {
          expect((await unitView(CREW_UNIT)).status).toBe(allowed ? "out_of_service" : "available");
        },
      };
    },
  },
  {
    name: "POST /units/:unitId/status for a unit that is not the crew's",
    allowed: (actor) => can.operateUnit(actor, OTHER_UNIT),
    async run(token) {
      await makeAvailable(OTHER_UNIT);
      const attempt = await send(token, "POST", `/units/${OTHER_UNIT}/status`, { status: "out_of_service", opId: opId() });
      return {
        ...attempt,
        check: async (allowed) => {
          expect((await unitView(OTHER_UNIT)).status).toBe(allowed ? "out_of_service" : "available");
        },
      };
    },
  },
  {
    name: "POST /units/:unitId/status with an override of the step order",
    allowed: (actor) => can.operateUnit(actor, OTHER_UNIT) && can.overrideStatusOrder(actor),
    async run(token) {
      await makeAvailable(CREW_UNIT);
      const attempt = await send(token, "POST", `/units/${CREW_UNIT}/status`, {
        status: "returning",
        opId: opId(),
        override: { reason: "radio report, tablet was off" },
      });
      return {
        ...attempt,
        check: async (allowed) => {
          expect((await unitView(CREW_UNIT)).status).toBe(allowed ? "returning" : "available");
        },
      };
    },
  },
  {
    name: 'POST /units/:unitId/status with source "import"',
    allowed: (actor) => can.operateUnit(actor, OTHER_UNIT) && can.importHistory(actor),
    async run(token) {
      await makeAvailable(CREW_UNIT);
      const occurredAt = hoursAgo(72);
      const attempt = await send(token, "POST", `/units/${CREW_UNIT}/status`, {
        status: "out_of_service",
        opId: opId(),
        source: "import",
        occurredAt,
      });
      return {
        ...attempt,
        check: async (allowed) => {
          const unit = await unitView(CREW_UNIT);
          expect(unit.status).toBe(allowed ? "out_of_service" : "available");
          if (allowed) expect(unit.statusSince).toBe(occurredAt);
        },
      };
    },
  },
  {
    name: "POST /users",
    allowed: can.createAccounts,
    okStatus: 201,
    async run(token) {
      const username = `made-${randomUUID().slice(0, 8)}`;
      const attempt = await send(token, "POST", "/users", { username, password: "long-enough-password", role: "dispatcher" });
      return {
        ...attempt,
        check: async (allowed) => {
          expect((await usernames()).includes(username)).toBe(allowed);
        },
      };
    },
  },
  {
    name: "GET /users",
    allowed: can.listAccounts,
    async run(token) {
      const attempt = await send(token, "GET", "/users");
      return {
        ...attempt,
        check: (allowed) => {
          if (!allowed) return;
          const { users } = attempt.response.body as { users: UserView[] };
          expect(users.map((user) => user.username)).toContain(crew.username);
          expect(JSON.stringify(users)).not.toMatch(/passwordHash|\$2[aby]\$/);
        },
      };
    },
  },
  {
    name: "POST /auth/password (the caller's own, with the current one)",
    allowed: can.changeOwnPassword,
    async run(token) {
      const current = (token && passwords.get(token)) ?? "no-password-known";
      const me = token ? (await server.api<UserView>("GET", "/auth/me", { token })).body : null;
      const changed = `${current}-changed`;
      const attempt = await send(token, "POST", "/auth/password", { currentPassword: current, newPassword: changed });
      return {
        ...attempt,
        check: async (allowed) => {
          if (!me) return;
          const logIn = (password: string) => server.api("POST", "/auth/login", { body: { username: me.username, password } });
          expect((await logIn(changed)).status).toBe(allowed ? 200 : 401);
          expect((await logIn(current)).status).toBe(allowed ? 401 : 200);
          // Back to the password the other rows' logins use; this session stayed valid through both changes.
          if (allowed) await must(server.api("POST", "/auth/password", { token, body: { currentPassword: changed, newPassword: current } }));
        },
      };
    },
  },
  {
    name: "POST /users/:id/password of a dispatcher",
    allowed: (actor) => can.resetPasswordOf(actor, { id: "someone-else" }),
    async run(token) {
      const victim = await server.createAccount("dispatcher");
      const newPassword = "Reset-by-an-admin-2026";
      const attempt = await send(token, "POST", `/users/${victim.user.id}/password`, { newPassword });
      return {
        ...attempt,
        check: async (allowed) => {
          expect((await server.api("GET", "/auth/me", { token: victim.token })).status).toBe(allowed ? 401 : 200);
          const logIn = (password: string) => server.api("POST", "/auth/login", { body: { username: victim.username, password } });
          expect((await logIn(newPassword)).status).toBe(allowed ? 200 : 401);
          expect((await logIn(victim.password)).status).toBe(allowed ? 401 : 200);
        },
      };
    },
  },
  {
    name: "POST /auth/revoke of a dispatcher's sessions",
    allowed: (actor) => can.endSessionsOf(actor, { role: "dispatcher", id: "someone-else" }),
    async run(token) {
      const victim = await server.createAccount("dispatcher");
      const attempt = await send(token, "POST", "/auth/revoke", { userId: victim.user.id });
      return {
        ...attempt,
        check: async (allowed) => {
          if (allowed) expect(attempt.response.body).toEqual({ revoked: 1 });
          const me = await server.api<ErrorBody>("GET", "/auth/me", { token: victim.token });
          expect(me.status).toBe(allowed ? 401 : 200);
          if (allowed) expect(me.body.code).toBe("token_revoked");
        },
      };
    },
  },
  {
    name: "GET /run-cards",
    allowed: can.readRunCards,
    async run(token) {
      const attempt = await send(token, "GET", "/run-cards");
      return {
        ...attempt,
        check: (allowed) => {
          if (allowed) expect((attempt.response.body as { runCards: RunCard[] }).runCards.length).toBeGreaterThan(0);
        },
      };
    },
  },
  {
    name: "PUT /run-cards/:incidentType",
    allowed: can.changeRunCards,
    async run(token) {
      await must(asAdmin("PUT", "/run-cards/service", { levels: [{ alarmLevel: 1, units: [{ type: "engine", count: 1 }] }] }));
      const attempt = await send(token, "PUT", "/run-cards/service", {
        levels: [{ alarmLevel: 1, units: [{ type: "engine", count: 2 }] }],
      });
      return {
        ...attempt,
        check: async (allowed) => {
          const card = await serviceRunCard();
          expect(card.levels[0]?.units).toEqual([{ type: "engine", count: allowed ? 2 : 1 }]);
        },
      };
    },
  },
  {
    name: "GET /reports/response-times",
    allowed: can.readReports,
    async run(token) {
      const attempt = await send(token, "GET", "/reports/response-times");
      return {
        ...attempt,
        check: (allowed) => {
          if (allowed) expect((attempt.response.body as { incidents: unknown[] }).incidents.length).toBeGreaterThan(0);
        },
      };
    },
  },
  {
    name: "GET /events",
    allowed: can.readEventLog,
    async run(token) {
      const attempt = await send(token, "GET", "/events?after=0&limit=5");
      return {
        ...attempt,
        check: (allowed) => {
          if (allowed) expect((attempt.response.body as { events: IncidentEvent[] }).events).toHaveLength(5);
        },
      };
    },
  },
  {
    name: "POST /transfers/eido",
    allowed: can.receiveEidoTransfers,
    okStatus: 201,
    async run(token) {
      const eidoId = `urn:emergency:uid:incidentid:${randomUUID()}:roles.example.cn`;
      const document = {
        $id: eidoId,
        lastUpdateTimeStamp: new Date().toISOString(),
        incidentComponent: { $id: `${eidoId}:incident`, incidentTypeCommonRegistryText: "Public Service" },
        callComponent: [{ $id: `${eidoId}:call`, callStartTimestamp: new Date(Date.now() - 60_000).toISOString() }],
      };
      const attempt = await send(token, "POST", "/transfers/eido", document);
      return {
        ...attempt,
        check: async (allowed) => {
          const received = (await logSince(attempt.mark)).filter(
            (event) => event.type === "call.received" && event.payload.transfer?.eido?.id === eidoId,
          );
          expect(received).toHaveLength(allowed ? 1 : 0);
        },
      };
    },
  },
  {
    name: "GET /incidents/:id/eido",
    allowed: can.exportEido,
    async run(token) {
      const incidentId = await openIncident();
      const attempt = await send(token, "GET", `/incidents/${incidentId}/eido`);
      return {
        ...attempt,
        check: (allowed) => {
          if (allowed) expect((attempt.response.body as { $id: string }).$id).toContain(`:incidentid:${incidentId}:`);
        },
      };
    },
  },
  {
    name: "POST /incidents/:id/location",
    allowed: can.placeIncidents,
    async run(token) {
      const incidentId = await openIncident();
      const attempt = await send(token, "POST", `/incidents/${incidentId}/location`, { opId: opId(), lat: 37.7, lng: -122.41 });
      return {
        ...attempt,
        check: async (allowed) => {
          const located = (await incidentDetail(incidentId)).events.filter((event) => event.type === "incident.located");
          expect(located).toHaveLength(allowed ? 1 : 0);
        },
      };
    },
  },
  {
    name: "GET /incidents/search",
    allowed: can.readAllIncidents,
    async run(token) {
      const incidentId = await openIncident();
      const attempt = await send(token, "GET", "/incidents/search?limit=5");
      return {
        ...attempt,
        check: (allowed) => {
          if (allowed) expect((attempt.response.body as IncidentSearchPage).incidents.map((row) => row.id)).toContain(incidentId);
        },
      };
    },
  },
  {
    name: "POST /incidents/:id/explanations",
    allowed: can.draftExplanations,
    okStatus: 201,
    async run(token) {
      const incidentId = await openIncident();
      const attempt = await send(token, "POST", `/incidents/${incidentId}/explanations`, { opId: opId() });
      return {
        ...attempt,
        check: async (allowed) => {
          const drafted = (await logSince(attempt.mark)).filter((event) => (event as { type: string }).type === "explanation.drafted");
          expect(drafted).toHaveLength(allowed ? 1 : 0);
        },
      };
    },
  },
  {
    name: "GET /explanations",
    allowed: can.readExplanations,
    async run(token) {
      const id = await explanationIn("submitted");
      const attempt = await send(token, "GET", "/explanations?status=submitted");
      return {
        ...attempt,
        check: (allowed) => {
          if (allowed) expect((attempt.response.body as { explanations: ExplanationView[] }).explanations.map((entry) => entry.id)).toContain(id);
        },
      };
    },
  },
  {
    name: "GET /explanations/:id",
    allowed: can.readExplanations,
    async run(token) {
      const id = await explanationIn("draft");
      const attempt = await send(token, "GET", `/explanations/${id}`);
      return {
        ...attempt,
        check: (allowed) => {
          if (allowed) expect((attempt.response.body as ExplanationView).id).toBe(id);
        },
      };
    },
  },
  {
    name: "PUT /explanations/:id",
    allowed: can.draftExplanations,
    async run(token) {
      const id = await explanationIn("draft");
      const before = await must(asAdmin<ExplanationView>("GET", `/explanations/${id}`));
      const attempt = await send(token, "PUT", `/explanations/${id}`, {
        opId: opId(),
        texts: { en: { ...before.content.texts.en, title: "Edited title" } },
      });
      return {
        ...attempt,
        check: async (allowed) => {
          const after = await must(asAdmin<ExplanationView>("GET", `/explanations/${id}`));
          expect(after.content.texts.en.title === "Edited title").toBe(allowed);
        },
      };
    },
  },
  explanationStep("submit", can.draftExplanations, "draft", "submitted"),
  explanationStep("approve", (actor) => can.approveExplanation(actor, AUTHORED), "submitted", "approved"),
  explanationStep("return", (actor) => can.approveExplanation(actor, AUTHORED), "submitted", "draft", { comment: "Shorter, please" }),
  explanationStep("publish", can.draftExplanations, "approved", "published"),
  explanationStep("withdraw", can.draftExplanations, "published", "withdrawn", { reason: "Published in error" }),
  {
    name: "GET /incidents/:id/evidence",
    allowed: can.exportEvidence,
    async run(token) {
      const incidentId = await openIncident();
      const attempt = await send(token, "GET", `/incidents/${incidentId}/evidence`);
      return {
        ...attempt,
        check: (allowed) => {
          if (allowed) expect((attempt.response.body as { stream: { streamId: string } }).stream.streamId).toBe(incidentId);
        },
      };
    },
  },
  {
    name: "GET /checkpoints/digest",
    allowed: can.exportEvidence,
    async run(token) {
      const attempt = await send(token, "GET", "/checkpoints/digest");
      return {
        ...attempt,
        check: (allowed) => {
          if (allowed) expect((attempt.response.body as { position: number }).position).toBeGreaterThanOrEqual(0);
        },
      };
    },
  },
  {
    name: "GET /auth/me",
    allowed: () => true,
    async run(token) {
      const attempt = await send(token, "GET", "/auth/me");
      return {
        ...attempt,
        check: (allowed) => {
          if (allowed) expect(typeof (attempt.response.body as UserView).role).toBe("string");
        },
      };
    },
  },
];

operations.push(...caseOperations);

/** The actor each principal signs in as, as the policy sees it. */
function actorFor(principal: Role): PolicyActor {
  return { role: principal, userId: `matrix-${principal}`, ...(principal === "crew" ? { unitId: CREW_UNIT } : {}) };
}

const cases = operations.flatMap((operation) =>
  PRINCIPALS.map((principal) => {
    const allowed = principal !== "anonymous" && operation.allowed(actorFor(principal));
    const outcome = allowed ? `${operation.okStatus ?? 200}` : principal === "anonymous" ? "401 unauthenticated" : "403 forbidden";
    return { label: `${operation.name} as ${principal} -> ${outcome}`, operation, principal, allowed };
  }),
);

describe("REST operations by role", () => {
  it.each(cases)("$label", async ({ operation, principal, allowed }) => {
    const { response, mark, check } = await operation.run(tokens[principal]);
    if (allowed) {
      expect(response.status, JSON.stringify(response.body)).toBe(operation.okStatus ?? 200);
    } else {
      const refused = response.body as ErrorBody;
      expect(response.status, JSON.stringify(response.body)).toBe(principal === "anonymous" ? 401 : 403);
      expect(refused.code).toBe(principal === "anonymous" ? "unauthenticated" : "forbidden");
      expect(refused.message.length).toBeGreaterThan(10);
      expect(await logSince(mark)).toEqual([]);
    }
    await check?.(allowed);
  });
});

/** Routes every caller may use; each says why it needs no policy question. */
const OPEN_ROUTES: Record<string, string> = {
  "POST /auth/login": "how a session starts",
  "POST /auth/logout": "ends the caller's own session",
  "GET /health": "for load balancers and monitors",
  "GET /config": "map and time settings the login screen needs",
  "GET /public/explanations/:token": "a published explanation is public by design (rate-limited, no personal data)",
  "GET /p/:token": "the published explanation's page for residents",
  "GET /p/page.css": "the stylesheet of that page",
  "POST /public/cases": "a resident files a case without an account (rate-limited per address)",
  "GET /public/cases/:caseNumber": "a resident reads their case with its access code (404 without it; rate-limited)",
  "POST /public/cases/:caseNumber/reviews": "a resident asks for a review with the access code (rate-limited)",
};

interface RouterLayer {
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: RouterLayer[] };
}

/** Every "METHOD /path" the API router declares, found by walking the express router the server builds. */
function declaredRoutes(): string[] {
  const app = buildApp(
    server.server.context,
    { committed: () => undefined, endSession: () => undefined, endUserSessions: () => undefined },
    server.server.checkpoints,
  );
  const found: string[] = [];
  const walk = (stack: RouterLayer[]) => {
    for (const layer of stack) {
      // String paths only: the client's SPA fallback is a pattern, and "/" answers "the client is not built".
      if (layer.route && typeof layer.route.path === "string" && layer.route.path !== "/") {
        for (const method of Object.keys(layer.route.methods)) found.push(`${method.toUpperCase()} ${layer.route.path}`);
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack);
      }
    }
  };
  walk((app as unknown as { router: { stack: RouterLayer[] } }).router.stack);
  return [...new Set(found)];
}

describe("the role matrix covers the whole API", () => {
  it("has a policy-generated row for every route the server declares (or names why the route is open)", () => {
    const covered = new Set(operations.map((operation) => operation.name.split(" ").slice(0, 2).join(" ")));
    const api = declaredRoutes();
    expect(api.length).toBeGreaterThan(20);
    const missing = api.filter((route) => !covered.has(route) && !(route in OPEN_ROUTES));
    expect(missing).toEqual([]);
  });
});

describe("socket events by role", () => {
  const socketPrincipals = PRINCIPALS.filter((principal): principal is Role => principal !== "anonymous");
  const events: { name: string; allowed: (actor: PolicyActor) => boolean; emit: (socket: ClientSocket) => Promise<AckResult<unknown>> }[] = [
    {
      name: "unit.status (the unit's current status again: a no-op when allowed)",
      allowed: (actor) => can.operateUnit(actor, CREW_UNIT),
      emit: (socket) => emitWithAck(socket, "unit.status", { unitId: CREW_UNIT, status: "available", opId: opId(), source: "live" }),
    },
    {
      name: "unit.position",
      allowed: (actor) => can.operateUnit(actor, CREW_UNIT),
      emit: (socket) => emitWithAck(socket, "unit.position", { unitId: CREW_UNIT, lat: 37.77, lng: -122.41 }),
    },
    {
      name: "dispatch.ack (of a unit with no dispatch: refused by the step order when allowed)",
      allowed: (actor) => can.operateUnit(actor, CREW_UNIT),
      emit: (socket) => emitWithAck(socket, "dispatch.ack", { incidentId: "2099-00001", unitId: CREW_UNIT, opId: opId() }),
    },
    {
      name: "sync",
      allowed: () => true,
      emit: (socket) => emitWithAck(socket, "sync", {}),
    },
  ];
  const socketCases = events.flatMap((event) =>
    socketPrincipals.map((principal) => ({
      label: `${event.name} as ${principal} -> ${event.allowed(actorFor(principal)) ? "not forbidden" : "forbidden"}`,
      event,
      principal,
    })),
  );

  it.each(socketCases)("$label", async ({ event, principal }) => {
    await makeAvailable(CREW_UNIT);
    const socket = server.connect(tokens[principal] ?? undefined);
    await waitForConnect(socket);
    const result = await event.emit(socket);
    socket.disconnect();
    const refused = !result.ok && result.error.code === "forbidden";
    expect(refused, JSON.stringify(result)).toBe(!event.allowed(actorFor(principal)));
  });
});

describe("callers' personal data", () => {
  const callerName = "Kim Min-jun";
  const callerNumber = "+82 10 5555 0199";
  const callbackNumber = "+82 10 7777 0288";
  let first: string;
  let survivor: string;

  beforeAll(async () => {
    const call = await must(asAdmin<CallIntakeResult>("POST", "/calls", phoneCall({ callerName, callerNumber })), 201);
    first = call.incident.id;
    await must(
      asAdmin("POST", "/calls", {
        intakeId: randomUUID(),
        source: "transfer",
        incidentId: first,
        location: call.incident.location,
        incidentType: "service",
        transfer: { fromCenter: "110", externalId: `P-${randomUUID().slice(0, 8)}`, callbackNumber },
      }),
      201,
    );
    survivor = await openIncident();
    await must(asAdmin("POST", `/incidents/${first}/merge`, { into: survivor, opId: opId() }));
  });

  // Specific fragments only: a bare "7777" turns up by chance in hashes and UUIDs.
  const secrets = [callerName, callerNumber, callbackNumber, "5555 0199", "7777 0288", "1055550199", "1077770288"];

  it("hides caller names and numbers from a pr account in calls and events, also after a merge", async () => {
    // The merged incident keeps its two calls; the survivor holds its own call and the two it absorbed.
    for (const [incidentId, callCount] of [[first, 2], [survivor, 3]] as const) {
      const response = await server.api<IncidentDetailView>("GET", `/incidents/${incidentId}`, { token: tokens.pr });
      expect(response.status).toBe(200);
      const detail = response.body;
      expect(detail.calls).toHaveLength(callCount);
      for (const call of detail.calls) {
        expect(call).not.toHaveProperty("callerName");
        expect(call).not.toHaveProperty("callerNumber");
        if (call.transfer) expect(call.transfer).not.toHaveProperty("callbackNumber");
      }
      const callEvents = detail.events.filter((event) => event.type === "call.received" || event.type === "incident.absorbed");
      expect(callEvents.length).toBeGreaterThan(0);
      const text = JSON.stringify(detail);
      for (const secret of secrets) expect(text).not.toContain(secret);
    }
    const list = await server.api<{ incidents: IncidentView[] }>("GET", "/incidents?status=all", { token: tokens.pr });
    expect(list.status).toBe(200);
    expect(list.body.incidents.map((incident) => incident.id)).toContain(first);
    const listText = JSON.stringify(list.body);
    for (const secret of secrets) expect(listText).not.toContain(secret);
  });

  it("shows caller names and numbers to a dispatcher in calls and events", async () => {
    const response = await server.api<IncidentDetailView>("GET", `/incidents/${first}`, { token: tokens.dispatcher });
    expect(response.status).toBe(200);
    const phone = response.body.calls.find((call) => call.source === "phone");
    expect(phone?.callerName).toBe(callerName);
    expect(phone?.callerNumber).toBe(callerNumber);
    expect(response.body.calls.find((call) => call.source === "transfer")?.transfer?.callbackNumber).toBe(callbackNumber);
    const received = response.body.events.find(
      (event) => event.type === "call.received" && event.payload.source === "phone",
    );
    expect(received?.type === "call.received" ? received.payload.callerName : undefined).toBe(callerName);

    const merged = await server.api<IncidentDetailView>("GET", `/incidents/${survivor}`, { token: tokens.dispatcher });
    expect(merged.body.calls.map((call) => call.callerName)).toContain(callerName);
  });
});

// ---- sockets ----

function connectError(socket: ClientSocket): Promise<string> {
  return new Promise((resolve, reject) => {
    socket.once("connect", () => reject(new Error("the socket was let in")));
    socket.once("connect_error", (error) => resolve(error.message));
  });
}

function disconnected(socket: ClientSocket): Promise<string> {
  return new Promise((resolve) => socket.once("disconnect", (reason) => resolve(reason)));
}

describe("socket access", () => {
  it("refuses a connection without a token", async () => {
    expect(await connectError(server.connect(undefined))).toBe("unauthenticated");
  });

  it("refuses a connection with a token the server never issued", async () => {
    expect(await connectError(server.connect("not-a-token-we-issued"))).toBe("unauthenticated");
  });

  it("lets a crew report its own unit but answers forbidden for another unit, which stays unchanged", async () => {
    await makeAvailable(CREW_UNIT);
    await makeAvailable(OTHER_UNIT);
    const socket = server.connect(crew.token);
    await waitForConnect(socket);
    const mark = await logPosition();

    const other = await emitWithAck(socket, "unit.status", { unitId: OTHER_UNIT, status: "out_of_service", opId: opId(), source: "live" });
    expect(other).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect((await unitView(OTHER_UNIT)).status).toBe("available");
    expect(await logSince(mark)).toEqual([]);

    const own = await emitWithAck(socket, "unit.status", { unitId: CREW_UNIT, status: "out_of_service", opId: opId(), source: "live" });
    expect(own.ok).toBe(true);
    expect((await unitView(CREW_UNIT)).status).toBe("out_of_service");
    socket.disconnect();
  });

  it("answers forbidden when a pr account reports a unit status, and the unit stays unchanged", async () => {
    await makeAvailable(OTHER_UNIT);
    const socket = server.connect(tokens.pr ?? undefined);
    await waitForConnect(socket);
    const result: AckResult<UnitStatusResult> = await emitWithAck(socket, "unit.status", {
      unitId: OTHER_UNIT,
      status: "out_of_service",
      opId: opId(),
      source: "live",
    });
    expect(result).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect((await unitView(OTHER_UNIT)).status).toBe("available");
    socket.disconnect();
  });
});

describe("ending sessions", () => {
  it("revokes every token of a user: REST answers token_revoked and the open socket is told and dropped", async () => {
    const victim = await server.createAccount("dispatcher");
    const socket = server.connect(victim.token);
    await waitForConnect(socket);
    const told = nextEvent(socket, "session.revoked");
    const dropped = disconnected(socket);

    const revoke = await server.api<{ revoked: number }>("POST", "/auth/revoke", {
      token: tokens.supervisor,
      body: { userId: victim.user.id },
    });
    expect(revoke.status).toBe(200);
    expect(revoke.body.revoked).toBe(1);
    await told;
    expect(await dropped).toBe("io server disconnect");

    const after = await server.api<ErrorBody>("GET", "/units", { token: victim.token });
    expect(after.status).toBe(401);
    expect(after.body.code).toBe("token_revoked");
    expect(await connectError(server.connect(victim.token))).toBe("token_revoked");

    // Revocation is not a lockout: the person can log in again and gets a working token.
    const again = await server.api<{ token: string }>("POST", "/auth/login", {
      body: { username: victim.username, password: victim.password },
    });
    expect(again.status).toBe(200);
    expect((await server.api("GET", "/units", { token: again.body.token })).status).toBe(200);
  });

  it("refuses a supervisor ending an admin's sessions (403) and leaves the admin signed in; an admin may", async () => {
    const secondAdmin = await server.createAccount("admin");
    const refused = await server.api<ErrorBody>("POST", "/auth/revoke", { token: tokens.supervisor, body: { userId: secondAdmin.user.id } });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe("protected_account");
    expect((await server.api("GET", "/auth/me", { token: secondAdmin.token })).status).toBe(200);

    const allowed = await server.api<{ revoked: number }>("POST", "/auth/revoke", { token: tokens.admin, body: { userId: secondAdmin.user.id } });
    expect(allowed.body).toEqual({ revoked: 1 });
    expect((await server.api("GET", "/auth/me", { token: secondAdmin.token })).status).toBe(401);
  });

  it("answers 404 when revoking a user that does not exist", async () => {
    const response = await server.api<ErrorBody>("POST", "/auth/revoke", {
      token: server.adminToken,
      body: { userId: randomUUID() },
    });
    expect(response.status).toBe(404);
    expect(response.body.code).toBe("not_found");
  });

  it("logs out only the token that asked: its socket is dropped, the same user's other session keeps working", async () => {
    const user = await server.createAccount("dispatcher");
    const second = await must(
      server.api<{ token: string }>("POST", "/auth/login", { body: { username: user.username, password: user.password } }),
    );
    const leaving = server.connect(user.token);
    const staying = server.connect(second.token);
    await Promise.all([waitForConnect(leaving), waitForConnect(staying)]);
    const told = nextEvent(leaving, "session.revoked");
    const dropped = disconnected(leaving);
    let stayingWasTold = false;
    staying.on("session.revoked", () => {
      stayingWasTold = true;
    });

    const logout = await server.api("POST", "/auth/logout", { token: user.token });
    expect(logout.status).toBe(204);
    await told;
    await dropped;

    const ended = await server.api<ErrorBody>("GET", "/auth/me", { token: user.token });
    expect(ended.status).toBe(401);
    expect(ended.body.code).toBe("token_revoked");
    const other = await server.api<UserView>("GET", "/auth/me", { token: second.token });
    expect(other.status).toBe(200);
    expect(other.body.username).toBe(user.username);

    const sync = await emitWithAck(staying, "sync", {});
    expect(sync.ok).toBe(true);
    expect(staying.connected).toBe(true);
    expect(stayingWasTold).toBe(false);
    staying.disconnect();
  });
});

describe("login rate limit", () => {
  let limited: TestServer;
  beforeAll(async () => {
    limited = await startTestServer({ env: { LOGIN_MAX_ATTEMPTS: "3" } });
  });
  afterAll(() => limited.close());

  it("refuses the 4th attempt in the window with 429, even with the right password, and keeps serving others", async () => {
    const target = await limited.createAccount("dispatcher");
    const attempt = (password: string) =>
      limited.api<ErrorBody>("POST", "/auth/login", { body: { username: target.username, password } });

    for (let i = 0; i < 3; i++) {
      const wrong = await attempt("wrong-password");
      expect(wrong.status).toBe(401);
      expect(wrong.body.code).toBe("invalid_credentials");
    }
    const fourth = await attempt("wrong-password");
    expect(fourth.status).toBe(429);
    expect(fourth.body.code).toBe("rate_limited");
    expect(fourth.body.message).toMatch(/try again/i);

    const right = await limited.api<{ token?: string } & Partial<ErrorBody>>("POST", "/auth/login", {
      body: { username: target.username, password: target.password },
    });
    expect(right.status).toBe(429);
    expect(right.body.code).toBe("rate_limited");
    expect(right.body.token).toBeUndefined();

    expect((await limited.api("GET", "/health")).status).toBe(200);
    expect((await limited.api("GET", "/units", { token: target.token })).status).toBe(200);
    const admin = await limited.api<{ token: string }>("POST", "/auth/login", {
      body: { username: limited.adminUsername, password: limited.adminPassword },
    });
    expect(admin.status).toBe(200);
    expect(admin.body.token.length).toBeGreaterThan(20);
  });
});
