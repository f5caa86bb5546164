import { z } from "zod";
import type { Config } from "../config/config.ts";
import type { Env } from "../config/env.ts";
import { withDatabase } from "../db/client.ts";
import type { Logger } from "../lib/log.ts";
import { defineJob } from "../queue/define-job.ts";
import { enqueueAll } from "../queue/enqueue.ts";
import type { JobContext } from "../queue/envelope.ts";
import { isTransition } from "./alert-states.ts";
import { planNotifications, sendNotification } from "./notifications.ts";
import { evaluateRuleBatch, notifiedTenants, ruleBatches } from "./rule-evaluation.ts";

/** Evaluates one batch of a tenant's rules at a tick's instant: seconds of work, so on the short queue. */
export const evaluateRulesJob = defineJob({
  type: "alerts.evaluate_rules",
  kind: "short",
  payload: z.object({
    tenant_id: z.uuid(),
    first_rule_id: z.uuid(),
    last_rule_id: z.uuid(),
    at: z.iso.datetime(),
  }),
  run: async (job, { session, log }) => {
    const batch = { tenantId: job.tenant_id, firstRuleId: job.first_rule_id, lastRuleId: job.last_rule_id };
    const outcome = await session.tenant(job.tenant_id, (db) =>
      evaluateRuleBatch(db, batch, new Date(job.at)),
    );
    log.info("alert rules evaluated", {
      rules: outcome.rules,
      alerts_changed: outcome.writes.length,
      transitions: outcome.writes.filter(isTransition).length,
    });
  },
});

/** Sends one logged notification, signed; a receiver that fails it gets it again with the queue's backoff. */
export const sendNotificationJob = defineJob({
  type: "alerts.send_notification",
  kind: "short",
  payload: z.object({ tenant_id: z.uuid(), notification_id: z.uuid() }),
  run: async (job, { session, log }) => {
    const outcome = await sendNotification(session, job.tenant_id, job.notification_id);
    log.info("alert notification", { outcome });
  },
});

/** Decides what the tenant's channels are told at a minute, and enqueues each notification's send. */
export const notifyJob = defineJob({
  type: "alerts.notify",
  kind: "short",
  payload: z.object({ tenant_id: z.uuid(), at: z.iso.datetime() }),
  run: async (job, { session, env, log }) => {
    const ids = await session.tenant(job.tenant_id, (db) =>
      planNotifications(db, job.tenant_id, new Date(job.at)),
    );
    await enqueueAll(
      env,
      sendNotificationJob,
      ids.map((id) => ({ tenant_id: job.tenant_id, notification_id: id })),
      job.context ?? { request_id: job.at },
    );
    if (ids.length > 0) log.info("alert notifications logged", { count: ids.length });
  },
});

export const alertJobs = [evaluateRulesJob, notifyJob, sendNotificationJob] as const;

/** A queue takes at most this many messages in one send. */
const MESSAGES_PER_SEND = 100;

/**
 * Every minute: every tenant's enabled rules, in batches, go to the queue to be evaluated at the tick's
 * minute, and every tenant with a channel gets its notifications decided. A repeated tick of the same
 * minute enqueues the same work, which finds its rules evaluated and its notifications logged. The
 * notifications of a minute may be decided before all its evaluations ran: what they miss is told a minute later.
 */
export async function evaluateRulesEveryMinute(tick: {
  scheduledAt: Date;
  env: Env;
  config: Config;
  log: Logger;
  context: JobContext;
}): Promise<void> {
  const at = new Date(Math.floor(tick.scheduledAt.getTime() / 60_000) * 60_000).toISOString();
  const { batches, tenants } = await withDatabase(
    tick.config,
    async ({ db }) => ({ batches: await ruleBatches(db), tenants: await notifiedTenants(db) }),
    tick.log,
  );
  for (let start = 0; start < batches.length; start += MESSAGES_PER_SEND) {
    const payloads = batches.slice(start, start + MESSAGES_PER_SEND).map((batch) => ({
      tenant_id: batch.tenantId,
      first_rule_id: batch.firstRuleId,
      last_rule_id: batch.lastRuleId,
      at,
    }));
    await enqueueAll(tick.env, evaluateRulesJob, payloads, tick.context);
  }
  for (let start = 0; start < tenants.length; start += MESSAGES_PER_SEND) {
    const payloads = tenants
      .slice(start, start + MESSAGES_PER_SEND)
      .map((tenantId) => ({ tenant_id: tenantId, at }));
    await enqueueAll(tick.env, notifyJob, payloads, tick.context);
  }
  if (batches.length > 0) tick.log.info("alert rule evaluations enqueued", { batches: batches.length, at });
}
