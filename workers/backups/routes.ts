import { areaAccess } from "../access/authorize.ts";
import { IdParamSchema } from "../http/api-schemas.ts";
import { jsonResponse } from "../http/openapi.ts";
import { HttpProblem, notFound } from "../http/problem.ts";
import { jobContext } from "../http/request-context.ts";
import { RouteGroup, tenantRead, tenantWrite } from "../http/route-kit.ts";
import { enqueue } from "../queue/enqueue.ts";
import {
  BackupManifestSchema,
  BackupSchema,
  backupPathOf,
  DownloadQuerySchema,
  renderBackup,
} from "./api-schemas.ts";
import { createBackup, findBackup, listBackups, requestRestore } from "./backups.ts";
import { backupRestoreJob, backupRunJob } from "./jobs.ts";

// A backup is all of the tenant's data: admins take and read them; only owners put one back.
const ACCESS = areaAccess("backups", { read: "admin", write: "admin" });
const OWNER = { role: "owner" } as const;

const routes = new RouteGroup("Backups", { module: "backups" });

const backups = routes.resource("backup", {
  path: "/api/v1/backups",
  schema: BackupSchema,
  render: renderBackup,
  access: ACCESS,
});

backups.list({ summary: "The tenant's backups, oldest first" }, listBackups);

backups.get({ summary: "One backup: its state, files and last restore" }, findBackup);

routes.add(
  {
    method: "post",
    path: "/api/v1/backups",
    operationId: "createBackup",
    summary: "Back up the tenant's data now, in the background",
    description:
      "Every six hours a backup is taken anyway. Poll the backup until its `state` is completed; send an Idempotency-Key so a retried call takes one backup.",
    access: ACCESS.write,
    idempotent: true,
    responses: { 202: jsonResponse(BackupSchema, "The backup, queued") },
  },
  async (c) => {
    const backup = await tenantWrite(c, (db, tenantId) => createBackup(db, tenantId, "manual"));
    await enqueue(c.env, backupRunJob, { tenant_id: backup.tenantId, backup_id: backup.id }, jobContext(c));
    c.header("Location", backupPathOf(backup.id));
    return c.json(renderBackup(backup), 202);
  },
);

routes.add(
  {
    method: "get",
    path: "/api/v1/backups/{id}/download",
    operationId: "downloadBackup",
    summary: "A completed backup's manifest, or with ?table= one table's gzipped NDJSON file",
    description:
      "The file is sent as stored (`application/gzip`), so its SHA-256 is the manifest's `sha256`; gunzipped, each line is one row as JSON.",
    access: ACCESS.read,
    params: IdParamSchema,
    query: DownloadQuerySchema,
    responses: {
      200: {
        description: "The manifest (no `table`), or the table's file",
        content: {
          "application/json": { schema: BackupManifestSchema },
          "application/gzip": { schema: { type: "string", format: "binary" } },
        },
      },
    },
    problems: [404, 409],
  },
  async (c, { params: { id }, query: { table } }) => {
    const backup = await tenantRead(c, (db, tenantId) => findBackup(db, tenantId, id));
    if (!backup) throw notFound("backup");
    if (backup.state !== "completed" || !backup.manifest)
      throw new HttpProblem(
        "backup-state",
        `The backup is ${backup.state}; only a completed one is downloaded.`,
      );
    if (table === undefined) return c.json(backup.manifest, 200);
    const file = backup.manifest.files.find((each) => each.table === table);
    const object = file ? await c.env.FILES.get(file.key) : null;
    if (!object) throw new HttpProblem("not-found", `The backup has no file of a table named ${table}.`);
    return c.body(object.body, 200, {
      "content-type": "application/gzip",
      "content-length": String(object.size),
      "content-disposition": `attachment; filename="${table}.ndjson.gz"`,
    });
  },
);

routes.add(
  {
    method: "post",
    path: "/api/v1/backups/{id}/restore",
    operationId: "restoreBackup",
    summary: "Replace the tenant's data with a backup's, in the background (owners only)",
    description:
      "Every backed-up table's rows of the tenant are replaced by the backup's in one transaction: if any file fails its checksum or any row is refused, nothing changes. Members, API keys, sessions and usage counters are not part of a backup and stay as they are. Only a completed backup of the current `schema_version` can be restored. Poll the backup's `restore`.",
    access: OWNER,
    idempotent: true,
    params: IdParamSchema,
    responses: { 202: jsonResponse(BackupSchema, "The backup, its restore queued") },
    problems: [404, 409],
  },
  async (c, { params: { id } }) => {
    const request = await tenantWrite(c, (db, tenantId) => requestRestore(db, tenantId, id));
    if (request.outcome === "not_found") throw notFound("backup");
    if (request.outcome === "not_completed")
      throw new HttpProblem(
        "backup-state",
        `The backup is ${request.backup.state}; only a completed one is restored.`,
      );
    if (request.outcome === "restoring")
      throw new HttpProblem(
        "backup-state",
        `A restore of this backup is already ${request.backup.restoreState}.`,
      );
    if (request.outcome === "other_schema")
      throw new HttpProblem(
        "backup-schema-mismatch",
        `The backup was taken at schema ${request.backup.schemaVersion}, which is not the database's current one.`,
      );
    await enqueue(
      c.env,
      backupRestoreJob,
      { tenant_id: request.backup.tenantId, backup_id: id },
      jobContext(c),
    );
    return c.json(renderBackup(request.backup), 202);
  },
);

export const registerBackupRoutes = routes.register;
