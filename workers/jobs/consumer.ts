import { failAudit } from "../audits/audits.ts";
import { runAudit } from "../audits/run-audit.ts";
import { markUnsent } from "../channels/whatsapp/messages.ts";
import { replyOnWhatsApp, sendOnWhatsApp } from "../channels/whatsapp/replies.ts";
import { type Config, loadConfig } from "../config/config.ts";
import type { Env } from "../config/env.ts";
import { type Database, type DatabaseSession, withDatabase } from "../db/client.ts";
import { errorFields, log } from "../lib/log.ts";
import { markTickConsumed } from "./cron-ticks.ts";
import { type JobMessage, JobMessageSchema } from "./messages.ts";

export const DEAD_LETTER_QUEUE = "borde-jobs-dlq";

async function runJob(session: DatabaseSession, config: Config, job: JobMessage): Promise<void> {
  switch (job.type) {
    case "scheduler.tick":
      await markTickConsumed(session.db, job.run_id);
      return;
    case "audit.run":
      await runAudit(session.db, config, job.audit_id);
      return;
    case "whatsapp.reply":
      await replyOnWhatsApp(session, config, job);
      return;
    case "whatsapp.send":
      await sendOnWhatsApp(session, config, job.tenant_id, job.message_id, job.status_callback);
      return;
  }
}

/**
 * What a job that ran out of retries leaves behind: an audit says it failed, and why; a WhatsApp message
 * Twilio never took is marked failed.
 */
async function giveUpOn(db: Database, job: JobMessage): Promise<void> {
  if (job.type === "audit.run") {
    await failAudit(db, job.audit_id, "The audit could not be run: its retries ran out.");
  }
  if (job.type === "whatsapp.send") {
    await markUnsent(db, job.tenant_id, job.message_id);
  }
}

/** Exponential backoff with a ceiling: 10 s, 20 s, 40 s … at most 10 minutes. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(600, 10 * 2 ** Math.max(0, attempts - 1));
}

/**
 * The JOBS consumer. A malformed message is acknowledged and logged (retrying cannot fix it); a job that
 * throws is retried with backoff, and after max_retries the queue moves it to the dead-letter queue.
 */
export async function handleQueue(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const config = loadConfig(env);
  if (batch.queue === DEAD_LETTER_QUEUE) {
    await withDatabase(config, async ({ db }) => {
      for (const message of batch.messages) {
        log("error", "job dead-lettered", {
          message_id: message.id,
          attempts: message.attempts,
          body: message.body,
        });
        const parsed = JobMessageSchema.safeParse(message.body);
        try {
          if (parsed.success) await giveUpOn(db, parsed.data);
          message.ack();
        } catch (error) {
          log("warn", "dead-lettered job not recorded, will retry", errorFields(error));
          message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
        }
      }
    });
    return;
  }
  await withDatabase(config, async (session) => {
    for (const message of batch.messages) {
      const parsed = JobMessageSchema.safeParse(message.body);
      if (!parsed.success) {
        log("error", "job message rejected", { message_id: message.id, issues: parsed.error.issues });
        message.ack();
        continue;
      }
      try {
        await runJob(session, config, parsed.data);
        message.ack();
      } catch (error) {
        log("warn", "job failed, will retry", {
          message_id: message.id,
          type: parsed.data.type,
          attempts: message.attempts,
          ...errorFields(error),
        });
        message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
      }
    }
  });
}
