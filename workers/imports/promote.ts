import type { RecordValues } from "../catalog/entities.ts";
import { existingByKey, insertRecords, storeOf, unchanged, updateRecords } from "../catalog/records.ts";
import type { DatabaseSession } from "../db/client.ts";
import { lockBatch, rowsAfter, setBatch } from "./batches.ts";
import type { ChunkOutcome } from "./chunk-budget.ts";
import type { BatchResult } from "./tables.ts";

/**
 * Rows promoted per transaction: a chunk is written whole or not at all. 2,000 rows of 11 fields stay under
 * a statement's 65,535 parameters and well inside the database deadline.
 */
export const PROMOTE_CHUNK_ROWS = 2000;

/**
 * Promotes the next chunk of a promoting batch in one transaction: its valid rows upserted on the match
 * key, and the batch's `promoted_through` and counts moved past them in the same transaction. A retried or
 * repeated job therefore starts after the last chunk that committed: no row is written twice, none is
 * skipped. Records are looked up again here, since the catalog may have changed since validation.
 */
export async function promoteNextChunk(
  session: DatabaseSession,
  tenantId: string,
  batchId: string,
  chunkRows = PROMOTE_CHUNK_ROWS,
): Promise<ChunkOutcome> {
  return session.tenant(tenantId, async (db) => {
    const batch = await lockBatch(db, tenantId, batchId);
    if (batch?.state !== "promoting") return "stopped";
    const rows = await rowsAfter(db, batchId, batch.promotedThrough, chunkRows);
    if (rows.length === 0) {
      await setBatch(db, batchId, { state: "promoted" });
      return "done";
    }
    const store = storeOf(batch.entity);
    const valid = rows.filter((row) => row.action !== "skip" && row.values !== null && row.matchKey !== null);
    const existing = await existingByKey(
      db,
      tenantId,
      store,
      batch.matchOn,
      valid.map((row) => row.matchKey as string),
    );
    const result: BatchResult = { ...batch.result, failed: batch.result.failed + rows.length - valid.length };
    const creates: RecordValues[] = [];
    const updates: { id: string; values: RecordValues }[] = [];
    for (const row of valid) {
      const values = row.values as RecordValues;
      const found = existing.get(row.matchKey as string);
      if (found ? batch.mode === "insert" : batch.mode === "update") result.failed++;
      else if (!found) creates.push(values);
      else if (unchanged(found.values, values)) result.unchanged++;
      else updates.push({ id: found.id, values });
    }
    await insertRecords(db, tenantId, store, creates);
    await updateRecords(db, tenantId, store, updates);
    result.created += creates.length;
    result.updated += updates.length;
    await setBatch(db, batchId, {
      promotedThrough: rows[rows.length - 1]?.row ?? batch.promotedThrough,
      result,
    });
    return "more";
  });
}
