import { eq, isNull } from "drizzle-orm";
import { nextMessageId } from "../../conversations/messages.ts";
import { contacts, conversations, type MediaReference, messages } from "../../conversations/tables.ts";
import type { Database } from "../../db/client.ts";
import { firstRow } from "../../db/first-row.ts";
import { tenantRow, tenantRowsWith } from "../../db/tenant-rows.ts";
import { nextStatus } from "./status.ts";
import { MESSAGE_STATUSES, type MessageStatus } from "./wire.ts";

/**
 * Stores what the contact sent, once per Twilio MessageSid: a redelivered webhook inserts nothing and
 * returns null. The conversation's last activity moves only when something was stored.
 */
export async function storeInboundMessage(
  db: Database,
  tenantId: string,
  conversationId: string,
  inbound: { messageSid: string; text: string; media: MediaReference[] },
): Promise<{ id: string } | null> {
  const now = new Date();
  const [stored] = await db
    .insert(messages)
    .values({
      id: nextMessageId(),
      tenantId,
      conversationId,
      role: "visitor",
      text: inbound.text,
      externalId: inbound.messageSid,
      media: inbound.media.length > 0 ? inbound.media : null,
      createdAt: now,
    })
    .onConflictDoNothing({ target: messages.externalId })
    .returning({ id: messages.id });
  if (!stored) return null;
  await db
    .update(conversations)
    .set({ lastMessageAt: now })
    .where(tenantRow(conversations, tenantId, conversationId));
  return stored;
}

/** The message stored under the sender's own id in the conversation, if any. */
export async function messageByClientId(
  db: Database,
  tenantId: string,
  conversationId: string,
  clientMessageId: string,
): Promise<{ id: string } | null> {
  const [row] = await db
    .select({ id: messages.id })
    .from(messages)
    .where(tenantRowsWith(messages, tenantId, { conversationId, clientMessageId }));
  return row ?? null;
}

export type OutboundMessage = {
  text: string;
  externalId: string | null;
  channel: string;
  /** The tenant's number, which the message goes out from. */
  from: string | null;
  /** The contact's number. */
  to: string | null;
};

/** A stored message with the numbers it travels between, to send it through Twilio. */
export const outboundMessage = (db: Database, tenantId: string, messageId: string) =>
  firstRow<OutboundMessage>(
    db
      .select({
        text: messages.text,
        externalId: messages.externalId,
        channel: conversations.channel,
        from: conversations.localAddress,
        to: contacts.address,
      })
      .from(messages)
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .innerJoin(contacts, eq(contacts.id, conversations.contactId))
      .where(tenantRow(messages, tenantId, messageId)),
  );

/** What Twilio answered when the message was handed to it: its sid and first status. */
export async function recordSent(
  db: Database,
  tenantId: string,
  messageId: string,
  sent: { sid: string; status: string },
): Promise<void> {
  await db
    .update(messages)
    .set({ externalId: sent.sid, externalStatus: sent.status })
    .where(tenantRow(messages, tenantId, messageId));
}

/** Twilio refused the message, or never took it: it is marked failed (unless it was sent after all). */
export async function markUnsent(db: Database, tenantId: string, messageId: string): Promise<void> {
  await db
    .update(messages)
    .set({ externalStatus: "failed" })
    .where(tenantRow(messages, tenantId, messageId, isNull(messages.externalId)));
}

const isMessageStatus = (status: string | null): status is MessageStatus =>
  (MESSAGE_STATUSES as readonly (string | null)[]).includes(status);

/**
 * Applies a delivery status callback to the message Twilio names, never moving it backwards; returns the
 * status kept, or null when no message has this sid. System work: Twilio's sid, not a tenant, names the
 * message, and the request is signed by Twilio. The row is locked so concurrent callbacks apply in turn.
 */
export function applyDeliveryStatus(
  db: Database,
  messageSid: string,
  reported: MessageStatus,
): Promise<MessageStatus | null> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({ id: messages.id, status: messages.externalStatus })
      .from(messages)
      .where(eq(messages.externalId, messageSid))
      .for("update");
    if (!row) return null;
    const current = isMessageStatus(row.status) ? row.status : "accepted";
    const kept = nextStatus(current, reported);
    if (kept !== row.status) {
      await tx
        .update(messages)
        .set({
          externalStatus: kept,
          ...(kept === "delivered" || kept === "read" ? { delivery: kept } : {}),
        })
        .where(eq(messages.id, row.id));
    }
    return kept;
  });
}
