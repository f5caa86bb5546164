import { DrizzleQueryError } from "drizzle-orm/errors";

export const LOG_LEVELS = ["info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type LogFields = Readonly<Record<string, unknown>>;

// The least severe level written; set once per isolate from LOG_LEVEL when the configuration is loaded.
let threshold = 0;

/** Lines below `level` are no longer written (LOG_LEVEL=warn keeps warnings and errors only). */
export function setLogLevel(level: LogLevel): void {
  threshold = LOG_LEVELS.indexOf(level);
}

/** One JSON object per line, which Workers Logs and `wrangler tail` index by field. */
export function log(level: LogLevel, msg: string, fields: LogFields = {}): void {
  if (LOG_LEVELS.indexOf(level) < threshold) return;
  const line = JSON.stringify({ level, msg, ...fields });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}

/**
 * A log that adds the fields it was bound with (request or job id, tenant, audit, conversation) to every
 * line, so the lines of one request or job can be found together. Binding returns a new logger: one
 * handed to concurrent work is never changed under it.
 */
export class Logger {
  readonly #fields: LogFields;

  constructor(fields: LogFields = {}) {
    this.#fields = fields;
  }

  with(fields: LogFields): Logger {
    return new Logger({ ...this.#fields, ...fields });
  }

  info(msg: string, fields: LogFields = {}): void {
    log("info", msg, { ...this.#fields, ...fields });
  }

  warn(msg: string, fields: LogFields = {}): void {
    log("warn", msg, { ...this.#fields, ...fields });
  }

  error(msg: string, fields: LogFields = {}): void {
    log("error", msg, { ...this.#fields, ...fields });
  }
}

// Deeper chains than this are loops or wrappers of wrappers; the first links say what happened.
const MAX_CAUSES = 5;

type ErrorDescription = { name?: string; message: string; code?: string; constraint?: string };

/** What identifies an error without exposing data: a failed query's text, never its parameters. */
function describe(error: unknown): ErrorDescription {
  if (!(error instanceof Error)) return { message: String(error) };
  const message = error instanceof DrizzleQueryError ? `Failed query: ${error.query}` : error.message;
  // SQLSTATE and constraint of a PostgreSQL error; its `detail` is left out, as it quotes row values.
  const { code, constraint } = error as { code?: unknown; constraint?: unknown };
  return {
    name: error.name,
    message,
    ...(typeof code === "string" ? { code } : {}),
    ...(typeof constraint === "string" ? { constraint } : {}),
  };
}

/**
 * The fields that describe an error: its message, name and code, the chain of its causes, and the stack
 * frames (without the message line, which for a failed query would carry its parameters).
 */
export function errorFields(error: unknown): LogFields {
  const { name, message, code, constraint } = describe(error);
  const causes: ErrorDescription[] = [];
  let cause = error instanceof Error ? error.cause : undefined;
  while (cause !== undefined && causes.length < MAX_CAUSES) {
    causes.push(describe(cause));
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  const frames =
    error instanceof Error ? (error.stack ?? "").split("\n").filter((line) => /^\s+at /.test(line)) : [];
  return {
    error: message,
    ...(name ? { error_name: name } : {}),
    ...(code ? { error_code: code } : {}),
    ...(constraint ? { error_constraint: constraint } : {}),
    ...(causes.length > 0 ? { causes } : {}),
    ...(frames.length > 0 ? { stack: frames.join("\n") } : {}),
  };
}
