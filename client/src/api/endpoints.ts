// One function per REST endpoint, typed with the shared request and response shapes.
import type {
  AddressMatch,
  CallIntakeResult,
  CheckpointDigestView,
  ClientConfigView,
  DispatchResult,
  DuplicateCandidate,
  FiregroundResult,
  IncidentEventsView,
  ExplanationView,
  IncidentDetailView,
  IncidentSearchPage,
  IncidentView,
  LoginResult,
  PasswordChangeResult,
  PasswordResetResult,
  PublishResult,
  RecommendationsView,
  UnitStatusResult,
  UnitView,
  UserView,
} from "../../../shared/api";
import type { IncidentPhase, IncidentType } from "../../../shared/domain";
import type { IncidentEvent } from "../../../shared/events";
import type {
  AddressQuery,
  CallIntakeBody,
  CommandBody,
  ChangePasswordBody,
  CreateUserBody,
  ResetPasswordBody,
  DecisionBody,
  DispatchBody,
  DuplicateQuery,
  EditExplanationBody,
  ExplanationListQuery,
  IncidentSearchQuery,
  LoginBody,
  MergeBody,
  RunCard,
  RunCardBody,
  UnitStatusBody,
  UnitUpsertBody,
  WaterUseBody,
} from "../../../shared/schemas";
import type { HttpClient } from "./http";
import type {
  CaseBoardRow,
  CaseFiledResult,
  CaseView,
  PublicCaseBody,
  PublicCaseView,
  RegisterCaseBody,
} from "../../../shared/cases";

/** Request bodies as the client sends them: fields with server defaults are optional. */
type Sendable<T> = Partial<T> & Record<string, unknown>;

export function createApi(http: HttpClient) {
  const id = encodeURIComponent;
  return {
    login: (body: LoginBody) => http.post<LoginResult>("/auth/login", body),
    logout: () => http.post<void>("/auth/logout"),
    me: () => http.get<UserView>("/auth/me"),
    /** Ends every session of a user (lost tablet, shift change). */
    revoke: (userId: string) => http.post<{ revoked: number }>("/auth/revoke", { userId }),
    config: () => http.get<ClientConfigView>("/config"),
    /** The user's own change; every other session of the user ends, this one stays. */
    changePassword: (body: ChangePasswordBody) => http.post<PasswordChangeResult>("/auth/password", body),
    listUsers: () => http.get<{ users: UserView[] }>("/users"),
    createUser: (body: CreateUserBody) => http.post<UserView>("/users", body),
    /** An admin sets another account's password; every session of that account ends. */
    resetPassword: (userId: string, body: ResetPasswordBody) =>
      http.post<PasswordResetResult>(`/users/${encodeURIComponent(userId)}/password`, body),

    intakeCall: (body: CallIntakeBody) => http.post<CallIntakeResult>("/calls", body),
    findDuplicates: (query: DuplicateQuery) =>
      http.get<{ duplicates: DuplicateCandidate[] }>("/calls/duplicates", { ...query }),
    /** Known addresses from the incident history starting with `q` (the offline geocoder of call intake). */
    findAddresses: (query: Pick<AddressQuery, "q"> & Partial<AddressQuery>) =>
      http.get<{ addresses: AddressMatch[] }>("/addresses", { ...query }),

    listIncidents: (status: "open" | "closed" | "merged" | "all" = "open", limit = 200) =>
      http.get<{ incidents: IncidentView[]; position: number }>("/incidents", { status, limit }),
    getIncident: (incidentId: string) => http.get<IncidentDetailView>(`/incidents/${id(incidentId)}`),
    /** The incident's evidence bundle (supervisor, admin): kept as opaque JSON, it is saved as a file. */
    evidenceBundle: (incidentId: string) => http.get<unknown>(`/incidents/${id(incidentId)}/evidence`),
    /** The day's checkpoint digest (supervisor, admin); `date` YYYY-MM-DD in the center's time zone. */
    checkpointDigest: (date?: string) => http.get<CheckpointDigestView>("/checkpoints/digest", { date, format: "json" }),
    recommendations: (incidentId: string) =>
      http.get<RecommendationsView>(`/incidents/${id(incidentId)}/recommendations`),
    dispatch: (incidentId: string, body: Pick<DispatchBody, "unitIds" | "opId"> & Sendable<DispatchBody>) =>
      http.post<DispatchResult>(`/incidents/${id(incidentId)}/dispatch`, body),
    merge: (incidentId: string, body: Pick<MergeBody, "into"> & Sendable<MergeBody>) =>
      http.post<{ from: IncidentView; into: IncidentView }>(`/incidents/${id(incidentId)}/merge`, body),
    close: (incidentId: string, opId: string) => http.post<IncidentView>(`/incidents/${id(incidentId)}/close`, { opId }),
    phase: (incidentId: string, phase: IncidentPhase, opId: string) =>
      http.post<IncidentView>(`/incidents/${id(incidentId)}/phases`, { phase, opId }),
    alarmLevel: (incidentId: string, alarmLevel: number, opId: string) =>
      http.post<IncidentView>(`/incidents/${id(incidentId)}/alarm-level`, { alarmLevel, opId }),
    /** Places the incident on the map (confirms the position of an address-only transfer). */
    locate: (incidentId: string, position: { lat: number; lng: number }, opId: string) =>
      http.post<IncidentView>(`/incidents/${id(incidentId)}/location`, { ...position, opId }),
    note: (incidentId: string, text: string, opId: string) =>
      http.post<IncidentView>(`/incidents/${id(incidentId)}/notes`, { text, opId }),
    /** One incident's own log, presented for this user. */
    incidentEvents: (incidentId: string, afterSeq = 0) =>
      http.get<IncidentEventsView>(`/incidents/${id(incidentId)}/events`, { afterSeq }),
    command: (incidentId: string, body: Pick<CommandBody, "commanderName" | "opId"> & Sendable<CommandBody>) =>
      http.post<FiregroundResult>(`/incidents/${id(incidentId)}/command`, body),
    decision: (incidentId: string, body: Pick<DecisionBody, "decisionType" | "reason" | "opId"> & Sendable<DecisionBody>) =>
      http.post<FiregroundResult>(`/incidents/${id(incidentId)}/decisions`, body),
    waterUse: (
      incidentId: string,
      body: Pick<WaterUseBody, "agent" | "nozzle" | "fireClass" | "flameVisible" | "opId"> & Sendable<WaterUseBody>,
    ) => http.post<FiregroundResult>(`/incidents/${id(incidentId)}/water-use`, body),

    listUnits: () => http.get<{ units: UnitView[] }>("/units"),
    upsertUnit: (unitId: string, body: UnitUpsertBody) => http.put<UnitView>(`/units/${id(unitId)}`, body),
    unitStatus: (unitId: string, body: Pick<UnitStatusBody, "status" | "opId"> & Sendable<UnitStatusBody>) =>
      http.post<UnitStatusResult>(`/units/${id(unitId)}/status`, body),
    runCards: () => http.get<{ runCards: RunCard[] }>("/run-cards"),
    saveRunCard: (incidentType: IncidentType, body: RunCardBody) => http.put<RunCard>(`/run-cards/${id(incidentType)}`, body),
    /** PR search: one page, newest first; pass `nextCursor` back as `cursor`. */
    searchIncidents: (query: Partial<IncidentSearchQuery>) => http.get<IncidentSearchPage>("/incidents/search", { ...query }),
    listExplanations: (query: ExplanationListQuery) => http.get<{ explanations: ExplanationView[] }>("/explanations", { ...query }),
    getExplanation: (explanationId: string) => http.get<ExplanationView>(`/explanations/${id(explanationId)}`),
    draftExplanation: (incidentId: string, opId: string, ownerAgreedAddress = false) =>
      http.post<ExplanationView>(`/incidents/${id(incidentId)}/explanations`, { opId, ownerAgreedAddress }),
    editExplanation: (explanationId: string, body: Pick<EditExplanationBody, "opId"> & Sendable<EditExplanationBody>) =>
      http.put<ExplanationView>(`/explanations/${id(explanationId)}`, body),
    explanationStep: (explanationId: string, step: "submit" | "approve" | "return" | "withdraw", body: { opId: string; comment?: string; reason?: string }) =>
      http.post<ExplanationView>(`/explanations/${id(explanationId)}/${step}`, body),
    publishExplanation: (explanationId: string, opId: string) =>
      http.post<PublishResult>(`/explanations/${id(explanationId)}/publish`, { opId }),
    events: (after: number, limit = 500) => http.get<{ events: IncidentEvent[]; position: number }>("/events", { after, limit }),

    // Residents' cases. The public three need no account: the case number and the access code are the key.
    fileCase: (body: PublicCaseBody) => http.post<CaseFiledResult>("/public/cases", body),
    publicCase: (caseNumber: string, code: string) => http.get<PublicCaseView>(`/public/cases/${id(caseNumber)}`, { code }),
    publicReview: (caseNumber: string, code: string, reason: string) =>
      http.post<PublicCaseView>(`/public/cases/${id(caseNumber)}/reviews?code=${encodeURIComponent(code)}`, { reason }),
    caseBoard: (status: "open" | "all" = "open") => http.get<{ cases: CaseBoardRow[]; today: string }>("/cases", { status }),
    getCase: (caseNumber: string) => http.get<CaseView>(`/cases/${id(caseNumber)}`),
    registerCase: (body: Sendable<RegisterCaseBody> & Omit<RegisterCaseBody, "opId" | "incidentNumber" | "explanationToken">) =>
      http.post<CaseFiledResult>("/cases", body),
    /** `POST /cases/:caseNumber/<action path>` (accept, refer, assign, steps, links, extend, pause, resume, answer, reviews, review-answer). */
    caseAction: (caseNumber: string, actionPath: string, body: Record<string, unknown>) =>
      http.post<CaseView>(`/cases/${id(caseNumber)}/${actionPath}`, body),
  };
}

export type Api = ReturnType<typeof createApi>;
