import type { Env } from "../config/env.ts";
import type { Conversation } from "../conversations/conversations.ts";
import { enqueue } from "../queue/enqueue.ts";
import type { JobContext } from "../queue/envelope.ts";
import { whatsAppSendJob } from "./whatsapp/jobs.ts";
import { statusCallbackUrl } from "./whatsapp/status.ts";

/**
 * A person's answer reaches a contact who is not on a socket through the contact's channel: a WhatsApp
 * contact's through Twilio, by the short-jobs queue, reported to the status route on `origin` (the API as the
 * person reached it). Webchat visitors have it on their socket already; a call is not answered in writing.
 */
export async function handOffAnswer(
  env: Env,
  conversation: Conversation,
  messageId: string,
  origin: string,
  context: JobContext,
): Promise<void> {
  if (conversation.channel !== "whatsapp") return;
  await enqueue(
    env,
    whatsAppSendJob,
    { tenant_id: conversation.tenantId, message_id: messageId, status_callback: statusCallbackUrl(origin) },
    context,
  );
}
