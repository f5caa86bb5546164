import type { Config } from "../config/config.ts";
import type { Env } from "../config/env.ts";
import { withDatabase } from "../db/client.ts";
import { tenants } from "../identity/tables.ts";
import type { Logger } from "../lib/log.ts";
import { enqueueAll } from "../queue/enqueue.ts";
import type { JobContext } from "../queue/envelope.ts";
import { reportGenerateJob } from "./jobs.ts";
import { previousUtcDay } from "./report-day.ts";

/** What the daily Cron tick hands over (a subset of jobs/cron.ts' CronTick). */
export type ReportTick = { scheduledAt: Date; env: Env; config: Config; log: Logger; context: JobContext };

/**
 * Daily: one report job per tenant for the UTC day before the tick's, on the long-work queue. A repeated
 * tick enqueues the same jobs, which regenerate the same rows and find their sends already logged.
 */
export async function enqueueDailyReports({ scheduledAt, env, config, log, context }: ReportTick) {
  const day = previousUtcDay(scheduledAt);
  const all = await withDatabase(config, ({ db }) => db.select({ tenant_id: tenants.id }).from(tenants), log);
  await enqueueAll(
    env,
    reportGenerateJob,
    all.map((tenant) => ({ ...tenant, day })),
    context,
  );
  log.info("daily reports enqueued", { count: all.length, day });
}
