import type { Config } from "../config/config.ts";
import type { Env } from "../config/env.ts";
import { withDatabase } from "../db/client.ts";
import { tenants } from "../identity/tables.ts";
import type { Logger } from "../lib/log.ts";
import { enqueueAll } from "../queue/enqueue.ts";
import type { JobContext } from "../queue/envelope.ts";
import { telemetryRetentionJob } from "./jobs.ts";

/** What the daily Cron tick hands over (a subset of jobs/cron.ts' CronTick). */
export type RetentionTick = { env: Env; config: Config; log: Logger; context: JobContext };

/** Daily: one cleaning job per tenant on the long-work queue (a tenant with nothing expired ends at once). */
export async function enqueueRetentionCleaning({ env, config, log, context }: RetentionTick) {
  const all = await withDatabase(config, ({ db }) => db.select({ tenant_id: tenants.id }).from(tenants), log);
  await enqueueAll(env, telemetryRetentionJob, all, context);
  log.info("telemetry retention enqueued", { count: all.length });
}
