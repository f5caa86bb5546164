import { and, eq, isNull, sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { idempotencyKeys } from "./tables.ts";

/** How long a key returns its first answer (the API convention), and how long a reservation holds. */
export const IDEMPOTENCY_WINDOW_HOURS = 24;
const RESERVATION_SECONDS = 60;

export type KeyUse = { tenantId: string; operation: string; key: string; requestHash: string };

export type Reservation =
  | { outcome: "reserved" }
  | { outcome: "replay"; status: number; sealedResponse: string }
  | { outcome: "other_body" }
  | { outcome: "in_progress" };

/**
 * Takes the key for this request, or says why not. One statement takes a free key, an expired one (its
 * 24 hours are over) or a lapsed reservation (its request died); a key that is held is read back to tell a
 * replay from a different body or a request still running.
 */
export async function reserveKey(db: Database, use: KeyUse): Promise<Reservation> {
  const taken = await db
    .insert(idempotencyKeys)
    .values({
      tenantId: use.tenantId,
      operation: use.operation,
      key: use.key,
      requestHash: use.requestHash,
      lockedUntil: sql`now() + make_interval(secs => ${RESERVATION_SECONDS})`,
    })
    .onConflictDoUpdate({
      target: [idempotencyKeys.tenantId, idempotencyKeys.operation, idempotencyKeys.key],
      set: {
        requestHash: use.requestHash,
        status: null,
        sealedResponse: null,
        lockedUntil: sql`excluded.locked_until`,
        createdAt: sql`now()`,
      },
      setWhere: sql`${idempotencyKeys.createdAt} < now() - make_interval(hours => ${IDEMPOTENCY_WINDOW_HOURS})
        OR (${idempotencyKeys.status} IS NULL AND ${idempotencyKeys.lockedUntil} < now())`,
    })
    .returning({ key: idempotencyKeys.key });
  if (taken.length > 0) return { outcome: "reserved" };
  const [held] = await db
    .select({
      requestHash: idempotencyKeys.requestHash,
      status: idempotencyKeys.status,
      sealedResponse: idempotencyKeys.sealedResponse,
    })
    .from(idempotencyKeys)
    .where(keyOf(use));
  if (!held) return { outcome: "in_progress" };
  if (held.requestHash !== use.requestHash) return { outcome: "other_body" };
  if (held.status === null || held.sealedResponse === null) return { outcome: "in_progress" };
  return { outcome: "replay", status: held.status, sealedResponse: held.sealedResponse };
}

/** Keeps the first answer, for the retries to come. */
export async function completeKey(
  db: Database,
  use: KeyUse,
  response: { status: number; sealedResponse: string },
): Promise<void> {
  await db
    .update(idempotencyKeys)
    .set({ status: response.status, sealedResponse: response.sealedResponse })
    .where(keyOf(use));
}

/** Frees a key whose request did not succeed, so the client may retry it. */
export async function releaseKey(db: Database, use: KeyUse): Promise<void> {
  await db.delete(idempotencyKeys).where(and(keyOf(use), isNull(idempotencyKeys.status)));
}

/** Forgets keys past their window, a bounded batch at a time (the cron's cleanup). */
export async function deleteExpiredKeys(db: Database, limit: number): Promise<number> {
  const deleted = await db.execute(sql`
    DELETE FROM ${idempotencyKeys} WHERE ctid IN (
      SELECT ctid FROM ${idempotencyKeys}
      WHERE ${idempotencyKeys.createdAt} < now() - make_interval(hours => ${IDEMPOTENCY_WINDOW_HOURS})
      LIMIT ${limit})`);
  return deleted.rowCount ?? 0;
}

const keyOf = (use: KeyUse) =>
  and(
    eq(idempotencyKeys.tenantId, use.tenantId),
    eq(idempotencyKeys.operation, use.operation),
    eq(idempotencyKeys.key, use.key),
  );
