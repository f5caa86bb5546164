import { sql } from "drizzle-orm";
import type { JobRuntime } from "../queue/define-job.ts";
import { backupPrefixOf, moveBackup } from "./backups.ts";
import { GzipObjectWriter } from "./bucket-files.ts";
import { pruneBackups } from "./prune.ts";
import { SCHEMA_VERSION } from "./schema-version.ts";
import type { BackupFile, BackupManifest } from "./tables.ts";
import { BACKED_UP_TABLES } from "./tenant-tables.ts";
import { inLongTenantTransaction, type Transaction } from "./tenant-transaction.ts";

/** Rows read per round trip: what a backup holds of a table at once. */
const PAGE_ROWS = 1000;

export const manifestKeyOf = (tenantId: string, backupId: string) =>
  `${backupPrefixOf(tenantId, backupId)}manifest.json`;

/**
 * One table's rows of the tenant as gzipped NDJSON, each line the row as Postgres writes it as JSON
 * (`to_jsonb`): every column, timestamps to the microsecond, numerics to the last digit, so a restore
 * gives back exactly the row. Read through a cursor a page at a time.
 */
async function writeTable(
  tx: Transaction,
  bucket: R2Bucket,
  prefix: string,
  tenantId: string,
  table: string,
): Promise<BackupFile> {
  const key = `${prefix}${table}.ndjson.gz`;
  const file = new GzipObjectWriter(bucket, key);
  let rows = 0;
  try {
    await tx.execute(
      sql`DECLARE backup_rows NO SCROLL CURSOR FOR SELECT to_jsonb(t)::text AS line FROM ${sql.identifier(table)} t WHERE t.tenant_id = ${tenantId}`,
    );
    for (;;) {
      const page = await tx.execute<{ line: string }>(sql.raw(`FETCH ${PAGE_ROWS} FROM backup_rows`));
      if (page.rows.length > 0) await file.write(`${page.rows.map((row) => row.line).join("\n")}\n`);
      rows += page.rows.length;
      if (page.rows.length < PAGE_ROWS) break;
    }
    await tx.execute(sql.raw("CLOSE backup_rows"));
    return { table, key, rows, ...(await file.close()) };
  } catch (error) {
    await file.abort(error);
    throw error;
  }
}

/**
 * Writes the backup: every backed-up table of the tenant from one snapshot (a repeatable-read
 * transaction, so the files agree with each other as the tables did), then the manifest, then marks it
 * completed and deletes the tenant's backups past the newest `keep`. A retried job writes it again over
 * the same keys; a completed or failed backup is left as it is.
 */
export async function runBackup(
  { session, config, env, log }: JobRuntime,
  tenantId: string,
  backupId: string,
): Promise<void> {
  const started = await session.tenant(tenantId, (db) =>
    moveBackup(db, tenantId, backupId, ["queued", "running"], { state: "running" }),
  );
  if (!started) return;
  const prefix = backupPrefixOf(tenantId, backupId);
  const files = await inLongTenantTransaction(
    config,
    log,
    tenantId,
    async (tx) => {
      const written: BackupFile[] = [];
      for (const table of BACKED_UP_TABLES)
        written.push(await writeTable(tx, env.FILES, prefix, tenantId, table.name));
      return written;
    },
    { readOnly: true },
  );
  const manifest: BackupManifest = {
    backup_id: backupId,
    tenant_id: tenantId,
    schema_version: SCHEMA_VERSION,
    created_at: started.createdAt.toISOString(),
    format: "ndjson+gzip",
    files,
  };
  await env.FILES.put(manifestKeyOf(tenantId, backupId), JSON.stringify(manifest, null, 2), {
    httpMetadata: { contentType: "application/json" },
  });
  const totals = {
    rows: files.reduce((sum, file) => sum + file.rows, 0),
    bytes: files.reduce((sum, file) => sum + file.bytes, 0),
  };
  await session.tenant(tenantId, (db) =>
    moveBackup(db, tenantId, backupId, ["running"], {
      state: "completed",
      manifest,
      ...totals,
      completedAt: new Date(),
    }),
  );
  log.info("backup written", { tables: files.length, ...totals });
  await pruneBackups(session, env.FILES, tenantId, config.backups.keep, log);
}
