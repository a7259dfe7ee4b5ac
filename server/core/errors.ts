import { ZodError } from "zod";
import { ERROR_CODES, type ErrorBody, type ErrorCode } from "../../shared/errors";

/** The one error type services throw: an HTTP status, a stable code and a message safe to show. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues?: ErrorBody["issues"],
  ) {
    super(message);
    this.name = "AppError";
    this.status = ERROR_CODES[code];
  }
}

export const errors = {
  validation: (message: string, issues?: ErrorBody["issues"]) => new AppError("validation_failed", message, issues),
  unauthenticated: (message = "Log in first: this needs a valid bearer token.") => new AppError("unauthenticated", message),
  forbidden: (message: string) => new AppError("forbidden", message),
  notFound: (what: string) => new AppError("not_found", `${what} was not found.`),
  idempotencyConflict: (message: string) => new AppError("idempotency_conflict", message),
  unitUnavailable: (message: string) => new AppError("unit_unavailable", message),
  invalidTransition: (message: string) => new AppError("invalid_transition", message),
  unitsAssigned: (message: string) => new AppError("units_assigned", message),
  incidentClosed: (message: string) => new AppError("incident_closed", message),
  timeOutOfRange: (message: string) => new AppError("time_out_of_range", message),
  reasonRequired: (message: string, issues?: ErrorBody["issues"]) => new AppError("reason_required", message, issues),
  invalidCorrection: (message: string) => new AppError("invalid_correction", message),
  storeUnavailable: () =>
    new AppError("store_unavailable", "The database cannot take writes right now; nothing was saved. Try again shortly."),
};

export function fromZodError(error: ZodError, where: string): AppError {
  const issues = error.issues.slice(0, 20).map((issue) => ({
    path: issue.path.map(String).join(".") || where,
    message:
      issue.code === "unrecognized_keys"
        ? `unknown field(s): ${issue.keys.join(", ")}`
        : issue.code === "invalid_type" && / received undefined$/.test(issue.message)
          ? "required"
          : issue.message,
  }));
  const first = issues[0];
  return errors.validation(
    first ? `Invalid ${where}: ${first.path} - ${first.message}` : `Invalid ${where}.`,
    issues,
  );
}

/** Maps anything thrown to the envelope sent to REST clients and socket acks. */
export function toErrorBody(error: unknown, requestId?: string): { status: number; body: ErrorBody; unexpected: boolean } {
  if (error instanceof AppError) {
    return {
      status: error.status,
      body: { code: error.code, message: error.message, ...(error.issues ? { issues: error.issues } : {}) },
      unexpected: false,
    };
  }
  if (error instanceof ZodError) {
    const appError = fromZodError(error, "payload");
    return toErrorBody(appError, requestId);
  }
  return {
    status: 500,
    body: {
      code: "internal_error",
      message: "Something went wrong on the server; it has been logged.",
      ...(requestId ? { requestId } : {}),
    },
    unexpected: true,
  };
}
