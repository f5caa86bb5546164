/**
 * The database could not be reached, lost the connection, or did not answer within its deadline: nothing
 * about the request was wrong, so it answers 503 with Retry-After and the client may try again.
 */
export class DatabaseUnavailable extends Error {
  override name = "DatabaseUnavailable";
}

/** A transaction ran past its deadline and was rolled back: less work in one transaction would finish. */
export class TransactionOverdue extends DatabaseUnavailable {
  override name = "TransactionOverdue";
}

/**
 * Whether `error` says a transaction ran out of time (our deadline, or the server's guard before COMMIT)
 * rather than that the database could not be reached.
 */
export function isTransactionOverdue(error: unknown): boolean {
  return (
    error instanceof TransactionOverdue ||
    (typeof error === "object" && error !== null && (error as { code?: unknown }).code === "57014")
  );
}

// SQLSTATE classes and codes that mean the server or the way to it failed, not the statement:
// 08 connection exception, 53300 too many connections, 57P01–57P03 shutdown or cannot connect now,
// 57014 query canceled (a statement or lock timeout: the deadline), 40001/40P01 serialization failure and
// deadlock (the transaction may simply be retried). 26000 and 34000 (no such prepared statement or portal)
// can only mean a broken session, since Borde names neither: the unnamed ones were lost with the connection.
const UNAVAILABLE_CODES = new Set([
  "53300",
  "57P01",
  "57P02",
  "57P03",
  "57014",
  "40001",
  "40P01",
  "26000",
  "34000",
]);
const UNAVAILABLE_MESSAGE =
  /connection (terminated|lost|refused|reset|closed|ended)|network connection lost|econnrefused|econnreset|socket|timed? ?out|timeout|fetch failed|websocket|can't call websocket|deadline/i;

/** Whether `error`, or an error it was caused by, says the database was unavailable rather than the query wrong. */
export function isDatabaseUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current !== undefined && current !== null; depth++) {
    if (current instanceof DatabaseUnavailable) return true;
    if (typeof current === "object") {
      const { code, name, message } = current as { code?: unknown; name?: unknown; message?: unknown };
      if (typeof code === "string" && (code.startsWith("08") || UNAVAILABLE_CODES.has(code))) return true;
      if (name === "AbortError" || name === "TimeoutError") return true;
      // A driver or network error with a SQLSTATE is the database's answer to the query; without one the
      // message is all there is.
      if (typeof code !== "string" && typeof message === "string" && UNAVAILABLE_MESSAGE.test(message))
        return true;
    }
    current = current instanceof Error ? current.cause : undefined;
  }
  return false;
}

/**
 * The statement that makes a write's transaction fail if it runs after `deadline`: sent just before COMMIT,
 * so a database that stalls and comes back later rolls the write back instead of committing what the
 * client was already told had failed. The deadline is an ISO timestamp we made, safe to inline.
 */
export function deadlineGuard(deadline: Date): string {
  return `DO $$BEGIN IF clock_timestamp() > '${deadline.toISOString()}'::timestamptz THEN RAISE EXCEPTION 'the request''s database deadline passed' USING ERRCODE = '57014'; END IF; END$$`;
}
