import { openPhoneConversation } from "../../conversations/conversations.ts";
import type { DatabaseSession } from "../../db/client.ts";
import { routeNumber } from "../numbers/numbers.ts";
import { storeInboundMessage } from "./messages.ts";
import type { InboundMessage } from "./wire.ts";

export type InboundOutcome =
  | { outcome: "unknown_number" }
  | { outcome: "duplicate" }
  | { outcome: "stored"; tenantId: string; conversationId: string; messageId: string };

/**
 * Stores an inbound WhatsApp message in the tenant that owns the number it was sent to, in the contact's
 * open `whatsapp` conversation, in one transaction. Nothing is stored for a number no tenant has, and
 * nothing again for a MessageSid already stored (Twilio retries).
 */
export async function receiveWhatsApp(
  session: DatabaseSession,
  inbound: InboundMessage,
): Promise<InboundOutcome> {
  const number = await routeNumber(session.db, "whatsapp", inbound.to);
  if (!number) return { outcome: "unknown_number" };
  const tenantId = number.tenantId;
  try {
    return await session.tenant(tenantId, async (db): Promise<InboundOutcome> => {
      const conversation = await openPhoneConversation(db, tenantId, "whatsapp", {
        address: inbound.from,
        localAddress: inbound.to,
        name: inbound.profile_name,
      });
      const stored = await storeInboundMessage(db, tenantId, conversation.id, {
        messageSid: inbound.message_sid,
        text: inbound.body,
        media: inbound.media,
      });
      // Rolled back: a redelivery must not leave a contact update or a new conversation behind.
      if (!stored) throw new RedeliveredMessage();
      return { outcome: "stored", tenantId, conversationId: conversation.id, messageId: stored.id };
    });
  } catch (error) {
    if (error instanceof RedeliveredMessage) return { outcome: "duplicate" };
    throw error;
  }
}

class RedeliveredMessage extends Error {
  override name = "RedeliveredMessage";
}
