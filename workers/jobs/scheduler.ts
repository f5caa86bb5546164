import { loadConfig } from "../config/config.ts";
import type { Env } from "../config/env.ts";
import { withDatabase } from "../db/client.ts";
import { log } from "../lib/log.ts";
import { recordTick } from "./scheduler-runs.ts";

/** The Cron Trigger: records the tick once and hands the work to the queue, where retries live. */
export async function handleScheduled(controller: ScheduledController, env: Env): Promise<void> {
  const config = loadConfig(env);
  const scheduledAt = new Date(controller.scheduledTime);
  const runId = await withDatabase(config, ({ db }) => recordTick(db, controller.cron, scheduledAt));
  if (runId === null) {
    log("info", "cron tick already recorded", {
      cron: controller.cron,
      scheduled_at: scheduledAt.toISOString(),
    });
    return;
  }
  await env.JOBS.send({ type: "scheduler.tick", run_id: runId });
  log("info", "cron tick enqueued", {
    cron: controller.cron,
    scheduled_at: scheduledAt.toISOString(),
    run_id: runId,
  });
}
