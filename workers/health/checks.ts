import { sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { DatabaseUnavailable, isDatabaseUnavailable } from "../db/failures.ts";

export type CheckResult =
  | { status: "ok"; latency_ms: number }
  | { status: "fail"; latency_ms: number; error: string };

const CHECK_TIMEOUT_MS = 3000;

/** One round trip to the database, bounded so a hung connection cannot hang the probe. */
export async function checkDatabase(db: Database): Promise<CheckResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new DatabaseUnavailable(`no answer within ${CHECK_TIMEOUT_MS} ms`)),
        CHECK_TIMEOUT_MS,
      );
    });
    await Promise.race([db.execute(sql`select 1`), timeout]);
    return { status: "ok", latency_ms: elapsed() };
  } catch (error) {
    return {
      status: "fail",
      latency_ms: elapsed(),
      error: describeFailure(error),
    };
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

/**
 * What failed, in words safe to publish: never the driver's message, which for drizzle starts with the
 * failed query's SQL, nor anything about the server beyond its SQLSTATE.
 */
function describeFailure(error: unknown): string {
  if (isDatabaseUnavailable(error)) return "unreachable or not answering";
  let current = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  const code = (current as { code?: unknown }).code;
  return typeof code === "string" ? `answered with SQLSTATE ${code}` : "failed";
}
