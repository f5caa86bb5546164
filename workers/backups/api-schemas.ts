import { z } from "@hono/zod-openapi";
import { isoOrNull, timestamp } from "../http/api-schemas.ts";
import type { Backup } from "./backups.ts";
import { BACKUP_STATES, BACKUP_TRIGGERS, type BackupFile, RESTORE_STATES } from "./tables.ts";

export const backupPathOf = (id: string) => `/api/v1/backups/${id}`;

const downloadUrlOf = (backupId: string, table: string) =>
  `${backupPathOf(backupId)}/download?table=${encodeURIComponent(table)}`;

const BackupFileSchema = z
  .object({
    table: z.string(),
    key: z.string().openapi({ description: "The object's key in the bucket." }),
    rows: z.number().int(),
    bytes: z.number().int(),
    sha256: z.string().openapi({ description: "SHA-256 of the gzipped file, in hex." }),
  })
  .openapi("BackupFile");

export const BackupManifestSchema = z
  .object({
    backup_id: z.uuid(),
    tenant_id: z.uuid(),
    schema_version: z.string(),
    created_at: timestamp(),
    format: z.literal("ndjson+gzip"),
    files: z.array(BackupFileSchema),
  })
  .openapi("BackupManifest", {
    description:
      "What a backup holds: one gzipped NDJSON file per table (one row per line, every column as Postgres writes it in JSON), each with its row count and checksum.",
  });

export const BackupSchema = z
  .object({
    id: z.uuid(),
    trigger: z.enum(BACKUP_TRIGGERS),
    state: z.enum(BACKUP_STATES),
    schema_version: z
      .string()
      .openapi({ description: "The latest migration when the backup was taken; a restore needs the same." }),
    rows: z.number().int(),
    bytes: z.number().int(),
    failure_reason: z.string().nullable(),
    files: z.array(
      BackupFileSchema.omit({ key: true }).extend({
        download_url: z.string().openapi({ description: "Where the file is downloaded." }),
      }),
    ),
    manifest_url: z.string().openapi({ description: "Where the manifest is downloaded." }),
    restore: z
      .object({
        state: z.enum(RESTORE_STATES),
        requested_at: timestamp().nullable(),
        restored_at: timestamp().nullable(),
        failure_reason: z.string().nullable(),
      })
      .nullable()
      .openapi({ description: "The last restore asked of this backup; null if none was." }),
    created_at: timestamp(),
    completed_at: timestamp().nullable(),
  })
  .openapi("Backup");

export const DownloadQuerySchema = z.object({
  table: z
    .string()
    .min(1)
    .max(63)
    .optional()
    .openapi({ description: "The table whose file to download; without it, the manifest." }),
});

const renderFile = (backupId: string, { table, rows, bytes, sha256 }: BackupFile) => ({
  table,
  rows,
  bytes,
  sha256,
  download_url: downloadUrlOf(backupId, table),
});

export const renderBackup = (backup: Backup) => ({
  id: backup.id,
  trigger: backup.trigger,
  state: backup.state,
  schema_version: backup.schemaVersion,
  rows: backup.rows,
  bytes: backup.bytes,
  failure_reason: backup.failureReason,
  files: backup.manifest?.files.map((file) => renderFile(backup.id, file)) ?? [],
  manifest_url: `${backupPathOf(backup.id)}/download`,
  restore: backup.restoreState
    ? {
        state: backup.restoreState,
        requested_at: isoOrNull(backup.restoreRequestedAt),
        restored_at: isoOrNull(backup.restoredAt),
        failure_reason: backup.restoreFailureReason,
      }
    : null,
  created_at: backup.createdAt.toISOString(),
  completed_at: isoOrNull(backup.completedAt),
});
