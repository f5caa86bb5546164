import { sql } from "drizzle-orm";
import { isDatabaseUnavailable } from "../db/failures.ts";
import { errorFields } from "../lib/log.ts";
import type { JobRuntime } from "../queue/define-job.ts";
import { type Backup, moveRestore } from "./backups.ts";
import { gzipLines } from "./bucket-files.ts";
import { SCHEMA_VERSION } from "./schema-version.ts";
import type { BackupFile } from "./tables.ts";
import { BACKED_UP_TABLES } from "./tenant-tables.ts";
import { inLongTenantTransaction, type Transaction } from "./tenant-transaction.ts";

/** Rows per INSERT, and about how many characters of JSON: a statement's size stays bounded. */
const INSERT_ROWS = 1000;
const INSERT_CHARS = 1024 * 1024;

/** A restore that cannot succeed however often it is retried: it is marked failed with the reason. */
class RestoreRefused extends Error {}

/** Inserts one file's rows, then checks the file was the one the manifest describes. */
async function restoreTable(tx: Transaction, bucket: R2Bucket, file: BackupFile): Promise<void> {
  const object = await bucket.get(file.key);
  if (!object) throw new RestoreRefused(`The file of ${file.table} is missing from the bucket.`);
  const table = sql.identifier(file.table);
  const batches = gzipLines(object, INSERT_ROWS, INSERT_CHARS);
  let rows = 0;
  for (;;) {
    const next = await batches.next();
    if (next.done) {
      if (next.value !== file.sha256)
        throw new RestoreRefused(`The file of ${file.table} does not match its checksum in the manifest.`);
      break;
    }
    rows += next.value.length;
    // The lines go back as Postgres wrote them, never parsed here, so no value loses a digit on the way.
    await tx.execute(
      sql`INSERT INTO ${table} SELECT * FROM jsonb_populate_recordset(NULL::${table}, ${`[${next.value.join(",")}]`}::jsonb)`,
    );
  }
  if (rows !== file.rows)
    throw new RestoreRefused(`The file of ${file.table} holds ${rows} rows; the manifest says ${file.rows}.`);
}

/** The backup's files in the order a restore inserts them: parents before the rows that reference them. */
function filesInOrder(backup: Backup): BackupFile[] {
  const files = new Map(backup.manifest?.files.map((file) => [file.table, file]));
  const unknown = [...files.keys()].filter(
    (table) => !BACKED_UP_TABLES.some((known) => known.name === table),
  );
  if (unknown.length > 0)
    throw new RestoreRefused(
      `The manifest names tables this schema has no backup of: ${unknown.join(", ")}.`,
    );
  return BACKED_UP_TABLES.flatMap((table) => files.get(table.name) ?? []);
}

/**
 * Replaces the tenant's rows of every table in the backup with the backup's, in one transaction: all of
 * them, children first, are deleted, then each file is inserted, parents first, and checked against its
 * row count and checksum; any mismatch or refused row rolls it all back and leaves the data as it was.
 */
export async function runRestore(
  { session, config, env, log }: JobRuntime,
  tenantId: string,
  backupId: string,
): Promise<void> {
  const backup = await session.tenant(tenantId, (db) =>
    moveRestore(db, tenantId, backupId, ["queued", "running"], { restoreState: "running" }),
  );
  if (!backup) return;
  const fail = (reason: string) =>
    session.tenant(tenantId, (db) =>
      moveRestore(db, tenantId, backupId, ["running"], {
        restoreState: "failed",
        restoreFailureReason: reason,
      }),
    );
  try {
    if (backup.state !== "completed" || !backup.manifest)
      throw new RestoreRefused("The backup is not complete.");
    if (backup.schemaVersion !== SCHEMA_VERSION)
      throw new RestoreRefused(
        `The backup was taken at schema ${backup.schemaVersion}; the database is at ${SCHEMA_VERSION}.`,
      );
    const files = filesInOrder(backup);
    await inLongTenantTransaction(
      config,
      log,
      tenantId,
      async (tx) => {
        for (const file of [...files].reverse())
          await tx.execute(sql`DELETE FROM ${sql.identifier(file.table)} WHERE tenant_id = ${tenantId}`);
        for (const file of files) await restoreTable(tx, env.FILES, file);
      },
      { readOnly: false },
    );
  } catch (error) {
    // A lost connection may go better on a retry; anything else (a refused row, a bad file) would not.
    if (isDatabaseUnavailable(error)) throw error;
    log.warn("restore failed", errorFields(error));
    const reason = error instanceof Error ? error.message : String(error);
    await fail(error instanceof RestoreRefused ? reason : `A row was refused: ${reason}`);
    return;
  }
  await session.tenant(tenantId, (db) =>
    moveRestore(db, tenantId, backupId, ["running"], { restoreState: "completed", restoredAt: new Date() }),
  );
  log.info("backup restored", { rows: backup.rows });
}
