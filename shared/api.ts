// Shapes of REST responses (what presenters produce). The client types its fetches with these.
import type { IncidentStatus, IncidentType, Role, UnitStatus, UnitType } from "./domain";
import type { ExplanationContent, ExplanationLanguage, ExplanationReview, ExplanationStatus, ExplanationText } from "./explanation";
import type { CheckpointRef, IncidentEvent } from "./events";
import type { IncidentCall, IncidentState, ResponseIntervals } from "./incident";
import type { LatLng, RunCard } from "./schemas";

export interface UserView {
  id: string;
  username: string;
  role: Role;
  unitId?: string;
  displayName?: string;
  /** An admin chose this account's password and asked the person to choose their own: the client asks first. */
  mustChangePassword?: true;
}

/** `POST /auth/password`: the password changed; every other session of the user was ended. */
export interface PasswordChangeResult {
  /** How many other sessions were ended. */
  revokedSessions: number;
}

/** `POST /users/:id/password`: the password was set; every session of that user was ended. */
export interface PasswordResetResult {
  userId: string;
  revokedSessions: number;
}

export interface LoginResult {
  token: string;
  user: UserView;
  expiresAt: string;
}

export interface UnitView {
  id: string;
  callSign: string;
  type: UnitType;
  station: string;
  home: LatLng;
  status: UnitStatus;
  statusSince: string;
  incidentId: string | null;
  position: (LatLng & { at: string }) | null;
  /**
   * The store's version of the unit, bumped by every write: the order of updates. Not `statusSince`, which is the
   * source time of the status and may be earlier than the last one's (a dispatch or status recorded as radioed).
   */
  version: number;
}

export interface IncidentView extends IncidentState {
  intervals: ResponseIntervals;
}

export interface IncidentDetailView extends IncidentView {
  events: IncidentEvent[];
}

export interface CallView extends IncidentCall {
  incidentId: string;
  recordedAt: string;
}

export interface DuplicateCandidate {
  incidentId: string;
  number: string;
  incidentType: IncidentType;
  address?: string;
  /** Null when the call or the incident has no position yet (an address-only transfer). */
  distanceM: number | null;
  minutesApart: number;
  score: number;
  level: "strong" | "possible";
  reasons: string[];
}

/** A known address from the incident history (`GET /addresses`): where it is, as last recorded. */
export interface AddressMatch {
  /** As written on the most recent incident at this address. */
  address: string;
  lat: number;
  lng: number;
  /** receivedAt of that most recent incident. */
  lastSeenAt: string;
  /** How many incidents were recorded at this address. */
  incidents: number;
}

/** `POST /transfers/eido`: what became of the document. */
export interface EidoImportResult {
  /**
   * created: a new incident; updated: a later version of a known `$id`, appended to its incident as call
   * record(s); stale: a version not later than one already taken (nothing appended).
   */
  outcome: "created" | "updated" | "stale";
  incident: IncidentView;
  /** The call records appended by this document (none when stale). */
  calls: CallView[];
  duplicates: DuplicateCandidate[];
  /** True when this exact document ($id and lastUpdateTimeStamp) had been taken before: the stored answer. */
  replayed: boolean;
}

export interface CallIntakeResult {
  call: CallView;
  incident: IncidentView;
  duplicates: DuplicateCandidate[];
  /** True when this intakeId (or transfer) had been taken before and the stored result is returned. */
  replayed: boolean;
}

export interface Recommendation {
  unitId: string;
  callSign: string;
  type: UnitType;
  station: string;
  distanceM: number;
  etaSeconds: number;
  reason: string;
}

export interface RecommendationsView {
  incidentId: string;
  alarmLevel: number;
  runCard: RunCard | null;
  recommended: Recommendation[];
  /** Run-card slots no available unit could fill. */
  unfilled: { type: UnitType; missing: number }[];
  /**
   * True when the incident has no position yet (an address-only transfer): nothing is recommended, because the
   * nearest units cannot be known; place it on the map (`POST /incidents/:id/location`) first.
   */
  needsPosition?: boolean;
}

export interface DispatchResult {
  incident: IncidentView;
  units: UnitView[];
}

/** The answer to a fireground write (command, decision, water use): the incident and the entry's seq. */
export interface FiregroundResult {
  incident: IncidentView;
  seq: number;
}

export interface IncidentEventsView {
  incidentId: string;
  events: IncidentEvent[];
  lastSeq: number;
}

export interface UnitStatusResult {
  unit: UnitView;
  incident: IncidentView | null;
}

export interface ResponseTimeRow {
  incidentId: string;
  number: string;
  externalId: string | null;
  incidentType: IncidentType;
  receivedAt: string;
  intervals: ResponseIntervals;
}

export interface IntervalSummary {
  count: number;
  median: number | null;
  p90: number | null;
}

export interface ResponseTimeReport {
  incidents: ResponseTimeRow[];
  summary: Record<keyof ResponseIntervals, IntervalSummary>;
  nextCursor: string | null;
}

/** GET /checkpoints/digest: the day's last signed checkpoint, short enough to read aloud. */
export interface CheckpointDigestView {
  date: string;
  timeZone: string;
  checkpointAt: string;
  position: number;
  streams: number;
  /** The first 16 hex digits of the heads hash, in groups of four. */
  heads: string;
  headsHash: string;
  /** The first 16 hex digits of the signing key's fingerprint, in groups of four. */
  key: string;
  keyFingerprint: string;
  file: string;
  /** The same as a page to print. */
  text: string;
}

/** Anonymous callers get `status` only; the rest is for an admin's token. */
export interface HealthView {
  /** "ok" when the store can take a write now. */
  status: "ok" | "degraded";
  store?: { kind: "sqlite" | "mongodb"; location: string; ok: boolean; detail?: string };
  uptimeSeconds?: number;
  version?: string;
}

export interface ClientConfigView {
  tileUrl: string;
  tileAttribution: string;
  timeZone: string;
  mapCenter: LatLng;
  mapZoom: number;
  realertSeconds: number;
  overdueSeconds: number;
  /** A unit on an incident with no tablet connection and no position for this long is shown as lost contact. */
  lostContactSeconds: number;
}

// ---- public explanations ----

/** One row of the PR search: what the list shows, nothing personal. */
export interface IncidentSearchRow {
  id: string;
  number: string;
  incidentType: IncidentType;
  status: IncidentStatus;
  /** Street or block level only. */
  area: string | null;
  receivedAt: string;
  intervals: ResponseIntervals;
}

export interface IncidentSearchPage {
  incidents: IncidentSearchRow[];
  nextCursor: string | null;
}

/** A span of a text that is, or looks like, personal data: publishing is refused while any is present. */
export interface PersonalSpan {
  /** "texts.en.summary", "texts.zh-CN.decisions.0", "facts.area" */
  path: string;
  span: string;
}

/** An explanation as staff see it. */
export interface ExplanationView {
  id: string;
  incidentId: string;
  incidentNumber: string;
  status: ExplanationStatus;
  content: ExplanationContent;
  correctionNote?: string;
  /** User ids of whoever wrote the current draft (they may not approve it). */
  authors: string[];
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  review?: ExplanationReview;
  /** The public page's path once published ("/p/<token>"). */
  publicPath?: string;
  versions: { version: number; publishedAt: string; note?: string }[];
  withdrawn?: { at: string; reason: string };
  /** What the personal-data check finds in the text as it is now. */
  personalData: PersonalSpan[];
}

export interface PublishResult {
  token: string;
  url: string;
  version: number;
}

/** Published content: only the languages chosen for publication. */
export type PublicExplanationContent = Omit<ExplanationContent, "texts"> & {
  texts: Partial<Record<ExplanationLanguage, ExplanationText>>;
};

/** The public JSON: no internal ids beyond the incident number, no names, no numbers. */
export interface PublicExplanationView {
  incidentNumber: string;
  version: number;
  latestVersion: number;
  publishedAt: string;
  note?: string;
  versions: { version: number; publishedAt: string; note?: string }[];
  /** Null when the page was withdrawn: only the notice remains. */
  content: PublicExplanationContent | null;
  withdrawn?: { at: string; reason: string };
  integrity: { incidentLogSeq: number; incidentLogHeadHash: string; checkpoint?: CheckpointRef };
}
