// Structured JSON logs (pino), one object per line. Services see only this small interface; `child` adds fields
// (a request id, a socket id) to every line written through it.
import pino, { type DestinationStream } from "pino";

export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** A logger that adds `bindings` to every line. */
  child(bindings: Record<string, unknown>): Logger;
}

/**
 * Field names whose values must never reach a log, wherever they appear one level deep: tokens and passwords.
 * A last line of defence; callers should not pass them in the first place.
 */
const REDACTED_PATHS = ["token", "password", "authorization", "*.token", "*.password", "*.authorization"];

function wrap(base: pino.Logger): Logger {
  return {
    debug: (message, fields) => (fields ? base.debug(fields, message) : base.debug(message)),
    info: (message, fields) => (fields ? base.info(fields, message) : base.info(message)),
    warn: (message, fields) => (fields ? base.warn(fields, message) : base.warn(message)),
    error: (message, fields) => (fields ? base.error(fields, message) : base.error(message)),
    child: (bindings) => wrap(base.child(bindings)),
  };
}

/** `destination` defaults to stdout; tests pass a stream to read what was logged. */
export function createLogger(minimum: LogLevel = "info", destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level: minimum,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
  };
  return wrap(destination ? pino(options, destination) : pino(options));
}
