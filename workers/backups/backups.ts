import { desc, eq, inArray, isNull, lt, notInArray, or, type SQL } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { findTenantRow, tenantRow, tenantRows, updateTenantRow } from "../db/tenant-rows.ts";
import { listTenantRows, type Page } from "../http/pagination.ts";
import { SCHEMA_VERSION } from "./schema-version.ts";
import { type BACKUP_TRIGGERS, type BackupState, backups, type RestoreState } from "./tables.ts";

export type Backup = typeof backups.$inferSelect;
export type BackupChanges = Partial<typeof backups.$inferInsert>;

/** Where a backup's objects live in the bucket: under the domain, the tenant and the backup. */
export const backupPrefixOf = (tenantId: string, backupId: string) => `backups/${tenantId}/${backupId}/`;

export async function createBackup(
  db: Database,
  tenantId: string,
  trigger: (typeof BACKUP_TRIGGERS)[number],
): Promise<Backup> {
  const [backup] = await db
    .insert(backups)
    .values({ tenantId, trigger, schemaVersion: SCHEMA_VERSION })
    .returning();
  if (!backup) throw new Error("insert returned no backup");
  return backup;
}

export const findBackup = (db: Database, tenantId: string, id: string): Promise<Backup | null> =>
  findTenantRow(db, backups, tenantId, id);

export const listBackups = (db: Database, tenantId: string, page: Page): Promise<Backup[]> =>
  listTenantRows(db, backups, tenantId, page);

/** Changes the backup while `condition` holds; null when it does not (or there is no such backup). */
async function changeWhile(
  db: Database,
  tenantId: string,
  id: string,
  condition: SQL,
  changes: BackupChanges,
): Promise<Backup | null> {
  return updateTenantRow(db, backups, tenantId, id, changes, condition);
}

/** Moves the backup on from one of `states`; null when it is in none (or is no backup of the tenant). */
export const moveBackup = (
  db: Database,
  tenantId: string,
  id: string,
  states: readonly BackupState[],
  changes: BackupChanges,
) => changeWhile(db, tenantId, id, inArray(backups.state, [...states]), changes);

/** Moves the backup's restore on from one of `states`, likewise. */
export const moveRestore = (
  db: Database,
  tenantId: string,
  id: string,
  states: readonly RestoreState[],
  changes: BackupChanges,
) => changeWhile(db, tenantId, id, inArray(backups.restoreState, [...states]), changes);

/** What asking for a restore came to, for the route to answer. */
export type RestoreRequest =
  | { outcome: "queued"; backup: Backup }
  | { outcome: "not_found" }
  | { outcome: "not_completed"; backup: Backup }
  | { outcome: "restoring"; backup: Backup }
  | { outcome: "other_schema"; backup: Backup };

const RESTORING: RestoreState[] = ["queued", "running"];

/** Marks a completed backup of the current schema for restoring, unless a restore of it already runs. */
export async function requestRestore(db: Database, tenantId: string, id: string): Promise<RestoreRequest> {
  const [backup] = await db
    .select()
    .from(backups)
    .where(tenantRow(backups, tenantId, id))
    .for("update");
  if (!backup) return { outcome: "not_found" };
  if (backup.state !== "completed") return { outcome: "not_completed", backup };
  if (backup.schemaVersion !== SCHEMA_VERSION) return { outcome: "other_schema", backup };
  if (backup.restoreState && RESTORING.includes(backup.restoreState)) return { outcome: "restoring", backup };
  const [queued] = await db
    .update(backups)
    .set({
      restoreState: "queued",
      restoreRequestedAt: new Date(),
      restoredAt: null,
      restoreFailureReason: null,
    })
    .where(eq(backups.id, id))
    .returning();
  if (!queued) throw new Error("backup vanished while locked");
  return { outcome: "queued", backup: queued };
}

/**
 * The tenant's backups past the newest `keep` completed ones: every one older than the oldest kept, except
 * one still being written or restored. These are what `pruneBackups` deletes.
 */
export async function backupsPastKept(db: Database, tenantId: string, keep: number) {
  const kept = await db
    .select({ id: backups.id })
    .from(backups)
    .where(tenantRows(backups, tenantId, eq(backups.state, "completed")))
    .orderBy(desc(backups.id))
    .limit(keep);
  const oldestKept = kept[kept.length - 1];
  if (kept.length < keep || !oldestKept) return [];
  return db
    .select({ id: backups.id })
    .from(backups)
    .where(
      tenantRows(
        backups,
        tenantId,
        lt(backups.id, oldestKept.id),
        notInArray(backups.state, ["queued", "running"]),
        or(isNull(backups.restoreState), notInArray(backups.restoreState, RESTORING)),
      ),
    );
}
