import { and, asc, between, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { Entity } from "../catalog/entities.ts";
import type { Database, DatabaseSession } from "../db/client.ts";
import { equalTo, findTenantRow, tenantRow } from "../db/tenant-rows.ts";
import { keysetPage, listTenantRows, type Page } from "../http/pagination.ts";
import type { ChunkOutcome } from "./chunk-budget.ts";
import { headerMatcher, readFieldSettings } from "./field-settings.ts";
import {
  type BatchState,
  importBatches,
  importErrors,
  importRows,
  type Severity,
  type SourceIssue,
} from "./tables.ts";

export type Batch = typeof importBatches.$inferSelect;
export type BatchInput = Pick<
  typeof importBatches.$inferInsert,
  "entity" | "mode" | "matchOn" | "sourceType" | "origin" | "decimalComma" | "encoding"
>;
export type ImportError = typeof importErrors.$inferSelect;

/** Rows one ingest call may send, as the source system's API allows. */
export const MAX_INGEST_ROWS = 5000;

/** What a change to a batch came to, for the route to answer. */
export type BatchChange =
  | { outcome: "done"; batch: Batch }
  | { outcome: "not_found" }
  | { outcome: "wrong_state"; batch: Batch };

export async function createBatch(db: Database, tenantId: string, input: BatchInput): Promise<Batch> {
  const [batch] = await db
    .insert(importBatches)
    .values({ ...input, tenantId })
    .returning();
  if (!batch) throw new Error("insert returned no batch");
  return batch;
}

export const findBatch = (db: Database, tenantId: string, id: string): Promise<Batch | null> =>
  findTenantRow(db, importBatches, tenantId, id);

/** The batch, locked until the transaction ends, so its jobs and routes change it one at a time. */
export async function lockBatch(db: Database, tenantId: string, id: string): Promise<Batch | null> {
  const [batch] = await db
    .select()
    .from(importBatches)
    .where(tenantRow(importBatches, tenantId, id))
    .for("update");
  return batch ?? null;
}

export async function setBatch(
  db: Database,
  id: string,
  changes: Partial<typeof importBatches.$inferInsert>,
) {
  const [batch] = await db.update(importBatches).set(changes).where(eq(importBatches.id, id)).returning();
  if (!batch) throw new Error("batch vanished while locked");
  return batch;
}

export type BatchFilters = { state?: BatchState; entity?: Entity };

export function listBatches(db: Database, tenantId: string, page: Page & BatchFilters): Promise<Batch[]> {
  return listTenantRows(
    db,
    importBatches,
    tenantId,
    page,
    ...equalTo({ state: importBatches.state, entity: importBatches.entity }, page),
  );
}

/**
 * Moves a locked batch from one of `from` to `to`: the transition every action of a batch makes, refused
 * (wrong_state) from any other state.
 */
export async function transition(
  db: Database,
  tenantId: string,
  id: string,
  from: readonly BatchState[],
  to: BatchState,
  changes: Partial<typeof importBatches.$inferInsert> = {},
  precondition: (batch: Batch) => boolean = () => true,
): Promise<BatchChange> {
  const batch = await lockBatch(db, tenantId, id);
  if (!batch) return { outcome: "not_found" };
  if (!from.includes(batch.state) || !precondition(batch)) return { outcome: "wrong_state", batch };
  return { outcome: "done", batch: await setBatch(db, id, { ...changes, state: to, failureReason: null }) };
}

/** The text of a cell as the source system sends it: strings as they are, numbers and booleans written out. */
const cellText = (value: unknown) => (value === null || value === undefined ? "" : String(value));

/** A row's cells by field, from its columns by header; the columns no field claims are left out. */
export function cellsByField(
  columns: Record<string, unknown>,
  fieldOf: (header: string) => string | undefined,
): { cells: Record<string, string>; unknown: string[] } {
  const cells: Record<string, string> = {};
  const unknown: string[] = [];
  for (const [header, value] of Object.entries(columns)) {
    const field = fieldOf(header);
    if (field) cells[field] = cellText(value);
    else unknown.push(header);
  }
  return { cells, unknown };
}

export const unknownColumnIssue = (header: string): SourceIssue => ({
  column: header,
  value: "",
  code: "unknown_column",
  message: `no field is called "${header}" or has it as an alias; the column is ignored`,
  severity: "warning",
});

export type IncomingRow = { row: number; cells: Record<string, string>; sourceIssues: SourceIssue[] };

/**
 * Appends rows to a locked batch and counts them. A row number already there is left as it is, so a
 * file read again by a retried job adds nothing twice. The rows travel as one JSON parameter: one
 * statement however many rows, with nothing for the driver to bind per cell.
 */
export async function appendRows(db: Database, batch: Batch, rows: IncomingRow[]): Promise<Batch> {
  if (rows.length === 0) return batch;
  const payload = rows.map(({ row, cells, sourceIssues }) => ({ row, cells, source_issues: sourceIssues }));
  const { rows: counted } = await db.execute<{ added: number }>(sql`
    WITH added AS (
      INSERT INTO ${importRows} ("tenant_id", "batch_id", "row", "cells", "source_issues")
      SELECT ${batch.tenantId}::uuid, ${batch.id}::uuid, incoming."row", incoming."cells", incoming."source_issues"
      FROM jsonb_to_recordset(${JSON.stringify(payload)}::jsonb)
        AS incoming("row" integer, "cells" jsonb, "source_issues" jsonb)
      ON CONFLICT DO NOTHING
      RETURNING 1
    )
    SELECT count(*)::int AS added FROM added`);
  return setBatch(db, batch.id, {
    lastRow: Math.max(batch.lastRow, ...rows.map((row) => row.row)),
    totalRows: batch.totalRows + (counted[0]?.added ?? 0),
  });
}

/**
 * `POST …/ingest`: the rows of one call, their columns matched to fields by the tenant's settings, and
 * the call's defaults kept on the batch for validation. Only a rows batch that is not yet validated takes
 * rows.
 */
export async function ingestRows(
  db: Database,
  tenantId: string,
  id: string,
  rows: Record<string, unknown>[],
  defaults: Record<string, unknown>,
): Promise<BatchChange> {
  const batch = await lockBatch(db, tenantId, id);
  if (!batch) return { outcome: "not_found" };
  if (batch.sourceType !== "rows" || !["created", "ingesting"].includes(batch.state))
    return { outcome: "wrong_state", batch };
  const fieldOf = headerMatcher(await readFieldSettings(db, tenantId, batch.entity));
  const incoming = rows.map((columns, index) => {
    const { cells, unknown } = cellsByField(columns, fieldOf);
    return { row: batch.lastRow + index + 1, cells, sourceIssues: unknown.map(unknownColumnIssue) };
  });
  const withDefaults = { ...batch.defaults, ...cellsByField(defaults, fieldOf).cells };
  await appendRows(db, batch, incoming);
  return { outcome: "done", batch: await setBatch(db, id, { state: "ingesting", defaults: withDefaults }) };
}

export type ErrorFilters = { severity?: Severity; row?: number };

export async function listErrors(
  db: Database,
  tenantId: string,
  batchId: string,
  page: Page & ErrorFilters,
): Promise<ImportError[] | null> {
  if (!(await findBatch(db, tenantId, batchId))) return null;
  return keysetPage(
    db.select().from(importErrors).$dynamic(),
    importErrors.id,
    page,
    eq(importErrors.tenantId, tenantId),
    eq(importErrors.batchId, batchId),
    page.severity ? eq(importErrors.severity, page.severity) : undefined,
    page.row === undefined ? undefined : eq(importErrors.row, page.row),
  );
}

/**
 * The batch's rows numbered `after + 1` to `after + span`, in row order: the unit each job works through.
 * A range of row numbers rather than "the next `span` rows": the primary key bounds the scan to the range
 * whatever the planner guesses (without fresh statistics it reads every later row and sorts them, which
 * makes a large batch's chunks cost more the earlier they are). A range holds at most `span` rows, fewer
 * where a record spans lines.
 */
export function rowsAfter(db: Database, batchId: string, after: number, span: number, ...filters: SQL[]) {
  return db
    .select()
    .from(importRows)
    .where(and(eq(importRows.batchId, batchId), between(importRows.row, after + 1, after + span), ...filters))
    .orderBy(asc(importRows.row));
}

/** Where a job that worked through the rows after `after`, `span` row numbers at a time, has got to. */
export const throughAfter = (batch: Batch, after: number, span: number) =>
  Math.min(after + span, batch.lastRow);

export async function findRow(db: Database, batchId: string, row: number) {
  const [found] = await db
    .select()
    .from(importRows)
    .where(and(eq(importRows.batchId, batchId), eq(importRows.row, row)));
  return found ?? null;
}

/** Deletes a batch's errors of the given rows, before they are found again. */
export async function clearErrors(db: Database, batchId: string, rows: number[]) {
  if (rows.length === 0) return;
  await db
    .delete(importErrors)
    .where(
      and(
        eq(importErrors.batchId, batchId),
        between(importErrors.row, Math.min(...rows), Math.max(...rows)),
        inArray(importErrors.row, rows),
      ),
    );
}

/** One step of a batch worked a chunk at a time: validation or promotion. */
export type ChunkedWork = {
  /** The state the batch is in while the step runs; in any other, the step has nothing to do. */
  state: BatchState;
  /** The last row number the step has done. */
  through: (batch: Batch) => number;
  /** Once every row is done: the batch moves on. */
  finish: (db: Database, batch: Batch) => Promise<void>;
  /** The rows after `through`: their work, and the batch's progress moved past them. */
  work: (db: Database, batch: Batch) => Promise<void>;
};

/**
 * The next chunk of a batch's step in one transaction with the batch locked, its progress recorded in the
 * same transaction: a retried job resumes after the last chunk that committed.
 */
export function nextChunkOf(
  session: DatabaseSession,
  tenantId: string,
  batchId: string,
  step: ChunkedWork,
): Promise<ChunkOutcome> {
  return session.tenant(tenantId, async (db) => {
    const batch = await lockBatch(db, tenantId, batchId);
    if (batch?.state !== step.state) return "stopped";
    if (step.through(batch) >= batch.lastRow) {
      await step.finish(db, batch);
      return "done";
    }
    await step.work(db, batch);
    return "more";
  });
}
