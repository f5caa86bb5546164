import { evaluateRulesEveryMinute } from "../alerts/jobs.ts";
import { auditRunJob } from "../audits/jobs.ts";
import { createScheduledAudits, staleQueuedAudits } from "../audits/scheduled-audits.ts";
import { enqueueScheduledBackups } from "../backups/scheduled-backups.ts";
import { type Config, loadConfig } from "../config/config.ts";
import type { Env } from "../config/env.ts";
import { withDatabase } from "../db/client.ts";
import { deleteExpiredKeys } from "../http/idempotency-keys.ts";
import { Logger } from "../lib/log.ts";
import { uuidv7 } from "../lib/uuid.ts";
import { enqueue, enqueueAll } from "../queue/enqueue.ts";
import { enqueueDailyReports } from "../reports/scheduled-reports.ts";
import { rankTrackJob } from "../reputation/jobs.ts";
import { dueRankTracking } from "../reputation/tracking.ts";
import { enqueueRetentionCleaning } from "../telemetry/scheduled-retention.ts";
import { schedulerTickJob } from "./cron-jobs.ts";
import { recordTick } from "./cron-ticks.ts";

/** Idempotency keys past their 24 hours forgotten per tick: bounded, so a backlog is worked off over ticks. */
const EXPIRED_KEYS_PER_TICK = 5000;

/** What a Cron Trigger's work needs: the tick's time, its bindings, configuration and a logger. */
export interface CronTick {
  cron: string;
  scheduledAt: Date;
  env: Env;
  config: Config;
  log: Logger;
  /** The invocation's id stands in for a request id: the jobs it enqueues name it in their logs. */
  context: { request_id: string };
}

/**
 * The work of each Cron Trigger in `wrangler.toml`, keyed by its expression. Each domain's periodic work is
 * one entry here, so a trigger added to `wrangler.toml` without its entry is reported, never silently idle.
 */
const CRON_WORK: Readonly<Record<string, (tick: CronTick) => Promise<void>>> = {
  "*/5 * * * *": everyFiveMinutes,
  "0 */6 * * *": enqueueScheduledBackups,
  "15 3 * * *": daily,
  "* * * * *": evaluateRulesEveryMinute,
};

/**
 * A trigger's expression without the `#label` a caller may add after it (the tests give each run its own
 * label so their recorded ticks never meet).
 */
export function cronExpressionOf(cron: string): string {
  return cron.split("#")[0]?.trim() ?? "";
}

/** The Cron Trigger entry: hands the tick to the work declared for its expression. */
export async function handleScheduled(controller: ScheduledController, env: Env): Promise<void> {
  const scheduledAt = new Date(controller.scheduledTime);
  const context = { request_id: uuidv7() };
  const log = new Logger({ ...context, cron: controller.cron, scheduled_at: scheduledAt.toISOString() });
  const work = CRON_WORK[cronExpressionOf(controller.cron)];
  if (work === undefined) {
    log.warn("no work is declared for this cron expression", { known: Object.keys(CRON_WORK) });
    return;
  }
  await work({ cron: controller.cron, scheduledAt, env, config: loadConfig(env), log, context });
}

/**
 * Daily (one trigger for both, as Cloudflare limits their number): telemetry retention, and each tenant's
 * report of the day before.
 */
async function daily(tick: CronTick): Promise<void> {
  await enqueueRetentionCleaning(tick);
  await enqueueDailyReports(tick);
}

/**
 * Every five minutes: records the tick once and hands it to the queue, creates the audits that are due by
 * schedule (committed before their messages are sent, so a message never names a missing audit), sends
 * again the messages of audits left queued too long, and enqueues the rank lookups of projects that are due.
 */
async function everyFiveMinutes({ cron, scheduledAt, env, config, log, context }: CronTick): Promise<void> {
  const { runId, auditIds, expiredKeys, rankTracking } = await withDatabase(
    config,
    async ({ db }) => ({
      runId: await recordTick(db, cron, scheduledAt),
      // Idempotent, so a repeated tick runs it too: it picks up whatever an interrupted run left due.
      auditIds: [
        ...(await createScheduledAudits(db, scheduledAt)),
        ...(await staleQueuedAudits(db, new Date())),
      ],
      expiredKeys: await deleteExpiredKeys(db, EXPIRED_KEYS_PER_TICK),
      rankTracking: await dueRankTracking(db, scheduledAt),
    }),
    log,
  );
  if (expiredKeys > 0) log.info("expired idempotency keys deleted", { count: expiredKeys });
  if (auditIds.length > 0) {
    await enqueueAll(
      env,
      auditRunJob,
      auditIds.map((id) => ({ audit_id: id })),
      context,
    );
    log.info("scheduled and stale audits enqueued", { count: auditIds.length });
  }
  if (rankTracking.length > 0) {
    await enqueueAll(env, rankTrackJob, rankTracking, context);
    log.info("rank tracking enqueued", { count: rankTracking.length });
  }
  if (runId === null) {
    log.info("cron tick already recorded");
    return;
  }
  await enqueue(env, schedulerTickJob, { run_id: runId }, context);
  log.info("cron tick enqueued", { run_id: runId });
}
