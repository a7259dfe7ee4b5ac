// Public explanations: what a resident may read about an incident, generated from the record and then edited by
// PR staff, reviewed by a supervisor who did not write it, and published as immutable versions. This file holds the
// pure parts both sides need: the content shape, the standards the intervals are measured against, the draft
// generator (zh-CN, zh-TW, en templates) and the fold of the `explanation` stream.
// Field background: DOMAIN.md "Public explanations" and "Response-time standards".
import { z } from "zod";
import type { IncidentType } from "./domain";
import type { CheckpointRef, ExplanationEventPayloads, NewStreamEvent } from "./events";
import { computeIntervals, firstArriving, firstDispatchedAt, FoldError, type IncidentState } from "./incident";

export const EXPLANATION_LANGUAGES = ["zh-CN", "zh-TW", "en"] as const;
export const ExplanationLanguage = z.enum(EXPLANATION_LANGUAGES);
export type ExplanationLanguage = z.infer<typeof ExplanationLanguage>;

export const EXPLANATION_STATUSES = ["draft", "submitted", "approved", "published", "withdrawn"] as const;
export type ExplanationStatus = (typeof EXPLANATION_STATUSES)[number];

/** The editable text of one language. Every field is plain text; the page renders it escaped. */
export interface ExplanationText {
  title: string;
  summary: string;
  /** The response against the standards, in sentences a resident understands. */
  response: string;
  /** One paragraph per decision marked as a public candidate. */
  decisions: string[];
  known: string;
  unknown: string;
  contact: string;
}
export const EXPLANATION_TEXT_FIELDS = ["title", "summary", "response", "known", "unknown", "contact"] as const;

export const TIMELINE_STEPS = ["call_received", "dispatched", "en_route", "on_scene", "under_control", "cleared"] as const;
export type TimelineStep = (typeof TIMELINE_STEPS)[number];

export const PUBLIC_INTERVALS = ["callProcessing", "turnout", "travel", "dispatchToArrival", "totalResponse"] as const;
export type PublicInterval = (typeof PUBLIC_INTERVALS)[number];

export interface IntervalFact {
  name: PublicInterval;
  /** Seconds, null when the record has no end (never 0 for "unknown"). */
  seconds: number | null;
  targetSeconds: number;
  /** The standard the target comes from. */
  standard: string;
  met: boolean | null;
}

/**
 * Facts taken from the record, never typed by staff: only fields meant for the public (type, street-level area,
 * times). Regenerated from the incident whenever the draft is saved.
 */
export interface ExplanationFacts {
  incidentNumber: string;
  incidentType: IncidentType;
  /** Street or block level, or the full address when the owner of the fire building agreed. */
  area: string | null;
  timeline: { step: TimelineStep; at: string }[];
  intervals: IntervalFact[];
  /** "under_investigation" until a fire-cause finding is on record. */
  cause: "under_investigation" | "determined";
  unitsSent: number;
}

export interface ExplanationContent {
  facts: ExplanationFacts;
  texts: Record<ExplanationLanguage, ExplanationText>;
  /** The languages to publish; at least one. */
  languages: ExplanationLanguage[];
  ownerAgreedAddress: boolean;
}

/** What the incident log looked like when a version was published: its head, for the evidence work to anchor. */
export interface LogHead {
  seq: number;
  hash: string;
}

export interface PublishedVersion {
  version: number;
  publishedAt: string;
  content: ExplanationContent;
  incidentLogHead: LogHead;
  /** What changed, for a correction (version 2 on). */
  note?: string;
  /** The signed checkpoint that covers this publication, once written. */
  checkpoint?: CheckpointRef;
}

export interface ExplanationReview {
  outcome: "approved" | "returned";
  by: string;
  at: string;
  comment?: string;
}

export interface ExplanationState {
  id: string;
  incidentId: string;
  incidentNumber: string;
  status: ExplanationStatus;
  /** The working content: the draft, or the next version being corrected. */
  content: ExplanationContent;
  /** The note a correction will be published with. */
  correctionNote?: string;
  /** User ids of everyone who wrote the current draft: none of them may approve it. */
  authors: string[];
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  review?: ExplanationReview;
  token?: string;
  versions: PublishedVersion[];
  withdrawn?: { at: string; reason: string };
  lastSeq: number;
  lastHash: string;
}

// ---- standards ----

/** NFPA 1225 (2022): call answered to first unit dispatched within 60 s. */
const CALL_PROCESSING_TARGET = 60;
/** NFPA 1710: turnout 60 s for EMS, 80 s for fire and special operations. */
function turnoutTarget(type: IncidentType): number {
  return type === "medical" ? 60 : 80;
}
/** NFPA 1710: travel of the first engine 240 s. */
const TRAVEL_TARGET = 240;
/** GB 51080-2015 §4.1.3 / 建标152-2017: station districts are drawn for arrival within 5 min of the turnout order. */
const CHINA_FIVE_MINUTES = 300;

export function intervalFacts(state: IncidentState): IntervalFact[] {
  const intervals = computeIntervals(state);
  const turnout = turnoutTarget(state.incidentType);
  const dispatchToArrival = intervals.turnout !== null && intervals.travel !== null ? intervals.turnout + intervals.travel : null;
  const fact = (name: PublicInterval, seconds: number | null, targetSeconds: number, standard: string): IntervalFact => ({
    name,
    seconds,
    targetSeconds,
    standard,
    met: seconds === null ? null : seconds <= targetSeconds,
  });
  return [
    fact("callProcessing", intervals.alarmProcessing, CALL_PROCESSING_TARGET, "NFPA 1225"),
    fact("turnout", intervals.turnout, turnout, "NFPA 1710"),
    fact("travel", intervals.travel, TRAVEL_TARGET, "NFPA 1710"),
    fact("dispatchToArrival", dispatchToArrival, CHINA_FIVE_MINUTES, "GB 51080"),
    fact("totalResponse", intervals.totalResponse, CALL_PROCESSING_TARGET + turnout + TRAVEL_TARGET, "NFPA 1225 + NFPA 1710"),
  ];
}

// ---- what of the record may be shown ----

/**
 * The address at street or block level: "1234 Main St" becomes "1200 block of Main St"; "建国路88号3栋" becomes
 * "建国路". The full address only when the owner of the fire building agreed.
 */
export function publicArea(address: string | undefined, ownerAgreed: boolean): string | null {
  const trimmed = address?.trim();
  if (!trimmed) return null;
  if (ownerAgreed) return trimmed;
  const western = /^(\d+)[A-Za-z]?(?:[-/]\d+[A-Za-z]?)?\s+(.+)$/.exec(trimmed);
  if (western) {
    const block = Math.floor(Number(western[1]) / 100) * 100;
    return `${block} block of ${stripUnit(western[2]!)}`;
  }
  // Chinese addresses: the street ends before the first house number ("88号", "88弄", "88-3号").
  const chinese = /^(.*?[^\d\s])\s*\d+[\d-]*\s*[号號弄巷栋棟室楼樓].*$/.exec(trimmed);
  if (chinese) return chinese[1]!;
  return stripUnit(trimmed.replace(/\d{2,}/g, "").replace(/\s{2,}/g, " ").trim()) || null;
}

function stripUnit(street: string): string {
  return street.replace(/\s*(?:#|apt\.?|unit|suite)\s*\S+$/i, "").trim();
}

/** The time of each step of the response, from the record. */
export function timelineOf(state: IncidentState): { step: TimelineStep; at: string }[] {
  const earliestOf = (times: (string | undefined)[]): string | undefined =>
    times.filter((time): time is string => time !== undefined).sort((a, b) => Date.parse(a) - Date.parse(b))[0];
  const latestOf = (times: (string | undefined)[]): string | undefined =>
    times.filter((time): time is string => time !== undefined).sort((a, b) => Date.parse(b) - Date.parse(a))[0];
  const stillWorking = state.assignments.some((assignment) => assignment.active);
  const steps: Record<TimelineStep, string | undefined> = {
    call_received: state.receivedAt,
    dispatched: firstDispatchedAt(state),
    en_route: earliestOf(state.assignments.map((assignment) => assignment.times.en_route?.occurredAt)),
    on_scene: firstArriving(state)?.times.on_scene?.occurredAt,
    under_control: state.phases.under_control?.occurredAt ?? state.phases.knocked_down?.occurredAt,
    cleared:
      state.closedAt?.occurredAt ??
      (stillWorking || state.assignments.length === 0
        ? undefined
        : latestOf(state.assignments.map((assignment) => assignment.times.available?.occurredAt))),
  };
  return TIMELINE_STEPS.flatMap((step) => (steps[step] ? [{ step, at: steps[step] }] : []));
}

export function factsOf(state: IncidentState, ownerAgreedAddress: boolean): ExplanationFacts {
  return {
    incidentNumber: state.number,
    incidentType: state.incidentType,
    area: publicArea(state.location.address, ownerAgreedAddress),
    timeline: timelineOf(state),
    intervals: intervalFacts(state),
    // No record of a fire-cause finding exists yet: until one does, the cause is under investigation.
    cause: "under_investigation",
    unitsSent: new Set(state.assignments.map((assignment) => assignment.unitId)).size,
  };
}

/**
 * Decisions marked as public candidates, read defensively: the fireground record (decisions with a reason and a
 * `publicCandidate` flag) is added by another workflow, and an incident without it simply has none. A decision
 * that was corrected is replaced by its correction.
 */
const PublicDecision = z.object({
  decisionType: z.string(),
  reason: z.string(),
  publicCandidate: z.boolean(),
  seq: z.number(),
  correctedBy: z.array(z.number()).optional(),
  at: z.object({ occurredAt: z.string() }).optional(),
});
export type PublicDecision = z.infer<typeof PublicDecision>;

export function publicDecisionsOf(state: IncidentState): PublicDecision[] {
  const raw = (state as unknown as { decisions?: unknown }).decisions;
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((entry) => {
    const parsed = PublicDecision.safeParse(entry);
    if (!parsed.success || !parsed.data.publicCandidate) return [];
    if ((parsed.data.correctedBy ?? []).length > 0) return [];
    return [parsed.data];
  });
}

// ---- the draft generator ----

export function formatSeconds(seconds: number, language: ExplanationLanguage): string {
  const sign = seconds < 0 ? "-" : "";
  const total = Math.abs(seconds);
  const minutes = Math.floor(total / 60);
  const rest = total % 60;
  if (language === "en") {
    if (minutes === 0) return `${sign}${rest} s`;
    return `${sign}${minutes} min${rest > 0 ? ` ${rest} s` : ""}`;
  }
  if (minutes === 0) return `${sign}${rest}秒`;
  return rest === 0 ? `${sign}${minutes}${language === "zh-TW" ? "分鐘" : "分钟"}` : `${sign}${minutes}分${rest}秒`;
}

/** Date and time of day in the center's time zone (the same clock residents read). */
export function formatLocalTime(iso: string, timeZone: string): { date: string; time: string } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
    })
      .formatToParts(new Date(iso))
      .map((part) => [part.type, part.value]),
  );
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

/**
 * The date as a resident reads it: "2026年11月21日" in Chinese (which also keeps it from running into a following
 * number, where the personal-data check would see one long number).
 */
export function formatLocalDate(iso: string, timeZone: string, language: ExplanationLanguage): string {
  const { date } = formatLocalTime(iso, timeZone);
  if (language === "en") return date;
  const [year, month, day] = date.split("-");
  return `${year}年${Number(month)}月${Number(day)}日`;
}

/** "in the 900 block of Folsom St", "at 建国路". */
function whereEn(area: string): string {
  return /^\d+ block of /.test(area) ? `in the ${area}` : `at ${area}`;
}

const TYPE_NAMES: Record<ExplanationLanguage, Record<IncidentType, string>> = {
  en: {
    structure_fire: "building fire",
    vehicle_fire: "vehicle fire",
    outside_fire: "outdoor fire",
    wildland_fire: "wildland fire",
    alarm: "fire alarm",
    hazmat: "hazardous materials incident",
    rescue: "rescue",
    medical: "medical emergency",
    service: "service call",
    other: "incident",
  },
  "zh-CN": {
    structure_fire: "建筑火灾",
    vehicle_fire: "车辆火灾",
    outside_fire: "室外火灾",
    wildland_fire: "山林火灾",
    alarm: "火灾报警",
    hazmat: "危险化学品事故",
    rescue: "抢险救援",
    medical: "医疗急救",
    service: "社会救助",
    other: "警情",
  },
  "zh-TW": {
    structure_fire: "建築火災",
    vehicle_fire: "車輛火災",
    outside_fire: "室外火災",
    wildland_fire: "山林火災",
    alarm: "火災警報",
    hazmat: "危險化學品事故",
    rescue: "搶險救援",
    medical: "醫療急救",
    service: "社會救助",
    other: "案件",
  },
};

export function typeName(type: IncidentType, language: ExplanationLanguage): string {
  return TYPE_NAMES[language][type];
}

/** Plain-language templates per decision type; the commander's reason follows. Unknown types use `other`. */
const DECISION_TEMPLATES: Record<ExplanationLanguage, Record<string, string>> = {
  en: {
    strategy_offensive: "The firefighters went inside the building to put the fire out",
    strategy_defensive: "The firefighters fought the fire from outside and did not send crews inside",
    strategy_transitional: "The firefighters first cooled the fire from outside and then went inside",
    exposure_protection: "The firefighters concentrated on protecting the neighbouring buildings and let part of the fire burn",
    demolition_firebreak: "The firefighters took down part of a structure to stop the fire spreading",
    forcible_entry: "The firefighters forced a door or window open",
    ventilation: "The firefighters opened the building to let out smoke and heat",
    agent_nozzle: "The firefighters chose a particular extinguishing agent",
    water_withheld: "The firefighters did not use water on part of the fire",
    evacuation: "The firefighters asked people nearby to leave their homes",
    neighbouring_property: "The firefighters used a neighbouring property",
    utilities_cut: "The firefighters had the power, gas or water cut off",
    other: "The commander made a decision",
  },
  "zh-CN": {
    strategy_offensive: "消防员进入建筑内部灭火",
    strategy_defensive: "消防员在建筑外部灭火，没有派人进入内部",
    strategy_transitional: "消防员先在外部压制火势，再进入内部灭火",
    exposure_protection: "消防员集中力量保护相邻建筑，部分火势未予扑救",
    demolition_firebreak: "消防员拆除了部分建筑以阻止火势蔓延",
    forcible_entry: "消防员破拆了门窗进入",
    ventilation: "消防员打开建筑排出烟气和热量",
    agent_nozzle: "消防员选用了特定的灭火剂",
    water_withheld: "消防员对部分火点没有用水扑救",
    evacuation: "消防员疏散了附近居民",
    neighbouring_property: "消防员使用了相邻的场地或设施",
    utilities_cut: "消防员切断了电、气或水",
    other: "现场指挥员作出了一项决定",
  },
  "zh-TW": {
    strategy_offensive: "消防員進入建築內部滅火",
    strategy_defensive: "消防員在建築外部滅火，沒有派人進入內部",
    strategy_transitional: "消防員先在外部壓制火勢，再進入內部滅火",
    exposure_protection: "消防員集中力量保護相鄰建築，部分火勢未予撲救",
    demolition_firebreak: "消防員拆除了部分建築以阻止火勢蔓延",
    forcible_entry: "消防員破拆了門窗進入",
    ventilation: "消防員打開建築排出煙氣和熱量",
    agent_nozzle: "消防員選用了特定的滅火劑",
    water_withheld: "消防員對部分火點沒有用水撲救",
    evacuation: "消防員疏散了附近居民",
    neighbouring_property: "消防員使用了相鄰的場地或設施",
    utilities_cut: "消防員切斷了電、氣或水",
    other: "現場指揮員作出了一項決定",
  },
};

export function decisionText(decision: { decisionType: string; reason: string }, language: ExplanationLanguage): string {
  const templates = DECISION_TEMPLATES[language];
  const lead = templates[decision.decisionType] ?? templates.other!;
  const reason = decision.reason.trim().replace(/[.。]$/, "");
  if (language === "en") return `${lead} because ${reason}.`;
  return `${lead}，原因是：${reason}。`;
}

function intervalSentence(fact: IntervalFact, language: ExplanationLanguage, firstUnitIsEngine: boolean): string | null {
  if (fact.seconds === null) return null;
  const took = formatSeconds(fact.seconds, language);
  const target = formatSeconds(fact.targetSeconds, language);
  const metEn = fact.met ? "within the target" : "longer than the target";
  const metZh = fact.met ? "达到" : "未达到";
  const metTw = fact.met ? "達到" : "未達到";
  const unitEn = firstUnitIsEngine ? "engine" : "unit";
  const unitZh = firstUnitIsEngine ? "消防车" : "救援力量";
  const unitTw = firstUnitIsEngine ? "消防車" : "救援力量";
  switch (fact.name) {
    case "callProcessing":
      return {
        en: `We sent the first unit ${took} after your call was answered; the target is ${target} (${fact.standard}), so this was ${metEn}.`,
        "zh-CN": `接警后 ${took} 派出第一辆车；标准为 ${target}（${fact.standard}），${metZh}标准。`,
        "zh-TW": `接警後 ${took} 派出第一輛車；標準為 ${target}（${fact.standard}），${metTw}標準。`,
      }[language];
    case "turnout":
      return {
        en: `The first crew left the station ${took} after the order; the target is ${target} (${fact.standard}).`,
        "zh-CN": `第一支队伍接到命令后 ${took} 出动；标准为 ${target}（${fact.standard}）。`,
        "zh-TW": `第一支隊伍接到命令後 ${took} 出動；標準為 ${target}（${fact.standard}）。`,
      }[language];
    case "travel":
      return {
        en: `The drive to you took ${took}; the target is ${target} (${fact.standard}).`,
        "zh-CN": `行车途中用时 ${took}；标准为 ${target}（${fact.standard}）。`,
        "zh-TW": `行車途中用時 ${took}；標準為 ${target}（${fact.standard}）。`,
      }[language];
    case "dispatchToArrival":
      return {
        en: `From the order to arrival took ${took}; China's station planning aims for ${target} (${fact.standard}).`,
        "zh-CN": `从出动命令到到场用时 ${took}；我国消防站布局要求 ${target} 内到达（${fact.standard}），${metZh}要求。`,
        "zh-TW": `從出動命令到到場用時 ${took}；消防站佈局要求 ${target} 內到達（${fact.standard}），${metTw}要求。`,
      }[language];
    case "totalResponse":
      return {
        en: `The first ${unitEn} arrived ${took} after your call; the target is ${target} (${fact.standard}), so this was ${metEn}.`,
        "zh-CN": `第一辆${unitZh}在您报警后 ${took} 到场；标准为 ${target}（${fact.standard}），${metZh}标准。`,
        "zh-TW": `第一輛${unitTw}在您報案後 ${took} 到場；標準為 ${target}（${fact.standard}），${metTw}標準。`,
      }[language];
  }
}

export interface DraftInput {
  incident: IncidentState;
  ownerAgreedAddress: boolean;
  /** The center's time zone, for the times of day in the text. */
  timeZone: string;
}

/** Generates the three language versions from the record; staff edit them before review. */
export function generateDraft(input: DraftInput): ExplanationContent {
  const { incident, timeZone } = input;
  const facts = factsOf(incident, input.ownerAgreedAddress);
  const decisions = publicDecisionsOf(incident);
  const engineFirst = firstArriving(incident)?.unitType === "engine";
  const received = formatLocalTime(incident.receivedAt, timeZone);
  const stepAt = (step: TimelineStep) => {
    const entry = facts.timeline.find((candidate) => candidate.step === step);
    return entry ? formatLocalTime(entry.at, timeZone).time : null;
  };
  const underControl = stepAt("under_control");
  const cleared = stepAt("cleared");
  const texts = {} as Record<ExplanationLanguage, ExplanationText>;
  for (const language of EXPLANATION_LANGUAGES) {
    const type = typeName(incident.incidentType, language);
    const area = facts.area;
    const response = facts.intervals
      .map((fact) => intervalSentence(fact, language, engineFirst))
      .filter((sentence): sentence is string => sentence !== null)
      .join(language === "en" ? " " : "");
    if (language === "en") {
      texts.en = {
        title: `${capitalise(type)}${area ? ` ${whereEn(area)}` : ""} on ${received.date}: how we responded`,
        summary:
          `At ${received.time} on ${received.date} we received a call about a ${type}${area ? ` ${whereEn(area)}` : ""}. ` +
          `We sent ${facts.unitsSent} ${facts.unitsSent === 1 ? "unit" : "units"}.`,
        response: response || "The record does not yet have the times of the response.",
        decisions: decisions.map((decision) => decisionText(decision, "en")),
        known: [
          underControl ? `The fire was under control at ${underControl}.` : null,
          cleared ? `The last crews left at ${cleared}.` : null,
        ].filter(Boolean).join(" ") || "The response is still under way.",
        unknown: "The cause is under investigation. We will not say what caused it before the fire-cause finding is made.",
        contact: `If you have a question, contact the fire rescue service and quote incident number ${incident.number}.`,
      };
    } else {
      const simplified = language === "zh-CN";
      const at = area ?? "";
      const date = formatLocalDate(incident.receivedAt, timeZone, language);
      texts[language] = {
        title: simplified
          ? `${date}${at ? ` ${at} ` : ""}${type}处置情况说明`
          : `${date}${at ? ` ${at} ` : ""}${type}處置情況說明`,
        summary: simplified
          ? `${date}${received.time}，我们接到${at ? ` ${at} ` : ""}${type}的报警，共派出 ${facts.unitsSent} 辆车。`
          : `${date}${received.time}，我們接到${at ? ` ${at} ` : ""}${type}的報案，共派出 ${facts.unitsSent} 輛車。`,
        response: response || (simplified ? "记录中暂无出动时间。" : "記錄中暫無出動時間。"),
        decisions: decisions.map((decision) => decisionText(decision, language)),
        known:
          [
            underControl ? (simplified ? `火势于 ${underControl} 得到控制。` : `火勢於 ${underControl} 得到控制。`) : null,
            cleared ? (simplified ? `最后一批力量于 ${cleared} 撤离。` : `最後一批力量於 ${cleared} 撤離。`) : null,
          ].filter(Boolean).join("") || (simplified ? "处置仍在进行中。" : "處置仍在進行中。"),
        unknown: simplified
          ? "起火原因正在调查中。在作出火灾事故认定之前，我们不会推测起火原因。"
          : "起火原因正在調查中。在作出火災事故認定之前，我們不會推測起火原因。",
        contact: simplified
          ? `如有疑问，请联系消防救援机构并提供警情编号 ${incident.number}。`
          : `如有疑問，請聯繫消防救援機構並提供案件編號 ${incident.number}。`,
      };
    }
  }
  return { facts, texts, languages: [...EXPLANATION_LANGUAGES], ownerAgreedAddress: input.ownerAgreedAddress };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// ---- the fold ----

function expectSeq(state: ExplanationState | undefined, event: NewStreamEvent<"explanation">): void {
  const expected = (state?.lastSeq ?? 0) + 1;
  if (event.seq !== expected) throw new FoldError(`explanation ${event.streamId}: expected seq ${expected}, got ${event.seq}`);
}

type ExplanationEvent = NewStreamEvent<"explanation">;
type Payload<T extends keyof ExplanationEventPayloads> = ExplanationEventPayloads[T];

export function applyExplanationEvent(state: ExplanationState | undefined, event: ExplanationEvent): ExplanationState {
  expectSeq(state, event);
  if (event.type === "explanation.drafted") {
    if (state) throw new FoldError(`explanation ${event.streamId} is drafted twice`);
    const payload = event.payload as Payload<"explanation.drafted">;
    return {
      id: event.streamId,
      incidentId: payload.incidentId,
      incidentNumber: payload.incidentNumber,
      status: "draft",
      content: payload.content,
      authors: [event.actor.userId],
      createdBy: event.actor.username,
      createdAt: event.recordedAt,
      updatedAt: event.recordedAt,
      versions: [],
      lastSeq: event.seq,
      lastHash: event.hash,
    };
  }
  if (!state) throw new FoldError(`event ${event.type} before explanation.drafted`);
  const next: ExplanationState = structuredClone(state);
  next.lastSeq = event.seq;
  next.lastHash = event.hash;
  next.updatedAt = event.recordedAt;
  switch (event.type) {
    case "explanation.edited": {
      const payload = event.payload as Payload<"explanation.edited">;
      next.content = payload.content;
      if (payload.correctionNote !== undefined) next.correctionNote = payload.correctionNote;
      // Editing a published page starts a correction; editing an approved draft needs a new review.
      if (next.status !== "draft") {
        if (next.status === "published" || next.status === "withdrawn") next.authors = [];
        next.status = "draft";
        delete next.review;
      }
      if (!next.authors.includes(event.actor.userId)) next.authors.push(event.actor.userId);
      return next;
    }
    case "explanation.submitted":
      next.status = "submitted";
      return next;
    case "explanation.approved":
    case "explanation.returned": {
      const payload = event.payload as Payload<"explanation.approved">;
      next.status = event.type === "explanation.approved" ? "approved" : "draft";
      next.review = {
        outcome: event.type === "explanation.approved" ? "approved" : "returned",
        by: event.actor.username,
        at: event.recordedAt,
        ...(payload.comment !== undefined ? { comment: payload.comment } : {}),
      };
      return next;
    }
    case "explanation.published": {
      const payload = event.payload as Payload<"explanation.published">;
      next.status = "published";
      next.token = payload.token;
      next.versions.push({
        version: payload.version,
        publishedAt: event.recordedAt,
        content: payload.content,
        incidentLogHead: payload.incidentLogHead,
        ...(payload.note !== undefined ? { note: payload.note } : {}),
      });
      delete next.correctionNote;
      delete next.withdrawn;
      return next;
    }
    case "explanation.anchored": {
      const payload = event.payload as Payload<"explanation.anchored">;
      next.versions = next.versions.map((published) =>
        published.version === payload.version ? { ...published, checkpoint: payload.checkpoint } : published,
      );
      return next;
    }
    case "explanation.withdrawn": {
      const payload = event.payload as Payload<"explanation.withdrawn">;
      next.status = "withdrawn";
      next.withdrawn = { at: event.recordedAt, reason: payload.reason };
      return next;
    }
  }
  throw new FoldError(`explanation ${state.id}: unknown event type`);
}
