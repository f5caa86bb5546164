import { type SQL, sql } from "drizzle-orm";
import { storeOf } from "../catalog/records.ts";
import type { Database, DatabaseSession } from "../db/client.ts";
import { uuidv7 } from "../lib/uuid.ts";
import { type Batch, nextChunkOf, setBatch, throughAfter } from "./batches.ts";
import { importRows } from "./tables.ts";

type ChunkCounts = {
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
};

/**
 * Promotes the rows numbered after `promoted_through`, `limit` row numbers of them, in one statement:
 * each valid row is looked up by its match key in the catalog as it is now, then created, updated (only
 * in the fields the row gives: `values` of an update holds only those, and `jsonb_populate_record` over
 * the stored record keeps the rest) or left unchanged (the record the update would write is the stored
 * one), as the batch's mode allows; a row with errors, or one the mode refuses, fails. New records get
 * the app's v7 ids, in row order.
 */
async function promoteRows(db: Database, batch: Batch, limit: number): Promise<ChunkCounts> {
  const store = storeOf(batch.entity);
  const { table } = store;
  const key = store.columns[batch.matchOn];
  if (!key) throw new Error(`no field ${batch.matchOn}`);
  const fields = Object.entries(store.columns).map(([field, column]) => ({ field, column: column.name }));
  const columns = fields.map(({ column }) => column);
  const owner = store.owner(batch.tenantId);
  const names = [...Object.keys(owner), ...columns];
  // A row's values by column name, only the store's fields among them.
  const fieldColumns = sql.join(
    fields.map(({ field, column }) => sql`(${field}, ${column})`),
    sql`, `,
  );
  const list = (items: string[], of: (item: string) => SQL) =>
    sql.join(
      items.map((item) => of(item)),
      sql`, `,
    );
  const ids = Array.from({ length: limit }, () => uuidv7());
  const { rows } = await db.execute<ChunkCounts>(sql`
    WITH chunk AS (
      SELECT ${importRows.row} AS "row", ${importRows.action} AS "action", ${importRows.matchKey} AS match_key,
        (SELECT jsonb_object_agg(map.column_name, given.value)
         FROM jsonb_each(${importRows.values}) AS given
         JOIN (VALUES ${fieldColumns}) AS map(field, column_name) ON map.field = given.key) AS record_values
      FROM ${importRows}
      -- A range of row numbers, so the primary key bounds the scan (see rowsAfter).
      WHERE ${importRows.batchId} = ${batch.id}
        AND ${importRows.row} BETWEEN ${batch.promotedThrough + 1} AND ${batch.promotedThrough + limit}
    ),
    judged AS (
      SELECT chunk."row", chunk.record_values, ${table}.id AS existing_id,
        jsonb_populate_record(${table}, chunk.record_values) AS changed,
        CASE
          WHEN chunk."action" = 'skip' OR chunk.record_values IS NULL OR chunk.match_key IS NULL THEN 'failed'
          WHEN ${table}.id IS NULL THEN CASE WHEN ${batch.mode} = 'update' THEN 'failed' ELSE 'create' END
          WHEN ${batch.mode} = 'insert' THEN 'failed'
          WHEN jsonb_populate_record(${table}, chunk.record_values) IS NOT DISTINCT FROM ${table} THEN 'unchanged'
          ELSE 'update'
        END AS outcome
      FROM chunk LEFT JOIN ${table} ON ${store.scope(batch.tenantId)} AND ${key} = chunk.match_key
    ),
    created AS (
      INSERT INTO ${table} (id, ${list(names, (name) => sql`${sql.identifier(name)}`)})
      SELECT new_id.id::uuid, ${list(names, (name) => sql`(change.record).${sql.identifier(name)}`)}
      FROM (
        SELECT row_number() OVER (ORDER BY "row") AS position,
          jsonb_populate_record(NULL::${table}, record_values || ${JSON.stringify(owner)}::jsonb) AS record
        FROM judged WHERE outcome = 'create'
      ) AS change
      JOIN jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb) WITH ORDINALITY AS new_id(id, position)
        USING (position)
      RETURNING 1
    ),
    updated AS (
      UPDATE ${table}
      SET (${list(columns, (column) => sql`${sql.identifier(column)}`)}, updated_at) =
        (${list(columns, (column) => sql`(judged.changed).${sql.identifier(column)}`)}, now())
      FROM judged
      WHERE judged.outcome = 'update' AND ${table}.id = judged.existing_id
      RETURNING 1
    )
    SELECT count(*) FILTER (WHERE outcome = 'create')::int AS created,
      count(*) FILTER (WHERE outcome = 'update')::int AS updated,
      count(*) FILTER (WHERE outcome = 'unchanged')::int AS unchanged,
      count(*) FILTER (WHERE outcome = 'failed')::int AS failed
    FROM judged`);
  const [counts] = rows;
  if (!counts) throw new Error("the chunk's counts are missing");
  return counts;
}

/**
 * Promotes the next `span` row numbers of a promoting batch in one transaction, as one statement that works
 * on the rows where they are stored (nothing travels but the counts): its valid rows upserted on the match
 * key, and the batch's `promoted_through` and counts moved past them in the same transaction. A retried or
 * repeated job therefore starts after the last chunk that committed: no row is written twice, none is
 * skipped. Records are looked up again here, since the catalog may have changed since validation.
 */
export const promoteNextChunk = (session: DatabaseSession, tenantId: string, batchId: string, span: number) =>
  nextChunkOf(session, tenantId, batchId, {
    state: "promoting",
    through: (batch) => batch.promotedThrough,
    finish: async (db, batch) => {
      await setBatch(db, batch.id, { state: "promoted" });
    },
    work: async (db, batch) => {
      const counts = await promoteRows(db, batch, span);
      const { result } = batch;
      await setBatch(db, batch.id, {
        promotedThrough: throughAfter(batch, batch.promotedThrough, span),
        result: {
          created: result.created + counts.created,
          updated: result.updated + counts.updated,
          unchanged: result.unchanged + counts.unchanged,
          failed: result.failed + counts.failed,
        },
      });
    },
  });
