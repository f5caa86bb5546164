import { and, eq, sql } from "drizzle-orm";
import { type RecordValues, readRecord } from "../catalog/entities.ts";
import { existingByKey, storeOf, unchanged } from "../catalog/records.ts";
import type { Database, DatabaseSession } from "../db/client.ts";
import {
  type Batch,
  clearErrors,
  lockBatch,
  nextChunkOf,
  rowsAfter,
  setBatch,
  throughAfter,
} from "./batches.ts";
import { readFieldSettings } from "./field-settings.ts";
import {
  type BatchPreview,
  type FieldSetting,
  importErrors,
  importRows,
  ROW_ACTIONS,
  type RowAction,
  type SourceIssue,
} from "./tables.ts";

export type RowIssue = SourceIssue;

/** What validation made of one row. */
export type Verdict = {
  row: number;
  action: RowAction;
  matchKey: string | null;
  values: RecordValues | null;
  existingId: string | null;
  issues: RowIssue[];
};

export type RowToJudge = { row: number; cells: Record<string, string>; sourceIssues: SourceIssue[] };

/** Where a row's key was seen before: the existing record, and earlier rows of the batch. */
export type KeyContext = {
  existing: Map<string, { id: string; values: RecordValues }>;
  /** The first row of the batch holding each key, among rows that will be promoted. */
  firstRowOf: Map<string, number>;
};

const error = (column: string, value: string, code: string, message: string): RowIssue => ({
  column,
  value,
  code,
  message,
  severity: "error",
});

/** A row read against the entity's rules and the tenant's settings, before its key is weighed. */
type ReadRow = {
  row: number;
  cells: Record<string, string>;
  values: RecordValues;
  /** The fields the row (its columns or the defaults) gives; an update changes only these. */
  given: ReadonlySet<string>;
  issues: RowIssue[];
  key: string | null;
};

/**
 * Reads one row: the catalog's rules and the tenant's field settings (their defaults fill empty cells,
 * their required fields must be there). Its key is the match field's value as validation reads it.
 */
function readRow(
  batch: Pick<Batch, "matchOn" | "entity" | "decimalComma" | "defaults">,
  settings: FieldSetting[],
  row: RowToJudge,
): ReadRow {
  const cells = { ...row.cells };
  for (const setting of settings) {
    const fallback = batch.defaults[setting.field] ?? setting.default;
    if ((cells[setting.field] ?? "").trim() === "" && fallback !== null && fallback !== undefined)
      cells[setting.field] = fallback;
  }
  const required = new Set([
    batch.matchOn,
    ...settings.filter((setting) => setting.required).map((s) => s.field),
  ]);
  const { values, issues } = readRecord(batch.entity, cells, { decimalComma: batch.decimalComma, required });
  const found: RowIssue[] = [
    ...row.sourceIssues,
    ...issues.map((issue) => error(issue.column, row.cells[issue.column] ?? "", issue.code, issue.message)),
  ];
  const key = typeof values[batch.matchOn] === "string" ? (values[batch.matchOn] as string) : null;
  return { row: row.row, cells: row.cells, values, given: new Set(Object.keys(cells)), issues: found, key };
}

/**
 * Weighs a read row's key against earlier rows and existing records, as the batch's mode wants. A row
 * with any error is skipped; warnings do not stop it.
 */
function weighKey(batch: Pick<Batch, "mode" | "matchOn">, read: ReadRow, keys: KeyContext): Verdict {
  const { key } = read;
  let { values } = read;
  const found = [...read.issues];
  let existingId: string | null = null;
  let action: RowAction = "skip";
  if (key !== null && !found.some((issue) => issue.severity === "error")) {
    const first = keys.firstRowOf.get(key);
    const existing = keys.existing.get(key);
    const cell = read.cells[batch.matchOn] ?? key;
    if (first !== undefined && first !== read.row)
      found.push(
        error(batch.matchOn, cell, "duplicate_key", `${batch.matchOn} ${key} is also in row ${first}`),
      );
    else if (existing && batch.mode === "insert")
      found.push(
        error(batch.matchOn, cell, "already_exists", `a record with ${batch.matchOn} ${key} exists`),
      );
    else if (!existing && batch.mode === "update")
      found.push(error(batch.matchOn, cell, "not_found", `no record has ${batch.matchOn} ${key} to update`));
    else if (existing) {
      existingId = existing.id;
      // A field the file leaves out keeps the record's value: only the given ones are compared and written.
      values = Object.fromEntries(Object.entries(values).filter(([field]) => read.given.has(field)));
      action = unchanged(existing.values, values) ? "unchanged" : "update";
    } else action = "create";
  }
  if (found.some((issue) => issue.severity === "error")) action = "skip";
  return {
    row: read.row,
    action,
    matchKey: key,
    values: action === "skip" ? null : values,
    existingId,
    issues: found,
  };
}

/** The distinct keys of read rows, for one lookup each of earlier rows and existing records. */
const keysOf = (rows: ReadRow[]) => [...new Set(rows.flatMap((row) => (row.key === null ? [] : [row.key])))];

/** Writes verdicts: the rows' actions in one statement, their issues replacing those found before. */
async function saveVerdicts(db: Database, batch: Batch, verdicts: Verdict[]) {
  if (verdicts.length === 0) return;
  // The chunk's rows are a range: bounding the join by it keeps the statement to the chunk's rows however
  // the planner weighs the JSON set against a large batch.
  const first = Math.min(...verdicts.map((verdict) => verdict.row));
  const last = Math.max(...verdicts.map((verdict) => verdict.row));
  const payload = verdicts.map(({ row, action, matchKey, values, existingId }) => ({
    row,
    action,
    match_key: matchKey,
    values,
    existing_id: existingId,
  }));
  await db.execute(sql`
    UPDATE ${importRows} AS target
    SET "action" = verdict."action", "match_key" = verdict."match_key", "values" = verdict."values",
        "existing_id" = verdict."existing_id"
    FROM jsonb_to_recordset(${JSON.stringify(payload)}::jsonb)
      AS verdict("row" integer, "action" text, "match_key" text, "values" jsonb, "existing_id" uuid)
    WHERE target."batch_id" = ${batch.id} AND target."row" = verdict."row"
      AND target."row" BETWEEN ${first} AND ${last}`);
  await clearErrors(
    db,
    batch.id,
    verdicts.map((verdict) => verdict.row),
  );
  const issues = verdicts.flatMap((verdict) =>
    verdict.issues.map((issue) => ({
      ...issue,
      row: verdict.row,
      tenantId: batch.tenantId,
      batchId: batch.id,
    })),
  );
  // Bounded per statement: each issue is 8 parameters and a statement takes at most 65,535.
  for (let start = 0; start < issues.length; start += 5000)
    await db.insert(importErrors).values(issues.slice(start, start + 5000));
}

/**
 * The first row holding each of `keys` among the batch's rows up to `through` that will be promoted,
 * leaving out row `except`: one statement, an index probe per key (`import_rows_key_idx`), so a chunk
 * costs the same late in a large batch as early.
 */
async function firstRowsOf(db: Database, batchId: string, keys: string[], through: number, except = 0) {
  if (keys.length === 0) return new Map<string, number>();
  const { rows } = await db.execute<{ key: string; row: number }>(sql`
    SELECT wanted.key, first."row"
    FROM jsonb_array_elements_text(${JSON.stringify(keys)}::jsonb) AS wanted(key)
    CROSS JOIN LATERAL (
      SELECT ${importRows.row} AS "row" FROM ${importRows}
      WHERE ${importRows.batchId} = ${batchId} AND ${importRows.matchKey} = wanted.key
        AND ${importRows.row} <= ${through} AND ${importRows.row} <> ${except}
        AND ${importRows.action} <> 'skip'
      ORDER BY ${importRows.row} LIMIT 1
    ) AS first`);
  return new Map(rows.map(({ key, row }) => [key, Number(row)]));
}

/** Judges rows in order and keeps what each taught about keys, so a later duplicate names the first. */
function judgeInOrder(batch: Batch, rows: ReadRow[], keys: KeyContext): Verdict[] {
  return rows.map((row) => {
    const verdict = weighKey(batch, row, keys);
    if (verdict.action !== "skip" && verdict.matchKey !== null && !keys.firstRowOf.has(verdict.matchKey))
      keys.firstRowOf.set(verdict.matchKey, verdict.row);
    return verdict;
  });
}

/** Counts by action and severity over the whole batch: its preview once validated. */
export async function summarize(db: Database, batch: Batch) {
  const actions = await db
    .select({ action: importRows.action, rows: sql<number>`count(*)::int` })
    .from(importRows)
    .where(eq(importRows.batchId, batch.id))
    .groupBy(importRows.action);
  const severities = await db
    .select({ severity: importErrors.severity, issues: sql<number>`count(*)::int` })
    .from(importErrors)
    .where(eq(importErrors.batchId, batch.id))
    .groupBy(importErrors.severity);
  const preview = Object.fromEntries(ROW_ACTIONS.map((action) => [action, 0])) as BatchPreview;
  for (const { action, rows } of actions) if (action) preview[action] = rows;
  const count = (severity: string) => severities.find((row) => row.severity === severity)?.issues ?? 0;
  return { preview, errorCount: count("error"), warningCount: count("warning") };
}

/**
 * Validates the next `span` row numbers of a validating batch (one lookup of existing records and one
 * write of verdicts) and records how far it got, in one transaction. The last call finds no rows left and
 * makes the batch `validated`, with its preview.
 */
export const validateNextChunk = (
  session: DatabaseSession,
  tenantId: string,
  batchId: string,
  span: number,
) =>
  nextChunkOf(session, tenantId, batchId, {
    state: "validating",
    through: (batch) => batch.validatedThrough,
    finish: async (db, batch) => {
      await setBatch(db, batch.id, { state: "validated", ...(await summarize(db, batch)) });
    },
    work: async (db, batch) => {
      const rows = await rowsAfter(db, batch.id, batch.validatedThrough, span);
      const settings = await readFieldSettings(db, tenantId, batch.entity);
      const read = rows.map((row) => readRow(batch, settings, row));
      const keys = keysOf(read);
      const context: KeyContext = {
        existing: await existingByKey(db, tenantId, storeOf(batch.entity), batch.matchOn, keys),
        firstRowOf: await firstRowsOf(db, batch.id, keys, batch.validatedThrough),
      };
      await saveVerdicts(db, batch, judgeInOrder(batch, read, context));
      await setBatch(db, batch.id, { validatedThrough: throughAfter(batch, batch.validatedThrough, span) });
    },
  });

/**
 * `PATCH …/rows/{row}`: replaces cells of one row of a validated batch and judges it again against the
 * other rows and existing records; the batch's preview and counts follow.
 */
export async function correctRow(
  db: Database,
  tenantId: string,
  batchId: string,
  rowNumber: number,
  cells: Record<string, string>,
): Promise<
  | { outcome: "done"; verdict: Verdict; batch: Batch; cells: Record<string, string> }
  | { outcome: "not_found" }
  | { outcome: "wrong_state"; batch: Batch }
> {
  const batch = await lockBatch(db, tenantId, batchId);
  if (!batch) return { outcome: "not_found" };
  if (batch.state !== "validated") return { outcome: "wrong_state", batch };
  const [row] = await rowsAfter(db, batchId, rowNumber - 1, 1, eq(importRows.row, rowNumber));
  if (!row) return { outcome: "not_found" };
  const corrected = {
    ...row,
    cells: { ...row.cells, ...cells },
    sourceIssues: row.sourceIssues.filter((issue) => issue.severity === "warning"),
  };
  await db
    .update(importRows)
    .set({ cells: corrected.cells, sourceIssues: corrected.sourceIssues })
    .where(and(eq(importRows.batchId, batchId), eq(importRows.row, rowNumber)));
  const read = readRow(batch, await readFieldSettings(db, tenantId, batch.entity), corrected);
  const keys = keysOf([read]);
  // The row itself is not its own duplicate; any other row holding the key is.
  const others = await firstRowsOf(db, batchId, keys, batch.lastRow, rowNumber);
  const verdict = weighKey(batch, read, {
    existing: await existingByKey(db, tenantId, storeOf(batch.entity), batch.matchOn, keys),
    firstRowOf: others,
  });
  await saveVerdicts(db, batch, [verdict]);
  const updated = await setBatch(db, batchId, await summarize(db, batch));
  return { outcome: "done", verdict, batch: updated, cells: corrected.cells };
}
