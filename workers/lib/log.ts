type Level = "info" | "warn" | "error";

/** One JSON object per line, which Workers Logs and `wrangler tail` index by field. */
export function log(level: Level, msg: string, fields: Record<string, unknown> = {}): void {
  const line = JSON.stringify({ level, msg, ...fields });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}

export function errorFields(error: unknown): Record<string, unknown> {
  return error instanceof Error
    ? { error: error.message, error_name: error.name, stack: error.stack }
    : { error: String(error) };
}
