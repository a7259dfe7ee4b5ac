// Public explanations: PR staff search incidents, generate a draft from the record, edit it, submit it; a
// supervisor who wrote none of it approves or returns it; an approved version is published at an unguessable
// address, corrected by new versions, or withdrawn. Every step is an event in the explanation's stream.
import { randomBytes, randomUUID } from "node:crypto";
import type {
  ExplanationView,
  IncidentSearchPage,
  PersonalSpan,
  PublicExplanationContent,
  PublicExplanationView,
  PublishResult,
} from "../../shared/api";
import type { Actor, CheckpointRef } from "../../shared/events";
import {
  EXPLANATION_LANGUAGES,
  EXPLANATION_TEXT_FIELDS,
  factsOf,
  generateDraft,
  publicArea,
  type ExplanationContent,
  type ExplanationState,
} from "../../shared/explanation";
import { normalizeAddress } from "../../shared/geo";
import { computeIntervals, type IncidentState } from "../../shared/incident";
import { can } from "../../shared/policy";
import { crewNamesOf, nameSpans, personalSpans, personalStringsOf, scrubNames, scrubText } from "../../shared/redaction";
import type {
  CreateExplanationBody,
  EditExplanationBody,
  ExplanationListQuery,
  IncidentSearchQuery,
  ReviewExplanationBody,
  WithdrawExplanationBody,
} from "../../shared/schemas";
import { bodyOf, checkpointBodyHash } from "../core/checkpoints";
import { AppError, errors } from "../core/errors";
import type { IncidentRecord, StreamRecord } from "../store/types";
import type { CheckpointService } from "./checkpoints";
import { authorize, ensureAllowed, type ServiceContext } from "./context";
import { decodeCursor, encodeCursor } from "./reports";
import { runCommand } from "./runCommand";

/** 144 random bits: a page address nobody can guess or enumerate. */
const TOKEN_BYTES = 18;

// ---- search ----

export async function searchIncidents(context: ServiceContext, actor: Actor, query: IncidentSearchQuery): Promise<IncidentSearchPage> {
  authorize(actor, "readAllIncidents", "search incidents");
  const addressKey = query.address !== undefined ? normalizeAddress(query.address) : undefined;
  const records = await context.store.listIncidents({
    newestFirst: true,
    limit: query.limit + 1,
    ...(query.number !== undefined ? { number: query.number } : {}),
    ...(addressKey ? { addressKeyPrefix: addressKey } : {}),
    ...(query.incidentType !== undefined ? { incidentType: query.incidentType } : {}),
    ...(query.from !== undefined ? { fromMs: Date.parse(query.from) } : {}),
    ...(query.to !== undefined ? { toMs: Date.parse(query.to) } : {}),
    ...(query.cursor !== undefined ? { after: decodeCursor(query.cursor) } : {}),
  });
  const page = records.slice(0, query.limit);
  const last = page[page.length - 1];
  return {
    incidents: page.map((record) => ({
      id: record.id,
      number: record.number,
      incidentType: record.incidentType,
      status: record.status,
      area: publicArea(record.state.location.address, false),
      receivedAt: record.state.receivedAt,
      intervals: computeIntervals(record.state),
    })),
    nextCursor: records.length > query.limit && last ? encodeCursor(last) : null,
  };
}

// ---- reading ----

async function loadIncident(context: ServiceContext, incidentId: string): Promise<IncidentRecord> {
  const record = await context.store.getIncident(incidentId);
  if (!record) throw errors.notFound(`Incident ${incidentId}`);
  return record;
}

async function loadExplanation(context: ServiceContext, id: string): Promise<ExplanationState> {
  const record = await context.store.getStream("explanation", id);
  if (!record) throw errors.notFound(`Explanation ${id}`);
  return record.state;
}

/** Everything personal the system knows about an incident. */
interface IncidentPersonalData {
  /** Callers' names and numbers, transfer callback numbers: matched anywhere, numbers whatever their spacing. */
  callers: string[];
  /** Everyone who worked it (the accounts behind its events, commanders and property owners in its records). */
  names: string[];
}

async function personalStringsOfIncident(context: ServiceContext, incident: IncidentState): Promise<IncidentPersonalData> {
  const events = await context.store.getStreamEvents("incident", incident.id);
  const userIds = new Set(events.map((event) => event.actor.userId));
  const names: (string | null | undefined)[] = [];
  for (const userId of userIds) {
    const user = await context.store.getUser(userId);
    names.push(user?.username, user?.displayName);
  }
  for (const event of events) names.push(...namesIn(event.payload));
  return { callers: personalStringsOf(incident.calls), names: crewNamesOf(names) };
}

/**
 * Names recorded in fireground payloads (commanderName, commander.name, recordedFor.name, the owner of affected
 * property), read defensively.
 */
function namesIn(payload: unknown): string[] {
  if (typeof payload !== "object" || payload === null) return [];
  const record = payload as Record<string, unknown>;
  const found: string[] = [];
  if (typeof record.commanderName === "string") found.push(record.commanderName);
  for (const key of ["commander", "previous", "recordedFor", "propertyAffected"]) {
    const nested = record[key];
    if (typeof nested !== "object" || nested === null) continue;
    const { name, owner } = nested as { name?: unknown; owner?: unknown };
    if (typeof name === "string") found.push(name);
    if (typeof owner === "string") found.push(owner);
  }
  return found;
}

function spansOf(content: ExplanationContent, personal: IncidentPersonalData): PersonalSpan[] {
  const spans: PersonalSpan[] = [];
  const check = (path: string, text: string) => {
    const found = new Set([...personalSpans(text, personal.callers), ...nameSpans(text, personal.names)]);
    for (const span of found) spans.push({ path, span });
  };
  if (content.facts.area) check("facts.area", content.facts.area);
  for (const language of content.languages) {
    const text = content.texts[language];
    for (const field of EXPLANATION_TEXT_FIELDS) check(`texts.${language}.${field}`, text[field]);
    text.decisions.forEach((decision, index) => check(`texts.${language}.decisions.${index}`, decision));
  }
  return spans;
}

function present(state: ExplanationState, personalData: PersonalSpan[]): ExplanationView {
  return {
    id: state.id,
    incidentId: state.incidentId,
    incidentNumber: state.incidentNumber,
    status: state.status,
    content: state.content,
    ...(state.correctionNote !== undefined ? { correctionNote: state.correctionNote } : {}),
    authors: state.authors,
    createdBy: state.createdBy,
    createdAt: state.createdAt,
    updatedAt: state.updatedAt,
    ...(state.review ? { review: state.review } : {}),
    ...(state.token ? { publicPath: `/p/${state.token}` } : {}),
    versions: state.versions.map(({ version, publishedAt, note }) => ({ version, publishedAt, ...(note !== undefined ? { note } : {}) })),
    ...(state.withdrawn ? { withdrawn: state.withdrawn } : {}),
    personalData,
  };
}

async function presentWithCheck(context: ServiceContext, state: ExplanationState): Promise<ExplanationView> {
  const incident = await loadIncident(context, state.incidentId);
  return present(state, spansOf(state.content, await personalStringsOfIncident(context, incident.state)));
}

export async function getExplanation(context: ServiceContext, actor: Actor, id: string): Promise<ExplanationView> {
  authorize(actor, "readExplanations", "read explanations");
  return presentWithCheck(context, await loadExplanation(context, id));
}

export async function listExplanations(
  context: ServiceContext,
  actor: Actor,
  query: ExplanationListQuery,
): Promise<{ explanations: ExplanationView[] }> {
  authorize(actor, "readExplanations", "read explanations");
  // Explanations are few (one or two per incident that drew attention): a scan of their projections is enough.
  const records: StreamRecord<"explanation">[] = await context.store.listStreams("explanation");
  const matching = records
    .map((record) => record.state)
    .filter((state) => (query.status === undefined || state.status === query.status) && (query.incidentId === undefined || state.incidentId === query.incidentId))
    .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  // The list shows the state; the personal-data check runs when one is opened.
  return { explanations: matching.map((state) => present(state, [])) };
}

// ---- commands ----

function stillIn(state: ExplanationState, allowed: ExplanationState["status"][], action: string): void {
  if (!allowed.includes(state.status)) {
    throw errors.invalidTransition(`This explanation is ${state.status}; it cannot be ${action} now.`);
  }
}

export async function createExplanation(
  context: ServiceContext,
  actor: Actor,
  incidentId: string,
  body: CreateExplanationBody,
): Promise<ExplanationView> {
  authorize(actor, "draftExplanations", "draft public explanations");
  const operation = { opId: body.opId, kind: "explanation.draft", actor, request: { incidentId, ...body } };
  const state = await runCommand(context, operation, async (builder) => {
    const incident = await loadIncident(context, incidentId);
    const personal = await personalStringsOfIncident(context, incident.state);
    const content = generateDraft({
      incident: incident.state,
      ownerAgreedAddress: body.ownerAgreedAddress,
      timeZone: context.config.timeZone,
    });
    // Decisions' reasons are the commander's free text: scrub what the system knows before staff even see it.
    for (const language of EXPLANATION_LANGUAGES) {
      content.texts[language].decisions = content.texts[language].decisions.map((text) =>
        scrubNames(scrubText(text, personal.callers), personal.names),
      );
    }
    return builder.appendTo("explanation", randomUUID(), undefined, "explanation.drafted", {
      incidentId: incident.id,
      incidentNumber: incident.number,
      content,
    }, { actor, occurredAt: builder.recordedAt, source: "live" });
  });
  return presentWithCheck(context, state);
}

export async function editExplanation(
  context: ServiceContext,
  actor: Actor,
  id: string,
  body: EditExplanationBody,
): Promise<ExplanationView> {
  authorize(actor, "draftExplanations", "edit public explanations");
  const operation = { opId: body.opId, kind: "explanation.edit", actor, request: { id, ...body } };
  const state = await runCommand(context, operation, async (builder) => {
    const current = await loadExplanation(context, id);
    stillIn(current, ["draft", "approved", "published", "withdrawn"], "edited (it is under review)");
    const incident = await loadIncident(context, current.incidentId);
    const ownerAgreedAddress = body.ownerAgreedAddress ?? current.content.ownerAgreedAddress;
    const texts = { ...current.content.texts, ...body.texts };
    const content: ExplanationContent = {
      // The facts always come from the record as it is now, never from the request.
      facts: factsOf(incident.state, ownerAgreedAddress),
      texts,
      languages: body.languages ? EXPLANATION_LANGUAGES.filter((language) => body.languages?.includes(language)) : current.content.languages,
      ownerAgreedAddress,
    };
    return builder.appendTo("explanation", id, current, "explanation.edited", {
      content,
      ...(body.correctionNote !== undefined ? { correctionNote: body.correctionNote } : {}),
    }, { actor, occurredAt: builder.recordedAt, source: "live" });
  });
  return presentWithCheck(context, state);
}

export async function submitExplanation(context: ServiceContext, actor: Actor, id: string, opId: string): Promise<ExplanationView> {
  authorize(actor, "draftExplanations", "submit public explanations");
  const operation = { opId, kind: "explanation.submit", actor, request: { id } };
  const state = await runCommand(context, operation, async (builder) => {
    const current = await loadExplanation(context, id);
    stillIn(current, ["draft"], "submitted");
    return builder.appendTo("explanation", id, current, "explanation.submitted", {}, { actor, occurredAt: builder.recordedAt, source: "live" });
  });
  return presentWithCheck(context, state);
}

export async function reviewExplanation(
  context: ServiceContext,
  actor: Actor,
  id: string,
  outcome: "approved" | "returned",
  body: ReviewExplanationBody,
): Promise<ExplanationView> {
  authorize(actor, "reviewExplanations", "review public explanations");
  const operation = { opId: body.opId, kind: `explanation.${outcome}`, actor, request: { id, ...body } };
  const state = await runCommand(context, operation, async (builder) => {
    const current = await loadExplanation(context, id);
    ensureAllowed(can.approveExplanation(actor, current), "A reviewer may not review an explanation they wrote or edited.");
    stillIn(current, ["submitted"], outcome === "approved" ? "approved" : "returned");
    return builder.appendTo("explanation", id, current, outcome === "approved" ? "explanation.approved" : "explanation.returned",
      body.comment !== undefined ? { comment: body.comment } : {}, { actor, occurredAt: builder.recordedAt, source: "live" });
  });
  return presentWithCheck(context, state);
}

export async function publishExplanation(
  context: ServiceContext,
  actor: Actor,
  id: string,
  opId: string,
  origin: string,
  checkpoints: CheckpointService,
): Promise<PublishResult> {
  authorize(actor, "draftExplanations", "publish public explanations");
  const operation = { opId, kind: "explanation.publish", actor, request: { id } };
  const state = await runCommand(context, operation, async (builder) => {
    const current = await loadExplanation(context, id);
    stillIn(current, ["approved"], "published (only an approved version can be)");
    const incident = await loadIncident(context, current.incidentId);
    const spans = spansOf(current.content, await personalStringsOfIncident(context, incident.state));
    if (spans.length > 0) {
      throw new AppError(
        "personal_data",
        `The text contains personal data or something that looks like it (${spans.map((found) => `"${found.span}"`).join(", ")}); remove it and submit again.`,
        spans.map((found) => ({ path: found.path, message: found.span })),
      );
    }
    const version = current.versions.length + 1;
    if (version > 1 && current.correctionNote === undefined) {
      throw errors.validation("A correction needs a note saying what changed (correctionNote) before it is published.", [
        { path: "correctionNote", message: "required for a correction" },
      ]);
    }
    return builder.appendTo("explanation", id, current, "explanation.published", {
      token: current.token ?? randomBytes(TOKEN_BYTES).toString("base64url"),
      version,
      content: current.content,
      incidentLogHead: { seq: incident.state.lastSeq, hash: incident.state.lastHash },
      ...(current.correctionNote !== undefined ? { note: current.correctionNote } : {}),
    }, { actor, occurredAt: builder.recordedAt, source: "live" });
  });
  const token = state.token!;
  const version = state.versions.length;
  await anchorPublication(context, checkpoints, actor, id, version);
  return { token, url: `${origin}/p/${token}`, version };
}

/**
 * Writes the signed checkpoint that covers a publication and records it in the explanation's stream, so the page
 * names its anchor outside the database. A retried publish finds the version already anchored and adds nothing.
 */
async function anchorPublication(
  context: ServiceContext,
  checkpoints: CheckpointService,
  actor: Actor,
  id: string,
  version: number,
): Promise<void> {
  const { file } = await checkpoints.checkpoint();
  const checkpoint: CheckpointRef = {
    position: file.position,
    createdAt: file.createdAt,
    headsHash: file.headsHash,
    bodyHash: checkpointBodyHash(bodyOf(file)),
    keyFingerprint: checkpoints.key.fingerprint,
  };
  const operation = { opId: undefined, kind: "explanation.anchor", actor, request: { id, version } };
  await runCommand(context, operation, async (builder) => {
    const current = await loadExplanation(context, id);
    if (current.versions.find((published) => published.version === version)?.checkpoint) return;
    builder.appendTo("explanation", id, current, "explanation.anchored", { version, checkpoint },
      { actor, occurredAt: builder.recordedAt, source: "live" });
  });
}

export async function withdrawExplanation(
  context: ServiceContext,
  actor: Actor,
  id: string,
  body: WithdrawExplanationBody,
): Promise<ExplanationView> {
  authorize(actor, "draftExplanations", "withdraw public explanations");
  const operation = { opId: body.opId, kind: "explanation.withdraw", actor, request: { id, ...body } };
  const state = await runCommand(context, operation, async (builder) => {
    const current = await loadExplanation(context, id);
    if (current.versions.length === 0) throw errors.invalidTransition("Nothing of this explanation was published; there is nothing to withdraw.");
    if (current.withdrawn) throw errors.invalidTransition("This explanation is already withdrawn.");
    return builder.appendTo("explanation", id, current, "explanation.withdrawn", { reason: body.reason },
      { actor, occurredAt: builder.recordedAt, source: "live" });
  });
  return presentWithCheck(context, state);
}

// ---- the public ----

/** The published version for anyone with the token: no account, no internal id, no personal data. */
export async function getPublicExplanation(context: ServiceContext, token: string, version?: number): Promise<PublicExplanationView> {
  const record = await context.store.findStreamByLookupKey("explanation", token);
  const state = record?.state;
  if (!state || state.versions.length === 0) throw errors.notFound("This page");
  const latest = state.versions[state.versions.length - 1]!;
  const shown = version === undefined ? latest : state.versions.find((candidate) => candidate.version === version);
  if (!shown) throw errors.notFound(`Version ${version} of this page`);
  return {
    incidentNumber: state.incidentNumber,
    version: shown.version,
    latestVersion: latest.version,
    publishedAt: shown.publishedAt,
    ...(shown.note !== undefined ? { note: shown.note } : {}),
    versions: state.versions.map(({ version: number, publishedAt, note }) => ({ version: number, publishedAt, ...(note !== undefined ? { note } : {}) })),
    content: state.withdrawn ? null : { ...shown.content, texts: publishedTextsOnly(shown.content) },
    ...(state.withdrawn ? { withdrawn: state.withdrawn } : {}),
    integrity: {
      incidentLogSeq: shown.incidentLogHead.seq,
      incidentLogHeadHash: shown.incidentLogHead.hash,
      ...(shown.checkpoint ? { checkpoint: shown.checkpoint } : {}),
    },
  };
}

/** Languages not chosen for publication are not sent at all (they were never reviewed as public text). */
function publishedTextsOnly(content: ExplanationContent): PublicExplanationContent["texts"] {
  const texts: PublicExplanationContent["texts"] = {};
  for (const language of content.languages) texts[language] = content.texts[language];
  return texts;
}
