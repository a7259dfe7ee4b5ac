// `npm run import:sf -- <csv> [--speed N | --instant]`: replays a DataSF "Fire Department Calls for Service" file
// through the public HTTP API (never the database), so imported history goes through the same rules, log and
// broadcasts as live work. The pure parts (CSV, times, plan, bodies) live in ./sf; this file talks HTTP, paces
// the replay and reports.
import { readFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { parseImportArgs, USAGE, UsageError } from "./sf/args";
import type { ImportArgs } from "./sf/args";
import { buildPlan } from "./sf/plan";
import type { ImportPlan, PlannedRequest } from "./sf/plan";
import { API_PREFIX, replayClock, toApiRequest } from "./sf/requests";
import type { ApiRequest } from "./sf/requests";
import { readSfFile } from "./sf/rows";
import { Tally } from "./sf/tally";
import { formatSfTime } from "./sf/time";

const PROGRESS_EVERY_MS = 2000;
const PROGRESS_EVERY_REQUESTS = 500;
const MAX_TRANSIENT_RETRIES = 6;

const ErrorBody = z.object({ code: z.string(), message: z.string() });
const LoginAnswer = z.object({ token: z.string().min(1) });
const CallAnswer = z.object({ incident: z.object({ id: z.string().min(1) }), replayed: z.boolean() });
const UnitsAnswer = z.object({ units: z.array(z.object({ id: z.string() })) });

interface Answer {
  status: number;
  body: unknown;
  /** From Retry-After (or RateLimit-Reset) on a 429. */
  retryAfterMs?: number;
}

class RequestFailed extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The API as the importer sees it: bearer auth, JSON, and patience with a busy or rate-limiting server. */
class ApiClient {
  private token: string | undefined;
  rateLimitedWaits = 0;
  rateLimitedMs = 0;

  constructor(
    private readonly baseUrl: string,
    private readonly username: string,
    private readonly password: string,
  ) {}

  async login(): Promise<void> {
    const answer = await this.exchange("POST", `${API_PREFIX}/auth/login`, {
      username: this.username,
      password: this.password,
    });
    if (answer.status !== 200) throw this.failure(answer, "login");
    const parsed = LoginAnswer.safeParse(answer.body);
    if (!parsed.success) throw new RequestFailed(answer.status, "unexpected_answer", "login answered without a token");
    this.token = parsed.data.token;
  }

  /** Sends one request; retries what is worth retrying (rate limits, a restarting server, an expired token). */
  async send(request: ApiRequest): Promise<Answer> {
    let transient = 0;
    let relogged = false;
    for (;;) {
      let answer: Answer;
      try {
        answer = await this.exchange(request.method, request.path, request.body);
      } catch (error) {
        if (++transient > MAX_TRANSIENT_RETRIES) throw error;
        await sleep(250 * 2 ** transient);
        continue;
      }
      if (answer.status === 429) {
        const waitMs = answer.retryAfterMs ?? 1000;
        this.rateLimitedWaits++;
        this.rateLimitedMs += waitMs;
        await sleep(waitMs);
        continue;
      }
      if ((answer.status === 503 || answer.status === 502) && ++transient <= MAX_TRANSIENT_RETRIES) {
        await sleep(250 * 2 ** transient);
        continue;
      }
      if (answer.status === 401 && !relogged) {
        relogged = true;
        await this.login();
        continue;
      }
      return answer;
    }
  }

  failure(answer: Answer, what: string): RequestFailed {
    const parsed = ErrorBody.safeParse(answer.body);
    return parsed.success
      ? new RequestFailed(answer.status, parsed.data.code, parsed.data.message)
      : new RequestFailed(answer.status, `http_${answer.status}`, `${what}: HTTP ${answer.status}`);
  }

  async get(path: string): Promise<Answer> {
    return this.exchange("GET", path, undefined);
  }

  private async exchange(
    method: string,
    path: string,
    body: unknown,
  ): Promise<Answer> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (body !== undefined) headers["content-type"] = "application/json";
    if (this.token !== undefined) headers.authorization = `Bearer ${this.token}`;
    const response = await fetch(this.baseUrl + path, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text === "" ? null : JSON.parse(text);
    } catch {
      // Not JSON (a proxy's error page): keep the text for the message.
    }
    const retryAfter = Number(response.headers.get("retry-after") ?? response.headers.get("ratelimit-reset"));
    return {
      status: response.status,
      body: parsed,
      ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: Math.min(retryAfter, 60) * 1000 } : {}),
    };
  }
}

function describe(request: PlannedRequest): string {
  switch (request.kind) {
    case "call":
      return `call ${request.call.callNumber} (incident ${request.call.incidentNumber})`;
    case "unit":
      return `unit ${request.unit.unitId}`;
    case "dispatch":
      return `call ${request.callNumber} unit ${request.unitId} dispatch`;
    case "status":
      return `call ${request.callNumber} unit ${request.unitId} ${request.status}`;
    case "close":
      return `call ${request.callNumber} close`;
  }
}

interface RunResult {
  plan: ImportPlan;
  sent: number;
  callsCreated: number;
  callsReplayed: number;
  refused: Tally;
  notSent: Tally;
  seconds: number;
  interrupted: boolean;
  /** Why the run stopped early, when the server could not be reached any more. */
  stoppedBy: string | undefined;
  rateLimitedWaits: number;
  rateLimitedMs: number;
  /** Units of the file that were already on the center's roster and were used as they are. */
  keptOnRoster: string[];
}

async function run(args: ImportArgs, log: (line: string) => void): Promise<RunResult> {
  const file = readSfFile(await readFile(args.file, "utf8"));
  // A live replay's times differ on every run, so it gets ids of its own: reusing the instant import's ids would
  // make the server refuse every request as a conflicting retry.
  const scope = args.mode.kind === "speed" ? `r${Date.now().toString(36)}` : "";
  const plan = buildPlan(file.rows, { scope, problems: file.problems });

  const api = new ApiClient(args.url, args.username, args.password);
  await api.login();
  // Units the center already has (its roster, or an earlier import) keep their station and home: the file only
  // knows where each unit's first call was.
  const rosterAnswer = await api.get(`${API_PREFIX}/units`);
  const roster = new Set(UnitsAnswer.safeParse(rosterAnswer.body).data?.units.map((unit) => unit.id) ?? []);
  const keptOnRoster: string[] = [];
  // The replay's "now" is taken once everything is ready, so the first call is not already late.
  const startMs = Date.now();
  const firstMs = plan.requests[0]?.at ?? 0;
  const clock = replayClock(args.mode.kind === "speed" ? { ...args.mode, startMs } : args.mode, firstMs);
  const isoAt = (fileTimeMs: number) => new Date(clock(fileTimeMs)).toISOString();
  log(
    `${args.file}: ${file.rows.length} unit responses, ${plan.calls} calls, ${plan.events} events ` +
      `(${plan.requests.length} requests) -> ${args.url}, ` +
      (args.mode.kind === "speed"
        ? `replaying ${args.mode.speed}x from now (the file spans ${formatSpan(plan)})`
        : "instant, in time order"),
  );

  const incidentIds = new Map<string, string>();
  const refusedDispatch = new Set<string>();
  const refused = new Tally();
  const notSent = new Tally();
  let callsDone = 0;
  let eventsDone = 0;
  let callsCreated = 0;
  let callsReplayed = 0;
  let sent = 0;
  let lastProgressMs = Date.now();
  let lastProgressCount = 0;
  let interrupted = false;
  let stoppedBy: string | undefined;
  const onSignal = () => {
    interrupted = true;
  };
  process.once("SIGINT", onSignal);

  const progress = (force = false) => {
    const now = Date.now();
    const done = callsDone + eventsDone;
    const due = now - lastProgressMs >= PROGRESS_EVERY_MS || done - lastProgressCount >= PROGRESS_EVERY_REQUESTS;
    if (!force && !due) return;
    lastProgressMs = now;
    lastProgressCount = done;
    const failures = refused.total + notSent.total;
    log(
      `[${((now - startMs) / 1000).toFixed(1).padStart(6)} s] calls ${callsDone}/${plan.calls}, ` +
        `events ${eventsDone}/${plan.events}` +
        (failures > 0 ? `, ${failures} failed` : ""),
    );
  };

  for (const planned of plan.requests) {
    if (interrupted) break;
    if (args.mode.kind === "speed") {
      // Wait for the request's time, waking to print progress so a slow stretch of the file does not look hung.
      for (let wait = clock(planned.at) - Date.now(); wait > 0 && !interrupted; wait = clock(planned.at) - Date.now()) {
        await sleep(Math.min(wait, PROGRESS_EVERY_MS));
        progress();
      }
      if (interrupted) break;
    }
    if (planned.kind === "unit" && roster.has(planned.unit.unitId)) {
      keptOnRoster.push(planned.unit.unitId);
      continue;
    }
    const isEvent = planned.kind !== "unit";
    const countDone = () => {
      if (planned.kind === "call") callsDone++;
      if (isEvent) eventsDone++;
    };
    const blockedByDispatch =
      planned.kind === "status" && refusedDispatch.has(`${planned.callNumber}\u0000${planned.unitId}`);
    const request = blockedByDispatch
      ? { blocked: `the dispatch of unit ${planned.unitId} to call ${planned.callNumber} was refused` }
      : toApiRequest(planned, { isoAt, incidentIdOf: (callNumber) => incidentIds.get(callNumber) });
    if ("blocked" in request) {
      notSent.add(`not sent: ${planned.kind} after a refused request`, `${describe(planned)}: ${request.blocked}`);
      countDone();
      progress();
      continue;
    }
    let answer: Answer;
    try {
      answer = await api.send(request);
    } catch (error) {
      // The server is gone (retries exhausted): stop, but still say how far the import got.
      stoppedBy = `${describe(planned)}: ${request.method} ${request.path} failed: ${errorText(error)}`;
      break;
    }
    sent++;
    if (answer.status === 200 || answer.status === 201) {
      if (planned.kind === "call") {
        const parsed = CallAnswer.safeParse(answer.body);
        if (!parsed.success) {
          refused.add("call answered without an incident id", describe(planned));
        } else {
          incidentIds.set(planned.call.callNumber, parsed.data.incident.id);
          if (parsed.data.replayed) callsReplayed++;
          else callsCreated++;
        }
      }
    } else {
      const failure = api.failure(answer, describe(planned));
      const route = request.path.replace(/\/(incidents|units)\/[^/]+/, "/$1/:id");
      const reason = `${request.method} ${route} -> ${failure.status} ${failure.code}`;
      refused.add(reason, `${describe(planned)}: ${failure.message}`);
      if (planned.kind === "dispatch") refusedDispatch.add(`${planned.callNumber}\u0000${planned.unitId}`);
    }
    countDone();
    progress();
  }
  process.removeListener("SIGINT", onSignal);
  progress(true);
  return {
    plan,
    sent,
    callsCreated,
    callsReplayed,
    refused,
    notSent,
    seconds: (Date.now() - startMs) / 1000,
    interrupted,
    stoppedBy,
    rateLimitedWaits: api.rateLimitedWaits,
    rateLimitedMs: api.rateLimitedMs,
    keptOnRoster,
  };
}

function formatSpan(plan: ImportPlan): string {
  const first = plan.requests[0]?.at;
  const last = plan.requests[plan.requests.length - 1]?.at;
  if (first === undefined || last === undefined) return "nothing";
  return `${formatSfTime(first)} to ${formatSfTime(last)} San Francisco time`;
}

function report(result: RunResult, log: (line: string) => void): void {
  const { plan } = result;
  log("");
  if (result.stoppedBy !== undefined) log(`Stopped: ${result.stoppedBy}`);
  log(
    `${result.interrupted ? "Interrupted" : result.stoppedBy !== undefined ? "Stopped" : "Done"} ` +
      `in ${result.seconds.toFixed(1)} s: ${result.sent} requests sent ` +
      `(${(result.sent / Math.max(result.seconds, 0.001)).toFixed(0)}/s); calls: ${result.callsCreated} created, ` +
      `${result.callsReplayed} already imported.`,
  );
  if (result.keptOnRoster.length > 0) {
    const shown = result.keptOnRoster.slice(0, 12).join(", ");
    log(`Units already on the roster, used as they are: ${result.keptOnRoster.length} (${shown}${result.keptOnRoster.length > 12 ? ", ..." : ""})`);
  }
  log(`Skipped (in the file, not sent): ${plan.skipped.total}`);
  for (const line of plan.skipped.format()) log(line);
  log(`Recorded, but worth knowing: ${plan.notes.total}`);
  for (const line of plan.notes.format()) log(line);
  if (result.rateLimitedWaits > 0) {
    log(`Rate limited ${result.rateLimitedWaits} times, waited ${(result.rateLimitedMs / 1000).toFixed(1)} s in all.`);
  }
  log(`Refused by the server: ${result.refused.total}`);
  for (const line of result.refused.format()) log(line);
  if (result.notSent.total > 0) {
    log(`Not sent because an earlier request was refused: ${result.notSent.total}`);
    for (const line of result.notSent.format()) log(line);
  }
}

async function main(): Promise<number> {
  let args: ImportArgs | null;
  try {
    args = parseImportArgs(process.argv.slice(2), process.env);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }
  if (args === null) {
    console.log(USAGE);
    return 0;
  }
  const log = (line: string) => console.log(line);
  const result = await run(args, log);
  report(result, log);
  if (result.interrupted) return 130;
  return result.stoppedBy !== undefined || result.refused.total > 0 || result.notSent.total > 0 ? 1 : 0;
}

/** One line a person can act on: the message, and the network cause fetch hides in `cause`. */
function errorText(error: unknown): string {
  if (error instanceof RequestFailed) return `${error.status} ${error.code}: ${error.message}`;
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return `${error.message}${cause}`;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`import:sf: ${errorText(error)}`);
    process.exitCode = 1;
  },
);
