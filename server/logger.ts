// Structured JSON logs (pino), one object per line. Services see only this small interface. Every line written
// while a request or a socket event is being handled carries its request id or socket id (runWithLogContext), so a
// service deep inside a command needs no logger handed down to say which request it was working for.
import { AsyncLocalStorage } from "node:async_hooks";
import pino, { type DestinationStream } from "pino";

export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** A logger that adds `bindings` to every line (not for fields the log context may also set: keys would repeat). */
  child(bindings: Record<string, unknown>): Logger;
}

/**
 * Field names whose values must never reach a log, wherever they appear one level deep: tokens and passwords.
 * A last line of defence; callers should not pass them in the first place.
 */
const REDACTED_PATHS = ["token", "password", "currentPassword", "newPassword", "authorization"].flatMap((field) => [field, `*.${field}`]);

const logContext = new AsyncLocalStorage<Record<string, unknown>>();

/** Runs `fn` (and everything it starts) with `fields` added to every log line, on top of the current ones. */
export function runWithLogContext<T>(fields: Record<string, unknown>, fn: () => T): T {
  return logContext.run({ ...logContext.getStore(), ...fields }, fn);
}

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
    // A line's own fields win over the context's; pino merges them into one object (no duplicate keys).
    mixin: () => logContext.getStore() ?? {},
  };
  return wrap(destination ? pino(options, destination) : pino(options));
}
