import { bigint, index, jsonb, text, unique } from "drizzle-orm/pg-core";
import { at, timestamps } from "../db/columns.ts";
import { tenantTable } from "../identity/tables.ts";

export const BACKUP_STATES = ["queued", "running", "completed", "failed"] as const;
export type BackupState = (typeof BACKUP_STATES)[number];

/** A restore's progress; null until one is asked for. */
export const RESTORE_STATES = ["queued", "running", "completed", "failed"] as const;
export type RestoreState = (typeof RESTORE_STATES)[number];

export const BACKUP_TRIGGERS = ["scheduled", "manual"] as const;

/** One table's file in a backup, as the manifest lists it. */
export type BackupFile = { table: string; key: string; rows: number; bytes: number; sha256: string };

/** What a completed backup holds; written to R2 beside its files as `manifest.json` too. */
export type BackupManifest = {
  backup_id: string;
  tenant_id: string;
  schema_version: string;
  created_at: string;
  format: "ndjson+gzip";
  files: BackupFile[];
};

/**
 * A backup of a tenant's rows to the bucket (`backups/<tenant>/<id>/`), and the last restore asked of it.
 * Not itself backed up: a restore must not rewrite the record of the backups it restores from.
 */
export const backups = tenantTable(
  "backups",
  {
    trigger: text("trigger", { enum: BACKUP_TRIGGERS }).notNull(),
    /** The Cron tick a scheduled backup belongs to: one per tenant and tick, however often the tick runs. */
    scheduledFor: at("scheduled_for"),
    state: text("state", { enum: BACKUP_STATES }).notNull().default("queued"),
    /** The latest migration's tag when the backup was taken; a restore needs the same. */
    schemaVersion: text("schema_version").notNull(),
    manifest: jsonb("manifest").$type<BackupManifest>(),
    rows: bigint("rows", { mode: "number" }).notNull().default(0),
    bytes: bigint("bytes", { mode: "number" }).notNull().default(0),
    failureReason: text("failure_reason"),
    completedAt: at("completed_at"),
    restoreState: text("restore_state", { enum: RESTORE_STATES }),
    restoreRequestedAt: at("restore_requested_at"),
    restoredAt: at("restored_at"),
    restoreFailureReason: text("restore_failure_reason"),
    ...timestamps(),
  },
  (table) => [
    index("backups_tenant_idx").on(table.tenantId, table.id),
    unique("backups_scheduled_key").on(table.tenantId, table.scheduledFor),
  ],
);
