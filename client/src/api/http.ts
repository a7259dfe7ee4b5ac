// Typed fetch: every non-2xx answer becomes an ApiError carrying the server's stable code.
import type { ErrorBody, ErrorCode } from "../../../shared/errors";
import { ERROR_CODES, isRetryableCode } from "../../../shared/errors";

/** Codes the client adds for failures that never reached the server's error mapper. */
export type ClientErrorCode = "network_error" | "bad_response";

export class ApiError extends Error {
  readonly code: ErrorCode | ClientErrorCode;
  readonly status: number;
  readonly issues: { path: string; message: string }[];
  readonly requestId: string | undefined;

  constructor(status: number, body: { code: ErrorCode | ClientErrorCode; message: string; issues?: ErrorBody["issues"]; requestId?: string }) {
    super(body.message);
    this.name = "ApiError";
    this.status = status;
    this.code = body.code;
    this.issues = body.issues ?? [];
    this.requestId = body.requestId;
  }

  /** True when retrying the same request later may succeed (nothing was decided by the server). */
  get retryable(): boolean {
    return isRetryableCode(this.code);
  }
}

function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && Object.prototype.hasOwnProperty.call(ERROR_CODES, value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Turns an error body of unknown shape into an ApiError, never trusting it blindly. */
export function errorFromBody(status: number, body: unknown): ApiError {
  if (isRecord(body) && isErrorCode(body.code) && typeof body.message === "string") {
    const issues = Array.isArray(body.issues)
      ? body.issues.filter(
          (issue): issue is { path: string; message: string } =>
            isRecord(issue) && typeof issue.path === "string" && typeof issue.message === "string",
        )
      : undefined;
    return new ApiError(status, {
      code: body.code,
      message: body.message,
      ...(issues ? { issues } : {}),
      ...(typeof body.requestId === "string" ? { requestId: body.requestId } : {}),
    });
  }
  return new ApiError(status, { code: "bad_response", message: `HTTP ${status}` });
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface HttpClientOptions {
  baseUrl?: string;
  getToken: () => string | null;
  /** Called once for a 401 on an authenticated request that means the session is gone (expired or revoked). */
  onUnauthenticated?: (error: ApiError) => void;
  fetch?: FetchLike;
}

export type QueryValue = string | number | undefined;

export interface HttpClient {
  get<T>(path: string, query?: Record<string, QueryValue>): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  put<T>(path: string, body: unknown): Promise<T>;
}

export function buildQuery(query: Record<string, QueryValue> | undefined): string {
  if (!query) return "";
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : "";
}

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const baseUrl = options.baseUrl ?? "/api/v1";
  const doFetch: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));

  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { Accept: "application/json" };
    const token = options.getToken();
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let response: Response;
    try {
      response = await doFetch(`${baseUrl}${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (cause) {
      throw new ApiError(0, { code: "network_error", message: cause instanceof Error ? cause.message : "network error" });
    }
    if (response.status === 204) return undefined as T;
    let parsed: unknown = undefined;
    const text = await response.text();
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        if (response.ok) throw new ApiError(response.status, { code: "bad_response", message: "response is not JSON" });
      }
    }
    if (!response.ok) {
      const error = errorFromBody(response.status, parsed);
      // A wrong current password in a password change is a 401 too (invalid_credentials), but the session stands.
      if (response.status === 401 && token && error.code !== "invalid_credentials") options.onUnauthenticated?.(error);
      throw error;
    }
    return parsed as T;
  }

  return {
    get: (path, query) => request("GET", `${path}${buildQuery(query)}`),
    post: (path, body) => request("POST", path, body ?? {}),
    put: (path, body) => request("PUT", path, body),
  };
}
