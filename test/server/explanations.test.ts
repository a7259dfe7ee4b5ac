// Public explanations end to end over real HTTP: an incident with a caller's name and number and a crew member's
// name; draft, edit, submit, approve (never by an author), publish; the public JSON and page carry none of the
// personal strings and the intervals of the record; personal data blocks publishing with its spans; a correction
// is version 2 while version 1 stays readable; withdrawal leaves a notice; the log verifies.
import { randomUUID } from "node:crypto";
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type {
  CallIntakeResult,
  ExplanationView,
  IncidentDetailView,
  IncidentSearchPage,
  PublicExplanationView,
  PublishResult,
  UserView,
} from "../../shared/api";
import type { LogEvent } from "../../shared/events";
import type { ErrorBody } from "../../shared/errors";
import { verifyStoreLog } from "../../server/scripts/verifyLog";
import { bodyOf, checkCheckpointSignature, checkpointBodyHash, listCheckpointNames, readCheckpointFile } from "../../server/core/checkpoints";
import { startTestServer, type Account, type ApiResponse, type TestServer } from "../helpers/server";

const CALLER_NAME = "Wang Xiuying";
const CALLER_NUMBER = "+86 139 1234 5678";
const CREW_NAME = "Zhao Gangqiang";
const OWNER_NAME = "Sun Meiling";
const UNIT = "EXP-E1";
const T0 = Date.now() - 48 * 3600_000;
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
const opId = () => `op-${randomUUID()}`;

let server: TestServer;
let pr: Account;
let supervisor: Account;
let otherSupervisor: Account;
let crewUsername: string;
let incidentId: string;
let incidentNumber: string;

async function must<T>(pending: Promise<ApiResponse<T>>, status = 200): Promise<T> {
  const response = await pending;
  if (response.status !== status) throw new Error(`answered ${response.status}, expected ${status}: ${JSON.stringify(response.body)}`);
  return response.body;
}

const asAdmin = <T>(method: string, path: string, body?: unknown) =>
  server.api<T>(method, path, { token: server.adminToken, ...(body !== undefined ? { body } : {}) });
const as = <T>(account: Account, method: string, path: string, body?: unknown) =>
  server.api<T>(method, path, { token: account.token, ...(body !== undefined ? { body } : {}) });

async function importStatus(status: string, seconds: number) {
  await must(asAdmin("POST", `/units/${UNIT}/status`, { status, opId: opId(), source: "import", occurredAt: at(seconds) }));
}

beforeAll(async () => {
  server = await startTestServer();
  await server.createUnit(UNIT, { callSign: "Engine 31", type: "engine" });
  pr = await server.createAccount("pr");
  supervisor = await server.createAccount("supervisor");
  otherSupervisor = await server.createAccount("supervisor");
  crewUsername = `crew-${randomUUID().slice(0, 6)}`;
  await must(asAdmin<UserView>("POST", "/users", { username: crewUsername, password: "crew-password-1", role: "crew", unitId: UNIT, displayName: CREW_NAME }), 201);
  const crewLogin = await must(server.api<{ token: string }>("POST", "/auth/login", { body: { username: crewUsername, password: "crew-password-1" } }));

  const call = await must(asAdmin<CallIntakeResult>("POST", "/calls", {
    intakeId: randomUUID(),
    source: "import",
    receivedAt: at(0),
    externalId: `EXP-${randomUUID().slice(0, 6)}`,
    callerName: CALLER_NAME,
    callerNumber: CALLER_NUMBER,
    location: { lat: 37.7808, lng: -122.404, address: "935 Folsom St" },
    incidentType: "structure_fire",
    description: `Smoke from a shed, caller ${CALLER_NAME}`,
  }), 201);
  incidentId = call.incident.id;
  incidentNumber = call.incident.number;
  await must(asAdmin("POST", `/incidents/${incidentId}/dispatch`, { unitIds: [UNIT], opId: opId(), source: "import", occurredAt: at(50) }));
  await importStatus("en_route", 120);
  await importStatus("on_scene", 370);
  // The crew member writes to the record themselves: their account is one of the incident's actors.
  await must(server.api("POST", `/incidents/${incidentId}/notes`, { token: crewLogin.token, body: { opId: opId(), text: "Shed fully involved, no exposure" } }));
  // The fireground record: command under the crew member's name, one decision for the public, one not.
  const crewPost = (path: string, body: Record<string, unknown>) => must(server.api("POST", `/incidents/${incidentId}/${path}`, { token: crewLogin.token, body: { opId: opId(), ...body } }));
  await crewPost("command", { commanderName: CREW_NAME });
  await crewPost("decisions", {
    decisionType: "exposure_protection",
    reason: "the shed could not be saved and the house next to it could",
    propertyAffected: { description: "garden shed", owner: OWNER_NAME },
    publicCandidate: true,
  });
  await crewPost("decisions", { decisionType: "ventilation", reason: "internal tactics only", publicCandidate: false });
  await crewPost("decisions", { decisionType: "neighbouring_property", reason: `the crew went through ${OWNER_NAME}'s yard`, publicCandidate: true });
  await must(asAdmin("POST", `/incidents/${incidentId}/phases`, { phase: "under_control", opId: opId(), source: "import", occurredAt: at(1500) }));
  await importStatus("available", 2400);
  await must(asAdmin("POST", `/incidents/${incidentId}/close`, { opId: opId(), source: "import", occurredAt: at(2500) }));
});
afterAll(() => server.close());

/** Every string that identifies a person or an internal record, in the forms it could leak in. */
function forbiddenStrings(extra: string[]): string[] {
  return [OWNER_NAME, "internal tactics", CALLER_NAME, CALLER_NUMBER, CALLER_NUMBER.replace(/\D/g, ""), "1234 5678", CREW_NAME, crewUsername, pr.username, supervisor.username, otherSupervisor.username, "\"admin\"",
    // Incident ids are the incident numbers here; any other internal id must not appear.
    ...(incidentId === incidentNumber ? [] : [incidentId]), ...extra];
}

function expectNoneOf(text: string, strings: string[]) {
  for (const value of strings) expect(text, `leaked ${value}`).not.toContain(value);
}

describe("a public explanation from draft to published page", () => {
  let explanation: ExplanationView;
  let published: PublishResult;

  it("drafts from the record in three languages, with the intervals against the standards and no personal data", async () => {
    explanation = await must(as<ExplanationView>(pr, "POST", `/incidents/${incidentId}/explanations`, { opId: opId() }), 201);
    expect(explanation.status).toBe("draft");
    expect(explanation.incidentNumber).toBe(incidentNumber);
    expect(explanation.content.languages).toEqual(["zh-CN", "zh-TW", "en"]);
    const seconds = Object.fromEntries(explanation.content.facts.intervals.map((fact) => [fact.name, fact.seconds]));
    expect(seconds).toEqual({ callProcessing: 50, turnout: 70, travel: 250, dispatchToArrival: 320, totalResponse: 370 });
    expect(explanation.content.texts.en.response).toContain("The first engine arrived 6 min 10 s after your call; the target is 6 min 20 s");
    expect(explanation.content.texts["zh-CN"].response).toContain("6分10秒");
    expect(explanation.content.texts.en.unknown).toContain("under investigation");
    expect(explanation.content.texts.en.decisions).toEqual([
      "The firefighters concentrated on protecting the neighbouring buildings and let part of the fire burn because the shed could not be saved and the house next to it could.",
      // The commander's reason is free text: names the record knows are scrubbed before staff see the draft.
      "The firefighters used a neighbouring property because the crew went through [redacted]'s yard.",
    ]);
    expect(explanation.content.texts["zh-CN"].decisions[0]).toMatch(/^消防员集中力量保护相邻建筑/);
    expect(explanation.content.facts.area).toBe("900 block of Folsom St");
    expect(explanation.content.facts.timeline.map((entry) => entry.step)).toEqual([
      "call_received", "dispatched", "en_route", "on_scene", "under_control", "cleared",
    ]);
    expect(explanation.personalData).toEqual([]);
    expectNoneOf(JSON.stringify(explanation.content), [CALLER_NAME, CALLER_NUMBER, CREW_NAME, "935 Folsom"]);
  });

  it("shows personal data typed into the text as spans, and refuses to publish it", async () => {
    const withPersonal = {
      ...explanation.content.texts.en,
      known: `${CREW_NAME} led the crew; neighbours can call 139 8765 4321.`,
    };
    const edited = await must(as<ExplanationView>(supervisor, "PUT", `/explanations/${explanation.id}`, { opId: opId(), texts: { en: withPersonal } }));
    expect(edited.personalData).toEqual(
      expect.arrayContaining([{ path: "texts.en.known", span: CREW_NAME }, { path: "texts.en.known", span: "139 8765 4321" }]),
    );
    await must(as(pr, "POST", `/explanations/${explanation.id}/submit`, { opId: opId() }));
    // The supervisor edited it: an author may not approve.
    const own = await as<ErrorBody>(supervisor, "POST", `/explanations/${explanation.id}/approve`, { opId: opId() });
    expect(own.status).toBe(403);
    expect(own.body.code).toBe("forbidden");
    const pending = await must(as<ExplanationView>(pr, "GET", `/explanations/${explanation.id}`));
    expect(pending.status).toBe("submitted");
    // PR staff cannot approve at all; the other supervisor can.
    expect((await as(pr, "POST", `/explanations/${explanation.id}/approve`, { opId: opId() })).status).toBe(403);
    await must(as(otherSupervisor, "POST", `/explanations/${explanation.id}/approve`, { opId: opId() }));
    const refused = await as<ErrorBody>(pr, "POST", `/explanations/${explanation.id}/publish`, { opId: opId() });
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe("personal_data");
    expect(refused.body.issues).toEqual(
      expect.arrayContaining([{ path: "texts.en.known", message: CREW_NAME }, { path: "texts.en.known", message: "139 8765 4321" }]),
    );
    const after = await must(as<ExplanationView>(pr, "GET", `/explanations/${explanation.id}`));
    expect(after.status).toBe("approved");
    expect(after.publicPath).toBeUndefined();
  });

  it("only an approved version is published, at an unguessable address", async () => {
    const clean = { ...explanation.content.texts.en, known: "The fire was under control 25 minutes after the call." };
    await must(as(pr, "PUT", `/explanations/${explanation.id}`, { opId: opId(), texts: { en: clean } }));
    const early = await as<ErrorBody>(pr, "POST", `/explanations/${explanation.id}/publish`, { opId: opId() });
    expect(early.status).toBe(409);
    await must(as(pr, "POST", `/explanations/${explanation.id}/submit`, { opId: opId() }));
    // The returned path: a comment, back to draft.
    // The first supervisor edited this draft: the other one reviews it.
    const returned = await must(as<ExplanationView>(otherSupervisor, "POST", `/explanations/${explanation.id}/return`, { opId: opId(), comment: "Say when the crews left" }));
    expect(returned.status).toBe("draft");
    expect(returned.review).toMatchObject({ outcome: "returned", comment: "Say when the crews left" });
    await must(as(pr, "POST", `/explanations/${explanation.id}/submit`, { opId: opId() }));
    await must(as(otherSupervisor, "POST", `/explanations/${explanation.id}/approve`, { opId: opId(), comment: "Clear." }));
    published = await must(as<PublishResult>(pr, "POST", `/explanations/${explanation.id}/publish`, { opId: opId() }));
    expect(published.token).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(published.url).toBe(`${server.url}/p/${published.token}`);
    expect(published.version).toBe(1);
  });

  it("serves the public JSON without a login: cacheable, with the record's intervals and nothing personal or internal", async () => {
    const response = await fetch(`${server.url}/api/v1/public/explanations/${published.token}`, { headers: { "accept-encoding": "gzip" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("public, max-age=60");
    expect(response.headers.get("content-encoding")).toBe("gzip");
    const etag = response.headers.get("etag");
    expect(etag).toBeTruthy();
    const text = await response.text();
    expectNoneOf(text, forbiddenStrings([explanation.id, "935 Folsom"]));
    const view = JSON.parse(text) as PublicExplanationView;
    expect(view.incidentNumber).toBe(incidentNumber);
    expect(view.version).toBe(1);
    const detail = await must(asAdmin<IncidentDetailView>("GET", `/incidents/${incidentId}`));
    const facts = Object.fromEntries(view.content!.facts.intervals.map((fact) => [fact.name, fact.seconds]));
    expect({ alarmProcessing: facts.callProcessing, turnout: facts.turnout, travel: facts.travel, totalResponse: facts.totalResponse }).toEqual(detail.intervals);
    expect(view.integrity).toMatchObject({ incidentLogSeq: detail.lastSeq, incidentLogHeadHash: detail.lastHash });
    // The publication is anchored outside the database: the page names a signed checkpoint file, on disk in
    // CHECKPOINT_DIR, that covers the publication event and verifies against the server's key.
    const anchor = view.integrity.checkpoint;
    expect(anchor).toBeDefined();
    const { checkpointDir } = server.server.context.config;
    const files = listCheckpointNames(checkpointDir)
      .map((name) => readCheckpointFile(checkpointDir, name))
      .flatMap((read) => ("file" in read ? [read.file] : []));
    const file = files.find((candidate) => checkpointBodyHash(bodyOf(candidate)) === anchor?.bodyHash);
    expect(file).toBeDefined();
    expect(checkCheckpointSignature(file!, server.server.checkpoints.key.publicKey)).toMatchObject({ ok: true });
    const log = await must(asAdmin<{ events: LogEvent[] }>("GET", "/events?after=0&limit=1000"));
    const publication = log.events.find((event) => event.type === "explanation.published" && event.streamId === explanation.id);
    expect(file!.position).toBeGreaterThanOrEqual(publication!.position);
    expect(anchor?.keyFingerprint).toBe(server.server.checkpoints.key.fingerprint);
    // node:http, not fetch: fetch marks a conditional request "no-cache", which a server must answer in full.
    const again = await new Promise<number>((resolve, reject) => {
      http.get(`${server.url}/api/v1/public/explanations/${published.token}`, { headers: { "if-none-match": etag! } }, (answer) => {
        answer.resume();
        resolve(answer.statusCode ?? 0);
      }).on("error", reject);
    });
    expect(again).toBe(304);
  });

  it("serves the page as HTML that needs no JavaScript, with the time line, the QR code and nothing personal", async () => {
    const response = await fetch(`${server.url}/p/${published.token}?lang=en`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/html");
    expect(response.headers.get("cache-control")).toBe("public, max-age=60");
    const html = await response.text();
    expect(html).not.toContain("<script");
    expect(html).toContain(incidentNumber);
    expect(html).toContain("First unit on scene");
    expect(html).toContain("6 min 10 s");
    expect(html).toContain("<svg");
    expect(html).toContain(`${server.url}/p/${published.token}`);
    // The signed checkpoint outside the database that covers this publication.
    const view = await (await fetch(`${server.url}/api/v1/public/explanations/${published.token}`)).json() as PublicExplanationView;
    expect(html).toContain(`data-testid="checkpoint-hash">${view.integrity.checkpoint?.bodyHash}<`);
    expect(html).toContain("covered by a signed checkpoint kept outside the database");
    // How to ask a question: the residents' case form, told where the resident came from.
    expect(html).toContain(`href="/cases/new?explanationToken=${published.token}&amp;incident=${incidentNumber}"`);
    expectNoneOf(html, forbiddenStrings([explanation.id, "935 Folsom"]));
    const chinese = await (await fetch(`${server.url}/p/${published.token}?lang=zh-CN`)).text();
    expect(chinese).toContain("第一车到场");
    expect(chinese).toContain("6分10秒");
  });

  it("publishes a correction as version 2 with its note, and version 1 stays readable", async () => {
    const current = await must(as<ExplanationView>(pr, "GET", `/explanations/${explanation.id}`));
    const corrected = { ...current.content.texts.en, known: "The fire was under control 25 minutes after the call. The shed was lost." };
    await must(as(pr, "PUT", `/explanations/${explanation.id}`, { opId: opId(), texts: { en: corrected } }));
    await must(as(pr, "POST", `/explanations/${explanation.id}/submit`, { opId: opId() }));
    await must(as(supervisor, "POST", `/explanations/${explanation.id}/approve`, { opId: opId() }));
    const noNote = await as<ErrorBody>(pr, "POST", `/explanations/${explanation.id}/publish`, { opId: opId() });
    expect(noNote.status).toBe(400);
    await must(as(pr, "PUT", `/explanations/${explanation.id}`, { opId: opId(), correctionNote: "Added that the shed was lost." }));
    await must(as(pr, "POST", `/explanations/${explanation.id}/submit`, { opId: opId() }));
    await must(as(supervisor, "POST", `/explanations/${explanation.id}/approve`, { opId: opId() }));
    const second = await must(as<PublishResult>(pr, "POST", `/explanations/${explanation.id}/publish`, { opId: opId() }));
    expect(second).toMatchObject({ token: published.token, version: 2 });

    const latest = await must(server.api<PublicExplanationView>("GET", `/public/explanations/${published.token}`));
    expect(latest).toMatchObject({ version: 2, latestVersion: 2, note: "Added that the shed was lost." });
    expect(latest.content?.texts.en?.known).toContain("The shed was lost.");
    const first = await must(server.api<PublicExplanationView>("GET", `/public/explanations/${published.token}?version=1`));
    expect(first).toMatchObject({ version: 1, latestVersion: 2 });
    expect(first.content?.texts.en?.known).not.toContain("The shed was lost.");
    const page = await (await fetch(`${server.url}/p/${published.token}?lang=en`)).text();
    expect(page).toContain("Added that the shed was lost.");
    expect(page).toContain(`/p/${published.token}?lang=en&amp;v=1`);
  });

  it("withdrawing leaves a notice and why, and the log of every stream verifies", async () => {
    await must(as(pr, "POST", `/explanations/${explanation.id}/withdraw`, { opId: opId(), reason: "The owner asked us to take it down." }));
    const view = await must(server.api<PublicExplanationView>("GET", `/public/explanations/${published.token}`));
    expect(view.content).toBeNull();
    expect(view.withdrawn?.reason).toBe("The owner asked us to take it down.");
    const page = await (await fetch(`${server.url}/p/${published.token}?lang=en`)).text();
    expect(page).toContain("This page was withdrawn");
    expect(page).not.toContain("The shed was lost.");

    const events = (await must(asAdmin<{ events: { streamType: string; type: string }[] }>("GET", "/events?after=0&limit=1000"))).events
      .filter((event) => event.streamType === "explanation")
      .map((event) => event.type);
    expect(events[0]).toBe("explanation.drafted");
    expect(events.filter((type) => type === "explanation.published")).toHaveLength(2);
    expect(events.at(-1)).toBe("explanation.withdrawn");
    const verified = await verifyStoreLog(server.server.store);
    expect(verified.problems).toEqual([]);
    expect(verified.streams.explanation).toBe(1);
  });

  it("answers 404 for a token nobody was given", async () => {
    expect((await server.api("GET", "/public/explanations/AAAAAAAAAAAAAAAAAAAAAAAA")).status).toBe(404);
    expect((await fetch(`${server.url}/p/AAAAAAAAAAAAAAAAAAAAAAAA`)).status).toBe(404);
  });
});

describe("the PR search", () => {
  it("pages through incidents newest first by number, address, type and date range, never all at once", async () => {
    const base = Date.now() - 30 * 24 * 3600_000;
    const numbers: string[] = [];
    for (let i = 0; i < 5; i++) {
      const call = await must(asAdmin<CallIntakeResult>("POST", "/calls", {
        intakeId: randomUUID(),
        source: "import",
        receivedAt: new Date(base + i * 60_000).toISOString(),
        externalId: `SRCH-${randomUUID().slice(0, 6)}`,
        location: { lat: 31.2 + i / 100, lng: 121.4, address: i < 3 ? `${10 + i} Searchable Rd` : "1 Other Ave" },
        incidentType: i % 2 === 0 ? "vehicle_fire" : "rescue",
      }), 201);
      numbers.push(call.incident.number);
    }
    const range = `from=${new Date(base - 1000).toISOString()}&to=${new Date(base + 10 * 60_000).toISOString()}`;
    const first = await must(as<IncidentSearchPage>(pr, "GET", `/incidents/search?${range}&limit=2`));
    expect(first.incidents.map((row) => row.number)).toEqual([numbers[4], numbers[3]]);
    expect(first.nextCursor).toBeTruthy();
    const second = await must(as<IncidentSearchPage>(pr, "GET", `/incidents/search?${range}&limit=2&cursor=${first.nextCursor}`));
    expect(second.incidents.map((row) => row.number)).toEqual([numbers[2], numbers[1]]);
    const third = await must(as<IncidentSearchPage>(pr, "GET", `/incidents/search?${range}&limit=2&cursor=${second.nextCursor}`));
    expect(third.incidents.map((row) => row.number)).toEqual([numbers[0]]);
    expect(third.nextCursor).toBeNull();

    const byNumber = await must(as<IncidentSearchPage>(pr, "GET", `/incidents/search?number=${numbers[3]}`));
    expect(byNumber.incidents.map((row) => row.number)).toEqual([numbers[3]]);
    const byAddress = await must(as<IncidentSearchPage>(pr, "GET", `/incidents/search?address=${encodeURIComponent("11 searchable")}`));
    expect(byAddress.incidents.map((row) => row.number)).toEqual([numbers[1]]);
    expect(byAddress.incidents[0]?.area).toBe("0 block of Searchable Rd");
    const byType = await must(as<IncidentSearchPage>(pr, "GET", `/incidents/search?${range}&incidentType=rescue`));
    expect(byType.incidents.map((row) => row.number)).toEqual([numbers[3], numbers[1]]);
  });

  it("is refused to crews and answered with 400 for a cursor the server never gave", async () => {
    const crew = await server.createAccount("crew", UNIT);
    expect((await as(crew, "GET", "/incidents/search")).status).toBe(403);
    const bad = await as<ErrorBody>(pr, "GET", "/incidents/search?cursor=nonsense");
    expect(bad.status).toBe(400);
  });
});

describe("the public routes' rate limit", () => {
  it("answers 429 once a client address has used up its requests for the minute", async () => {
    const limited = await startTestServer({ env: { PUBLIC_REQUESTS_PER_MINUTE: "3" } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await fetch(`${limited.url}/api/v1/public/explanations/AAAAAAAAAAAAAAAAAAAAAAAA`)).status);
      expect(statuses).toEqual([404, 404, 404, 429]);
    } finally {
      await limited.close();
    }
  });
});
