import { HISTORY_LIMIT, streamAssistantReply } from "../../assistants/replies.ts";
import { getConversation } from "../../conversations/conversations.ts";
import { recentMessages, storeMessage } from "../../conversations/messages.ts";
import type { JobRuntime } from "../../queue/define-job.ts";
import { answeringAssistant } from "../numbers/numbers.ts";
import { TwilioRejected, twilioClient } from "../twilio/client.ts";
import { markUnsent, messageByClientId, outboundMessage, recordSent } from "./messages.ts";

/**
 * Sends a stored message of a WhatsApp conversation through Twilio, once: a message that already has a
 * Twilio sid is not sent again (a redelivered job). Twilio being unavailable throws, so the queue retries;
 * Twilio refusing the message marks it failed, since sending it again would be refused again.
 */
export async function sendOnWhatsApp(
  { session, config, log }: JobRuntime,
  tenantId: string,
  messageId: string,
  statusCallback: string,
): Promise<void> {
  const message = await session.tenant(tenantId, (db) => outboundMessage(db, tenantId, messageId), {
    readOnly: true,
  });
  if (!message || message.externalId || message.channel !== "whatsapp") return;
  if (!message.from || !message.to) throw new Error("a WhatsApp conversation without its numbers");
  const twilio = twilioClient(config);
  if (!twilio) throw new Error("Twilio is not configured: TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN");
  try {
    const sent = await twilio.sendWhatsApp({
      from: message.from,
      to: message.to,
      body: message.text,
      statusCallback,
    });
    await session.tenant(tenantId, (db) => recordSent(db, tenantId, messageId, sent));
  } catch (error) {
    if (!(error instanceof TwilioRejected)) throw error;
    log.warn("Twilio refused a WhatsApp message", { message_id: messageId, status: error.status });
    await session.tenant(tenantId, (db) => markUnsent(db, tenantId, messageId));
  }
}

/** A contact's stored message the assistant is to answer, and where Twilio reports the reply's status. */
export type ReplyRequest = {
  tenant_id: string;
  conversation_id: string;
  message_id: string;
  status_callback: string;
};

/**
 * The assistant answers the contact's message, as in webchat: the number's assistant (or the tenant's
 * enabled one) through OpenAI, the labelled fallback when the model cannot answer, and silence once a
 * person has taken the conversation over. The reply is stored under an id derived from the message it
 * answers, so a redelivered job neither answers twice nor sends twice.
 */
export async function replyOnWhatsApp(runtime: JobRuntime, job: ReplyRequest): Promise<void> {
  const { session, config, log } = runtime;
  const { tenant_id: tenantId, conversation_id: conversationId } = job;
  const replyKey = `reply-to:${job.message_id}`;
  const context = await session.tenant(
    tenantId,
    async (db) => {
      // A retry after the reply was stored but not sent only sends it: the model is not asked twice.
      const earlier = await messageByClientId(db, tenantId, conversationId, replyKey);
      if (earlier) return { earlier };
      const conversation = await getConversation(db, tenantId, conversationId);
      if (conversation?.status !== "open" || conversation.assignedUserId) return null;
      const assistant = await answeringAssistant(db, tenantId, "whatsapp", conversation.localAddress);
      if (!assistant) return null;
      return { assistant, history: await recentMessages(db, tenantId, conversationId, HISTORY_LIMIT) };
    },
    { readOnly: true },
  );
  if (!context) return;
  if (context.earlier) {
    await sendOnWhatsApp(runtime, tenantId, context.earlier.id, job.status_callback);
    return;
  }
  const reply = await streamAssistantReply(config, context.assistant, context.history, () => undefined, log);
  const stored = await session.tenant(tenantId, (db) =>
    storeMessage(db, tenantId, conversationId, {
      role: "assistant",
      text: reply.text,
      source: reply.source,
      clientMessageId: replyKey,
    }),
  );
  if (!("message" in stored)) return;
  await sendOnWhatsApp(runtime, tenantId, stored.message.id, job.status_callback);
}
