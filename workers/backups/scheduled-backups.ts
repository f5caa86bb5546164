import { and, eq, notExists } from "drizzle-orm";
import type { Config } from "../config/config.ts";
import type { Env } from "../config/env.ts";
import { withDatabase } from "../db/client.ts";
import { tenants } from "../identity/tables.ts";
import type { Logger } from "../lib/log.ts";
import { tenantModules } from "../modules/tables.ts";
import { enqueueAll } from "../queue/enqueue.ts";
import type { JobContext } from "../queue/envelope.ts";
import { backupRunJob } from "./jobs.ts";
import { SCHEMA_VERSION } from "./schema-version.ts";
import { backups } from "./tables.ts";

/** What the six-hourly Cron tick hands over (a subset of jobs/cron.ts' CronTick). */
export type BackupTick = { scheduledAt: Date; env: Env; config: Config; log: Logger; context: JobContext };

/**
 * Every six hours: a backup of each tenant that has not switched the backups module off, recorded as the
 * tick's (one per tenant and tick, so a repeated tick adds none) and enqueued on the long-work queue.
 */
export async function enqueueScheduledBackups({ scheduledAt, env, config, log, context }: BackupTick) {
  const created = await withDatabase(
    config,
    async ({ db }) => {
      const due = await db
        .select({ id: tenants.id })
        .from(tenants)
        .where(
          notExists(
            db
              .select()
              .from(tenantModules)
              .where(
                and(
                  eq(tenantModules.tenantId, tenants.id),
                  eq(tenantModules.module, "backups"),
                  eq(tenantModules.enabled, false),
                ),
              ),
          ),
        );
      if (due.length === 0) return [];
      return db
        .insert(backups)
        .values(
          due.map((tenant) => ({
            tenantId: tenant.id,
            trigger: "scheduled" as const,
            scheduledFor: scheduledAt,
            schemaVersion: SCHEMA_VERSION,
          })),
        )
        .onConflictDoNothing({ target: [backups.tenantId, backups.scheduledFor] })
        .returning({ tenant_id: backups.tenantId, backup_id: backups.id });
    },
    log,
  );
  await enqueueAll(env, backupRunJob, created, context);
  log.info("scheduled backups enqueued", { count: created.length });
}
