import { createScheduledAudits, staleQueuedAudits } from "../audits/scheduled-audits.ts";
import { loadConfig } from "../config/config.ts";
import type { Env } from "../config/env.ts";
import { withDatabase } from "../db/client.ts";
import { log } from "../lib/log.ts";
import { recordTick } from "./cron-ticks.ts";

/**
 * The Cron Trigger: records the tick once and hands it to the queue, creates the audits that are due by
 * schedule (committed before their messages are sent, so a message never names a missing audit), and
 * sends again the messages of audits left queued too long.
 */
export async function handleScheduled(controller: ScheduledController, env: Env): Promise<void> {
  const config = loadConfig(env);
  const scheduledAt = new Date(controller.scheduledTime);
  const { runId, auditIds } = await withDatabase(config, async ({ db }) => ({
    runId: await recordTick(db, controller.cron, scheduledAt),
    // Idempotent, so a repeated tick runs it too: it picks up whatever an interrupted run left due.
    auditIds: [
      ...(await createScheduledAudits(db, scheduledAt)),
      ...(await staleQueuedAudits(db, new Date())),
    ],
  }));
  if (auditIds.length > 0) {
    await env.JOBS.sendBatch(auditIds.map((id) => ({ body: { type: "audit.run" as const, audit_id: id } })));
    log("info", "scheduled and stale audits enqueued", { count: auditIds.length });
  }
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
