import { bigint, boolean, index, integer, jsonb, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { ENTITIES } from "../catalog/entities.ts";
import { ownerId, timestamps, updatedAt } from "../db/columns.ts";
import { tenantIsolation } from "../db/policies.ts";
import { tenantIdColumn, tenantTable } from "../identity/tables.ts";

export const BATCH_MODES = ["insert", "update", "upsert"] as const;
export const BATCH_STATES = [
  "created",
  "ingesting",
  "validating",
  "validated",
  "promoting",
  "promoted",
  "failed",
  "cancelled",
] as const;
export const SOURCE_TYPES = ["rows", "csv"] as const;
export const SOURCE_ENCODINGS = ["auto", "utf-8", "windows-1252"] as const;
export const ROW_ACTIONS = ["create", "update", "unchanged", "skip"] as const;

export type BatchState = (typeof BATCH_STATES)[number];
export type RowAction = (typeof ROW_ACTIONS)[number];

/** What a validation found the batch would do, and what its promotion did. */
export type BatchPreview = Record<RowAction, number>;
export type BatchResult = { created: number; updated: number; unchanged: number; failed: number };

/**
 * One import: rows arrive (ingest or a CSV file), are validated, then promoted into the catalog in chunks.
 * `validated_through` and `promoted_through` are the last row each job finished, so a retried job resumes
 * after it instead of starting over.
 */
export const importBatches = tenantTable(
  "import_batches",
  {
    entity: text("entity", { enum: ENTITIES }).notNull(),
    mode: text("mode", { enum: BATCH_MODES }).notNull(),
    matchOn: text("match_on").notNull(),
    sourceType: text("source_type", { enum: SOURCE_TYPES }).notNull(),
    origin: text("origin").notNull().default(""),
    decimalComma: boolean("decimal_comma").notNull().default(false),
    encoding: text("encoding", { enum: SOURCE_ENCODINGS }).notNull().default("auto"),
    state: text("state", { enum: BATCH_STATES }).notNull().default("created"),
    failureReason: text("failure_reason"),
    /** Values for cells a row leaves empty, by field, sent with an ingest. */
    defaults: jsonb("defaults").$type<Record<string, string>>().notNull().default({}),
    totalRows: integer("total_rows").notNull().default(0),
    /** The highest row number so far: ingested rows continue from it. */
    lastRow: integer("last_row").notNull().default(0),
    fileKey: text("file_key"),
    fileBytes: bigint("file_bytes", { mode: "number" }),
    validatedThrough: integer("validated_through").notNull().default(0),
    promotedThrough: integer("promoted_through").notNull().default(0),
    errorCount: integer("error_count").notNull().default(0),
    warningCount: integer("warning_count").notNull().default(0),
    preview: jsonb("preview").$type<BatchPreview>(),
    result: jsonb("result")
      .$type<BatchResult>()
      .notNull()
      .default({ created: 0, updated: 0, unchanged: 0, failed: 0 }),
    ...timestamps(),
  },
  (table) => [index("import_batches_tenant_idx").on(table.tenantId, table.id)],
);

export type Severity = "error" | "warning";
export type SourceIssue = {
  column: string;
  value: string;
  code: string;
  message: string;
  severity: Severity;
};

/** A row of a batch: its cells by field name, and what validation made of them. */
export const importRows = pgTable(
  "import_rows",
  {
    tenantId: tenantIdColumn(),
    batchId: ownerId("batch_id", () => importBatches.id),
    /** The line of the source file the row starts on (or its position among ingested rows). */
    row: integer("row").notNull(),
    cells: jsonb("cells").$type<Record<string, string>>().notNull(),
    /** What reading the source found wrong with the row (an unterminated quote, extra fields). */
    sourceIssues: jsonb("source_issues").$type<SourceIssue[]>().notNull().default([]),
    /** Null until validated; `skip` for a row with errors. */
    action: text("action", { enum: ROW_ACTIONS }),
    matchKey: text("match_key"),
    /** The record the row becomes, once valid. */
    values: jsonb("values").$type<Record<string, string | number | boolean | null>>(),
    existingId: uuid("existing_id"),
  },
  (table) => [
    primaryKey({ columns: [table.batchId, table.row] }),
    // Validation's probe for the first earlier row holding a key (duplicates inside the file).
    index("import_rows_key_idx").on(table.batchId, table.matchKey, table.row),
    tenantIsolation(),
  ],
);

export const importErrors = tenantTable(
  "import_errors",
  {
    batchId: ownerId("batch_id", () => importBatches.id),
    row: integer("row").notNull(),
    column: text("column").notNull(),
    value: text("value").notNull(),
    code: text("code").notNull(),
    message: text("message").notNull(),
    severity: text("severity", { enum: ["error", "warning"] }).notNull(),
  },
  (table) => [index("import_errors_batch_idx").on(table.batchId, table.row)],
);

/** One field's settings in a tenant's configuration of an entity. */
export type FieldSetting = {
  field: string;
  /** Column headers a tenant's files use for the field, matched ignoring case, accents and spaces. */
  aliases: string[];
  required: boolean;
  default: string | null;
  order: number;
  visible: boolean;
};

/** A tenant's configuration of an entity's fields; an entity without a row has the catalog's own. */
export const fieldSettings = pgTable(
  "field_settings",
  {
    tenantId: tenantIdColumn(),
    entity: text("entity", { enum: ENTITIES }).notNull(),
    fields: jsonb("fields").$type<FieldSetting[]>().notNull(),
    updatedAt: updatedAt(),
  },
  (table) => [primaryKey({ columns: [table.tenantId, table.entity] }), tenantIsolation()],
);
