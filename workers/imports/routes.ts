import { z } from "@hono/zod-openapi";
import { areaAccess } from "../access/authorize.ts";
import { ENTITY_FIELDS, MATCH_KEYS } from "../catalog/entities.ts";
import type { Database } from "../db/client.ts";
import { IdParamSchema } from "../http/api-schemas.ts";
import { jsonResponse } from "../http/openapi.ts";
import { ListQuerySchema, pageSchema, toPage } from "../http/pagination.ts";
import { HttpProblem, notFound, validationProblem } from "../http/problem.ts";
import { jobContext } from "../http/request-context.ts";
import { RouteGroup, tenantQuery, tenantRead, tenantWrite } from "../http/route-kit.ts";
import type { JobDefinition } from "../queue/define-job.ts";
import { enqueue } from "../queue/enqueue.ts";
import type { JobEnvelope } from "../queue/envelope.ts";
import {
  BatchCreateSchema,
  BatchListQuerySchema,
  BatchSchema,
  EntityParamSchema,
  ErrorListQuerySchema,
  ErrorSchema,
  FieldSettingsSchema,
  FieldSettingsUpdateSchema,
  IngestSchema,
  RowParamSchema,
  RowPatchSchema,
  RowSchema,
  renderBatch,
  renderError,
  renderRow,
} from "./api-schemas.ts";
import {
  type Batch,
  type BatchChange,
  cellsByField,
  createBatch,
  findBatch,
  ingestRows,
  listBatches,
  listErrors,
  transition,
} from "./batches.ts";
import {
  aliasClash,
  completeSettings,
  headerMatcher,
  readFieldSettings,
  upsertFieldSettings,
} from "./field-settings.ts";
import { fileKeyOf, MAX_FILE_BYTES } from "./file.ts";
import { importPromoteJob, importReadFileJob, importValidateJob } from "./jobs.ts";
import { correctRow } from "./validate.ts";

// Everyone in the tenant may follow an import; analysts and above run one.
const { read: READ, write: WRITE } = areaAccess("imports");

const BATCHES = "/api/v1/imports/batches";

/** The batch a change left, or the problem of why there was none. */
function changed(change: BatchChange, action: string) {
  if (change.outcome === "not_found") throw notFound("import batch");
  if (change.outcome === "wrong_state")
    throw new HttpProblem("batch-state", `The batch is ${change.batch.state}; it cannot ${action} now.`);
  return change.batch;
}

const routes = new RouteGroup("Imports", { module: "imports" });

const batch = routes.resource("import batch", {
  path: BATCHES,
  schema: BatchSchema,
  // Not renderBatch itself: a page maps its rows, and the index would be taken for the field settings.
  render: (row: Batch) => renderBatch(row),
  access: { read: READ, write: WRITE },
  plural: "import batches",
});

batch.create(
  {
    summary: "Start an import of products, clients or suppliers",
    body: BatchCreateSchema,
    responseDescription: "The batch, in state created",
  },
  (db, tenantId, body) =>
    createBatch(db, tenantId, {
      entity: body.entity,
      mode: body.mode,
      matchOn: body.match_on ?? MATCH_KEYS[body.entity][0],
      sourceType: body.source_type,
      origin: body.origin,
      decimalComma: body.decimal_comma,
      encoding: body.encoding,
    }),
);

batch.list(
  {
    summary: "The tenant's import batches, newest last, by state and entity",
    filters: BatchListQuerySchema,
    responseDescription: "A page of batches",
  },
  listBatches,
);

routes.add(
  {
    method: "get",
    path: `${BATCHES}/{id}`,
    operationId: "getImportBatch",
    summary: "One batch: its state, progress, preview and the field settings it applies",
    access: READ,
    params: IdParamSchema,
    responses: { 200: jsonResponse(BatchSchema, "The batch") },
    problems: [404],
  },
  async (c, { params: { id } }) => {
    const found = await tenantRead(c, async (db, tenantId) => {
      const batch = await findBatch(db, tenantId, id);
      return batch ? { batch, fields: await readFieldSettings(db, tenantId, batch.entity) } : null;
    });
    if (!found) throw notFound("import batch");
    return c.json(renderBatch(found.batch, found.fields), 200);
  },
);

routes.add(
  {
    method: "delete",
    path: `${BATCHES}/{id}`,
    operationId: "cancelImportBatch",
    summary: "Cancel a batch: its rows are never promoted (chunks already promoted stay)",
    access: WRITE,
    params: IdParamSchema,
    responses: { 204: { description: "Cancelled" } },
    problems: [404, 409],
  },
  async (c, { params: { id } }) => {
    const live = ["created", "ingesting", "validating", "validated", "promoting", "failed"] as const;
    changed(
      await tenantWrite(c, (db, tenantId) => transition(db, tenantId, id, live, "cancelled")),
      "be cancelled",
    );
    return c.body(null, 204);
  },
);

routes.add(
  {
    method: "post",
    path: `${BATCHES}/{id}/ingest`,
    operationId: "ingestImportRows",
    summary: "Append up to 5,000 rows to a rows batch",
    description:
      "Columns are matched to fields by name or by the tenant's aliases; columns no field claims are ignored with a warning. Send an Idempotency-Key so a retried call adds its rows once.",
    access: WRITE,
    idempotent: true,
    params: IdParamSchema,
    body: IngestSchema,
    responses: { 200: jsonResponse(BatchSchema, "The batch, in state ingesting") },
    problems: [404, 409],
  },
  async (c, { params: { id }, body: { rows, defaults = {} } }) => {
    const change = await tenantWrite(c, (db, tenantId) => ingestRows(db, tenantId, id, rows, defaults));
    return c.json(renderBatch(changed(change, "take rows")), 200);
  },
);

routes.add(
  {
    method: "put",
    path: `${BATCHES}/{id}/file`,
    operationId: "uploadImportFile",
    summary: "Upload a csv batch's file; it is read and validated in the background",
    description: `The body is the file itself (\`text/csv\`, up to ${MAX_FILE_BYTES} bytes, with its Content-Length), streamed into storage as it arrives. A job then reads it: UTF-8 with or without BOM or Windows-1252, comma, semicolon or tab, quoted fields with line breaks. Poll the batch until it is \`validated\`.`,
    access: WRITE,
    params: IdParamSchema,
    request: {
      body: { required: true, content: { "text/csv": { schema: z.string().openapi({ format: "binary" }) } } },
    },
    responses: { 202: jsonResponse(BatchSchema, "The batch, in state ingesting") },
    problems: [404, 409, 411],
  },
  async (c, { params: { id } }) => {
    if (!c.req.header("content-type")?.toLowerCase().startsWith("text/csv"))
      throw new HttpProblem("unsupported-media-type", "Send the file as text/csv.");
    const length = Number(c.req.header("content-length"));
    if (!Number.isInteger(length) || length <= 0 || !c.req.raw.body)
      throw new HttpProblem("length-required", "Send the file with its Content-Length.");
    if (length > MAX_FILE_BYTES)
      throw new HttpProblem("file-too-large", `An import file is at most ${MAX_FILE_BYTES} bytes.`);
    const { tenantId } = c.get("principal") ?? { tenantId: "" };
    const batch = await tenantRead(c, (db) => findBatch(db, tenantId, id));
    if (!batch) throw notFound("import batch");
    if (batch.sourceType !== "csv" || batch.state !== "created")
      throw new HttpProblem(
        "batch-state",
        `The batch is a ${batch.sourceType} batch, ${batch.state}; it takes no file now.`,
      );
    const key = fileKeyOf(tenantId, id);
    // Streamed: R2 takes the body as it arrives, with its declared length; the Worker never holds it.
    await c.env.FILES.put(key, c.req.raw.body, { httpMetadata: { contentType: "text/csv" } });
    const started = changed(
      await tenantWrite(c, (db) =>
        transition(db, tenantId, id, ["created"], "ingesting", { fileKey: key, fileBytes: length }),
      ),
      "take a file",
    );
    await enqueue(c.env, importReadFileJob, { tenant_id: tenantId, batch_id: id }, jobContext(c));
    return c.json(renderBatch(started), 202);
  },
);

/**
 * `POST /imports/batches/{id}/<step>`: moves the batch into the step (`move`), then queues the job that
 * does the step's work; 202 with the batch. Idempotent, so a retried call queues the job once.
 */
function batchStep(
  step: {
    name: string;
    operationId: string;
    summary: string;
    description: string;
    answer: string;
    /** What the batch cannot do in a wrong state, for the 409 ("be validated"). */
    action: string;
    job: JobDefinition<JobEnvelope & { tenant_id: string; batch_id: string }>;
  },
  move: (db: Database, tenantId: string, id: string) => Promise<BatchChange>,
) {
  routes.add(
    {
      method: "post",
      path: `${BATCHES}/{id}/${step.name}`,
      operationId: step.operationId,
      summary: step.summary,
      description: step.description,
      access: WRITE,
      idempotent: true,
      params: IdParamSchema,
      responses: { 202: jsonResponse(BatchSchema, step.answer) },
      problems: [404, 409],
    },
    async (c, { params: { id } }) => {
      const batch = changed(await tenantWrite(c, (db, tenantId) => move(db, tenantId, id)), step.action);
      await enqueue(c.env, step.job, { tenant_id: batch.tenantId, batch_id: id }, jobContext(c));
      return c.json(renderBatch(batch), 202);
    },
  );
}

batchStep(
  {
    name: "validate",
    operationId: "validateImportBatch",
    summary: "Validate the batch's rows in the background",
    description:
      "Each row against the catalog's rules and the tenant's field settings; duplicates inside the batch and conflicts with existing records. Asking again while it runs resumes it; asking once validated validates again.",
    answer: "The batch, in state validating",
    action: "be validated",
    job: importValidateJob,
  },
  async (db, tenantId, id) => {
    const current = await findBatch(db, tenantId, id);
    // A validation asked again while it runs resumes where it is; otherwise it starts over.
    const restart = current?.state !== "validating";
    return transition(
      db,
      tenantId,
      id,
      ["ingesting", "validating", "validated"],
      "validating",
      restart ? { validatedThrough: 0, preview: null } : {},
      // A file still being read is validated by its own job once read.
      (found) => found.state !== "ingesting" || found.sourceType === "rows",
    );
  },
);

routes.add(
  {
    method: "get",
    path: `${BATCHES}/{id}/errors`,
    operationId: "listImportErrors",
    summary: "The batch's row errors and warnings, each naming its row, column and value",
    access: READ,
    params: IdParamSchema,
    query: ListQuerySchema.extend(ErrorListQuerySchema.shape),
    responses: { 200: jsonResponse(pageSchema(ErrorSchema, "ImportErrorPage"), "A page of errors") },
    problems: [404],
  },
  async (c, { params: { id }, query }) => {
    const rows = await tenantRead(c, (db, tenantId) => listErrors(db, tenantId, id, query));
    if (!rows) throw notFound("import batch");
    return c.json(toPage(rows, query, renderError), 200);
  },
);

routes.add(
  {
    method: "patch",
    path: `${BATCHES}/{id}/rows/{row}`,
    operationId: "correctImportRow",
    summary: "Correct cells of one row of a validated batch; it is validated again at once",
    access: WRITE,
    params: RowParamSchema,
    body: RowPatchSchema,
    responses: { 200: jsonResponse(RowSchema, "The row as now validated") },
    problems: [404, 409],
  },
  async (c, { params: { id, row }, body: { cells } }) => {
    const result = await tenantWrite(c, async (db, tenantId) => {
      const batch = await findBatch(db, tenantId, id);
      if (!batch) return { outcome: "not_found" } as const;
      const fieldOf = headerMatcher(await readFieldSettings(db, tenantId, batch.entity));
      return correctRow(db, tenantId, id, row, cellsByField(cells, fieldOf).cells);
    });
    if (result.outcome === "not_found") throw notFound("import row");
    if (result.outcome === "wrong_state")
      throw new HttpProblem(
        "batch-state",
        `The batch is ${result.batch.state}; rows are corrected once it is validated.`,
      );
    return c.json(renderRow(result.verdict, result.cells), 200);
  },
);

batchStep(
  {
    name: "promote",
    operationId: "promoteImportBatch",
    summary: "Write the batch's valid rows into the catalog in the background, in chunks",
    description:
      "Each chunk is its own transaction and moves the batch's promoted_through with it, so a retried or repeated promotion resumes after the last chunk written: no row is written twice or lost.",
    answer: "The batch, in state promoting",
    action: "be promoted",
    job: importPromoteJob,
  },
  (db, tenantId, id) => transition(db, tenantId, id, ["validated", "promoting"], "promoting"),
);

const settings = new RouteGroup("Imports", { module: "imports" });

settings.add(
  {
    method: "get",
    path: "/api/v1/settings/fields/{entity}",
    operationId: "getFieldSettings",
    summary: "The tenant's settings of an entity's fields: aliases, required, default, order, visibility",
    access: READ,
    params: EntityParamSchema,
    responses: { 200: jsonResponse(FieldSettingsSchema, "Every field of the entity, in order") },
  },
  async (c, { params: { entity } }) => {
    const fields = await tenantRead(c, (db, tenantId) => readFieldSettings(db, tenantId, entity));
    return c.json({ entity, fields }, 200);
  },
);

settings.add(
  {
    method: "put",
    path: "/api/v1/settings/fields/{entity}",
    operationId: "putFieldSettings",
    summary: "Replace the tenant's settings of an entity's fields",
    description:
      "Fields left out get their default settings. A field the catalog requires stays required. Two fields may not share a header once case, accents and spaces are ignored.",
    access: { role: "admin", scope: "imports:write" },
    params: EntityParamSchema,
    body: FieldSettingsUpdateSchema,
    responses: { 200: jsonResponse(FieldSettingsSchema, "Every field of the entity, in order") },
  },
  async (c, { params: { entity }, body: { fields } }) => {
    const known = new Set(ENTITY_FIELDS[entity].map((rule) => rule.name));
    const problems = fields.flatMap((setting, index) =>
      known.has(setting.field)
        ? []
        : [{ path: `body.fields.${index}.field`, message: `${entity} have no field ${setting.field}` }],
    );
    if (new Set(fields.map((setting) => setting.field)).size !== fields.length)
      problems.push({ path: "body.fields", message: "name each field once" });
    const complete = completeSettings(entity, fields);
    const clash = aliasClash(complete);
    if (clash) problems.push({ path: "body.fields", message: clash });
    if (problems.length > 0) throw validationProblem(problems);
    await tenantQuery(c, (db, tenantId) => upsertFieldSettings(db, tenantId, entity, fields));
    return c.json({ entity, fields: complete }, 200);
  },
);

export const registerImportRoutes = (app: Parameters<typeof routes.register>[0]) => {
  routes.register(app);
  settings.register(app);
};
