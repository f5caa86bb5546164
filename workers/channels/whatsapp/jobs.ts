import { z } from "zod";
import { defineJob } from "../../queue/define-job.ts";
import { markUnsent } from "./messages.ts";
import { replyOnWhatsApp, sendOnWhatsApp } from "./replies.ts";

/** The assistant answers a WhatsApp message (stored as `message_id`) and the answer goes out through Twilio. */
export const whatsAppReplyJob = defineJob({
  type: "whatsapp.reply",
  kind: "short",
  payload: z.object({
    tenant_id: z.uuid(),
    conversation_id: z.uuid(),
    message_id: z.uuid(),
    status_callback: z.url(),
  }),
  run: (job, runtime) => replyOnWhatsApp(runtime, job),
});

/** A stored message of a WhatsApp conversation (an agent's) goes out through Twilio; giving up marks it failed. */
export const whatsAppSendJob = defineJob({
  type: "whatsapp.send",
  kind: "short",
  payload: z.object({ tenant_id: z.uuid(), message_id: z.uuid(), status_callback: z.url() }),
  run: (job, runtime) => sendOnWhatsApp(runtime, job.tenant_id, job.message_id, job.status_callback),
  giveUp: (job, { session }) => markUnsent(session.db, job.tenant_id, job.message_id),
});

export const whatsAppJobs = [whatsAppReplyJob, whatsAppSendJob] as const;
