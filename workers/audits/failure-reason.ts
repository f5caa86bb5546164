import { isDatabaseUnavailable } from "../db/failures.ts";

/**
 * What a failed run leaves in the audit's `error`, which the tenant reads through the API. Never the error's
 * own message: for a database error drizzle puts the failed query and its parameters there. The whole error
 * goes to the job's log line instead.
 */
export function failureReason(error: unknown): string {
  return isDatabaseUnavailable(error)
    ? "The run stopped because the database was unavailable; it will be retried."
    : "The run stopped on an unexpected error; it will be retried.";
}
