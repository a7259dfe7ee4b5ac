// Stable error codes: the client maps these back to messages; never rename one.
export const ERROR_CODES = {
  validation_failed: 400,
  malformed_json: 400,
  /** The body's Content-Encoding does not match its bytes (e.g. "gzip" on a body that is not gzip). */
  malformed_body_encoding: 400,
  /** A path with a broken percent-encoding (e.g. `/incidents/%E0%A4%A`). */
  malformed_path: 400,
  /** A new password fails the password policy (length, the username, a common password, one repeated character). */
  weak_password: 400,
  /** A password change whose new password is the current one. */
  password_unchanged: 400,
  payload_too_large: 413,
  unauthenticated: 401,
  invalid_credentials: 401,
  token_revoked: 401,
  forbidden: 403,
  /** The target account is outside what the actor may manage (e.g. a supervisor ending an admin's sessions). */
  protected_account: 403,
  /** An admin set this account's password and asked for the person's own: nothing else until they choose it. */
  password_change_required: 403,
  not_found: 404,
  idempotency_conflict: 409,
  unit_unavailable: 409,
  invalid_transition: 409,
  units_assigned: 409,
  incident_closed: 409,
  already_exists: 409,
  /** A socket sent `sync` while its previous `sync` was still replaying. */
  sync_in_progress: 409,
  time_out_of_range: 422,
  /** POST /transfers/eido: the document has no `$id`. */
  eido_missing_id: 422,
  /** POST /transfers/eido: the document has no `lastUpdateTimeStamp`. */
  eido_missing_timestamp: 422,
  /** POST /transfers/eido: the document has neither a call nor an incident component. */
  eido_missing_component: 422,
  /** The water-use guard flagged the use (wrong class, no visible flame): it is recorded only with a reason. */
  reason_required: 422,
  /** `corrects` does not name a decision of this incident. */
  invalid_correction: 422,
  /** Publishing refused: the text contains a name or number known to the system, or one that looks like it. */
  personal_data: 422,
  rate_limited: 429,
  /** A session already holds MAX_SOCKETS_PER_SESSION sockets (the `connect_error` message). */
  too_many_connections: 429,
  internal_error: 500,
  /** The database cannot take writes now (read-only, locked, unreachable): nothing was saved; retry later. */
  store_unavailable: 503,
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  /** Field-level problems for validation errors: path and message, safe to show. */
  issues?: { path: string; message: string }[];
  requestId?: string;
}

/** Codes that mean "nothing was decided: the same request may succeed later"; clients retry these. */
export const RETRYABLE_CODES: readonly string[] = ["store_unavailable", "internal_error", "rate_limited", "network_error"];

export function isRetryableCode(code: string): boolean {
  return RETRYABLE_CODES.includes(code);
}

/** The one envelope every socket ack uses. */
export type AckResult<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };
export type Ack<T> = (result: AckResult<T>) => void;
