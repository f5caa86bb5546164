import { z } from "@hono/zod-openapi";
import { ENTITIES, MATCH_KEYS } from "../catalog/entities.ts";
import { countsOf, IdParamSchema, pathParam, timestampFields } from "../http/api-schemas.ts";
import type { Batch, ImportError } from "./batches.ts";
import { MAX_INGEST_ROWS } from "./batches.ts";
import {
  BATCH_MODES,
  BATCH_STATES,
  type FieldSetting,
  ROW_ACTIONS,
  SOURCE_ENCODINGS,
  SOURCE_TYPES,
} from "./tables.ts";
import type { Verdict } from "./validate.ts";

export const EntitySchema = z.enum(ENTITIES).openapi("ImportEntity");

const matchKeysText = Object.entries(MATCH_KEYS)
  .map(([entity, keys]) => `${entity}: ${keys.join(" or ")}`)
  .join("; ");

export const BatchCreateSchema = z
  .object({
    entity: EntitySchema,
    mode: z.enum(BATCH_MODES).default("upsert").openapi({
      description: "insert: only new records; update: only existing ones; upsert: both, matched on match_on.",
    }),
    match_on: z
      .string()
      .optional()
      .openapi({
        description: `The field that finds existing records (${matchKeysText}); the first by default.`,
      }),
    source_type: z
      .enum(SOURCE_TYPES)
      .openapi({ description: "rows: sent by ingest calls; csv: one uploaded file." }),
    origin: z
      .string()
      .trim()
      .max(200)
      .default("")
      .openapi({ description: "Where the data comes from, for people." }),
    decimal_comma: z.boolean().default(false).openapi({ description: "Numbers are written 1.234,56." }),
    encoding: z.enum(SOURCE_ENCODINGS).default("auto").openapi({
      description:
        "A CSV file's encoding; auto takes UTF-8 (with or without BOM) and otherwise Windows-1252.",
    }),
  })
  .strict()
  .superRefine((body, ctx) => {
    if (body.match_on !== undefined && !MATCH_KEYS[body.entity].includes(body.match_on))
      ctx.addIssue({
        code: "custom",
        path: ["match_on"],
        message: `match_on for ${body.entity} is one of ${MATCH_KEYS[body.entity].join(", ")}`,
      });
  })
  .openapi("ImportBatchCreate");

const CellSchema = z.union([z.string().max(10_000), z.number(), z.boolean(), z.null()]);

export const IngestSchema = z
  .object({
    rows: z
      .array(z.record(z.string().max(200), CellSchema))
      .min(1)
      .max(MAX_INGEST_ROWS)
      .openapi({
        description: `Up to ${MAX_INGEST_ROWS} rows a call, each by column header (or field name).`,
      }),
    defaults: z
      .record(z.string().max(200), CellSchema)
      .optional()
      .openapi({ description: "Values for cells the rows leave empty, by column header or field name." }),
  })
  .strict()
  .openapi("ImportIngest");

export const FieldSettingSchema = z
  .object({
    field: z.string().min(1).max(64),
    aliases: z.array(z.string().trim().min(1).max(200)).max(20).default([]).openapi({
      description:
        "Column headers that mean this field, matched ignoring case, accents and surrounding spaces.",
    }),
    required: z.boolean().default(false).openapi({ description: "Required beyond the catalog's own rules." }),
    default: z
      .string()
      .max(2000)
      .nullable()
      .default(null)
      .openapi({ description: "Used when a row leaves it empty." }),
    order: z.number().int().min(0).max(1000).default(0),
    visible: z.boolean().default(true),
  })
  .strict()
  .openapi("FieldSetting");

export const FieldSettingsSchema = z
  .object({ entity: EntitySchema, fields: z.array(FieldSettingSchema) })
  .openapi("FieldSettings");

export const FieldSettingsUpdateSchema = z
  .object({ fields: z.array(FieldSettingSchema).min(1).max(50) })
  .strict()
  .openapi("FieldSettingsUpdate");

export const EntityParamSchema = pathParam("entity", EntitySchema, "products");

export const BatchSchema = z
  .object({
    id: z.uuid(),
    entity: EntitySchema,
    mode: z.enum(BATCH_MODES),
    match_on: z.string(),
    source_type: z.enum(SOURCE_TYPES),
    origin: z.string(),
    decimal_comma: z.boolean(),
    encoding: z.enum(SOURCE_ENCODINGS),
    state: z.enum(BATCH_STATES),
    failure_reason: z.string().nullable(),
    progress: z.object({
      total_rows: z.number().int(),
      validated_through: z
        .number()
        .int()
        .openapi({ description: "Rows up to this row number are validated." }),
      promoted_through: z.number().int().openapi({ description: "Rows up to this row number are promoted." }),
      file_bytes: z.number().int().nullable(),
    }),
    issues: z.object({ errors: z.number().int(), warnings: z.number().int() }),
    preview: countsOf(ROW_ACTIONS).nullable().openapi({
      description: "Once validated: how many rows would be created, updated, unchanged, skipped.",
    }),
    result: countsOf(["created", "updated", "unchanged", "failed"]),
    fields: z.array(FieldSettingSchema).optional().openapi({
      description: "The tenant's field settings that ingest and validation apply (on a single batch).",
    }),
    ...timestampFields,
  })
  .openapi("ImportBatch");

export const BatchListQuerySchema = z.object({
  state: z.enum(BATCH_STATES).optional().openapi({ description: "Only batches in this state." }),
  entity: EntitySchema.optional().openapi({ description: "Only batches of this entity." }),
});

export const ErrorSchema = z
  .object({
    row: z.number().int().openapi({ description: "The line of the source file the row starts on." }),
    column: z.string(),
    value: z.string(),
    code: z.string(),
    message: z.string(),
    severity: z.enum(["error", "warning"]),
  })
  .openapi("ImportError");

export const ErrorListQuerySchema = z.object({
  severity: z.enum(["error", "warning"]).optional(),
  row: z.coerce
    .number()
    .int()
    .min(1)
    .max(100_000_000)
    .optional()
    .openapi({ description: "Only this row's." }),
});

export const RowParamSchema = IdParamSchema.extend({
  row: z.coerce
    .number()
    .int()
    .min(1)
    .max(100_000_000)
    .openapi({ param: { name: "row", in: "path" }, example: 2 }),
});

export const RowPatchSchema = z
  .object({
    cells: z
      .record(z.string().max(200), CellSchema)
      .refine((cells) => Object.keys(cells).length > 0, "name at least one cell")
      .openapi({ description: "The corrected cells, by field name or column header." }),
  })
  .strict()
  .openapi("ImportRowPatch");

export const RowSchema = z
  .object({
    row: z.number().int(),
    cells: z.record(z.string(), z.string()),
    action: z.enum(ROW_ACTIONS),
    errors: z.array(ErrorSchema),
  })
  .openapi("ImportRow");

export const renderBatch = (batch: Batch, fields?: FieldSetting[]) => ({
  id: batch.id,
  entity: batch.entity,
  mode: batch.mode,
  match_on: batch.matchOn,
  source_type: batch.sourceType,
  origin: batch.origin,
  decimal_comma: batch.decimalComma,
  encoding: batch.encoding,
  state: batch.state,
  failure_reason: batch.failureReason,
  progress: {
    total_rows: batch.totalRows,
    validated_through: batch.validatedThrough,
    promoted_through: batch.promotedThrough,
    file_bytes: batch.fileBytes,
  },
  issues: { errors: batch.errorCount, warnings: batch.warningCount },
  preview: batch.preview,
  result: batch.result,
  ...(fields ? { fields } : {}),
  created_at: batch.createdAt.toISOString(),
  updated_at: batch.updatedAt.toISOString(),
});

export const renderError = (
  error: Pick<ImportError, "row" | "column" | "value" | "code" | "message" | "severity">,
) => ({
  row: error.row,
  column: error.column,
  value: error.value,
  code: error.code,
  message: error.message,
  severity: error.severity,
});

export const renderRow = (verdict: Verdict, cells: Record<string, string>) => ({
  row: verdict.row,
  cells,
  action: verdict.action,
  errors: verdict.issues.map((issue) => renderError({ ...issue, row: verdict.row })),
});
