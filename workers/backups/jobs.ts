import { z } from "zod";
import { defineJob, type JobRuntime } from "../queue/define-job.ts";
import { backupPrefixOf, moveBackup, moveRestore } from "./backups.ts";
import { deleteObjects } from "./prune.ts";
import { runBackup } from "./run-backup.ts";
import { runRestore } from "./run-restore.ts";

const BackupJobSchema = z.object({ tenant_id: z.uuid(), backup_id: z.uuid() });
type BackupJob = z.infer<typeof BackupJobSchema>;

const OUT_OF_RETRIES = "Its retries ran out; the last error is in the job's log.";

/** Writes one backup of a tenant to the bucket. */
export const backupRunJob = defineJob({
  type: "backups.run",
  kind: "long",
  payload: BackupJobSchema,
  run: (job, runtime) => runBackup(runtime, job.tenant_id, job.backup_id),
  // A backup given up on is failed, and whatever it wrote is removed: no half backup stays to restore.
  giveUp: async (job: BackupJob, { session, env }: JobRuntime) => {
    await deleteObjects(env.FILES, backupPrefixOf(job.tenant_id, job.backup_id));
    await session.tenant(job.tenant_id, (db) =>
      moveBackup(db, job.tenant_id, job.backup_id, ["queued", "running"], {
        state: "failed",
        failureReason: OUT_OF_RETRIES,
      }),
    );
  },
});

/** Restores a tenant's rows from one of its backups. */
export const backupRestoreJob = defineJob({
  type: "backups.restore",
  kind: "long",
  payload: BackupJobSchema,
  run: (job, runtime) => runRestore(runtime, job.tenant_id, job.backup_id),
  giveUp: async (job: BackupJob, { session }: JobRuntime) => {
    await session.tenant(job.tenant_id, (db) =>
      moveRestore(db, job.tenant_id, job.backup_id, ["queued", "running"], {
        restoreState: "failed",
        restoreFailureReason: OUT_OF_RETRIES,
      }),
    );
  },
});

export const backupJobs = [backupRunJob, backupRestoreJob] as const;
