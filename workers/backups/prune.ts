import { inArray } from "drizzle-orm";
import type { DatabaseSession } from "../db/client.ts";
import { tenantRows } from "../db/tenant-rows.ts";
import type { Logger } from "../lib/log.ts";
import { backupPrefixOf, backupsPastKept } from "./backups.ts";
import { backups } from "./tables.ts";

/** Deletes every object under `prefix`, a listing page (at most 1,000 keys) per call. */
export async function deleteObjects(bucket: R2Bucket, prefix: string): Promise<void> {
  let cursor: string | undefined;
  do {
    const listing = await bucket.list({ prefix, cursor });
    if (listing.objects.length > 0) await bucket.delete(listing.objects.map((object) => object.key));
    cursor = listing.truncated ? listing.cursor : undefined;
  } while (cursor);
}

/**
 * Keeps the tenant's newest `keep` completed backups: older ones lose their objects first, then their
 * rows, so a backup listed is always one whose files exist (or are being written).
 */
export async function pruneBackups(
  session: DatabaseSession,
  bucket: R2Bucket,
  tenantId: string,
  keep: number,
  log: Logger,
): Promise<void> {
  const old = await session.tenant(tenantId, (db) => backupsPastKept(db, tenantId, keep), { readOnly: true });
  if (old.length === 0) return;
  for (const backup of old) await deleteObjects(bucket, backupPrefixOf(tenantId, backup.id));
  const ids = old.map((backup) => backup.id);
  await session.tenant(tenantId, (db) =>
    db.delete(backups).where(tenantRows(backups, tenantId, inArray(backups.id, ids))),
  );
  log.info("old backups deleted", { count: ids.length, kept: keep });
}
