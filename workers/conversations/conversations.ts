import { desc, sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { equalTo, findTenantRow, tenantRow, tenantRowsWith } from "../db/tenant-rows.ts";
import { listTenantRows, type Page } from "../http/pagination.ts";
import {
  type Channel,
  type ConversationStatus,
  contacts,
  conversationEvents,
  conversations,
} from "./tables.ts";

export type Conversation = typeof conversations.$inferSelect;

/** A new anonymous contact and its first conversation, with its `opened` event. */
export async function openConversation(
  db: Database,
  tenantId: string,
  channel: Channel,
): Promise<Conversation> {
  const [contact] = await db.insert(contacts).values({ tenantId, channel }).returning({ id: contacts.id });
  if (!contact) throw new Error("insert returned no contact");
  const [conversation] = await db
    .insert(conversations)
    .values({ tenantId, channel, contactId: contact.id })
    .returning();
  if (!conversation) throw new Error("insert returned no conversation");
  await db.insert(conversationEvents).values({ tenantId, conversationId: conversation.id, type: "opened" });
  return conversation;
}

export type PhoneContact = {
  /** The contact's number, E.164. */
  address: string;
  /** The tenant's number the contact reached. */
  localAddress: string;
  name?: string | null;
};

/**
 * The contact's open conversation on a phone channel (WhatsApp, voice), or a new one with its `opened`
 * event: a phone number is one contact per tenant and channel. WhatsApp keeps writing into the open
 * conversation until it is closed; each call is a conversation of its own (`reuseOpen: false`).
 */
export async function openPhoneConversation(
  db: Database,
  tenantId: string,
  channel: Exclude<Channel, "webchat">,
  contact: PhoneContact,
  options: { reuseOpen: boolean } = { reuseOpen: true },
): Promise<Conversation> {
  const [row] = await db
    .insert(contacts)
    .values({ tenantId, channel, address: contact.address, name: contact.name ?? null })
    .onConflictDoUpdate({
      target: [contacts.tenantId, contacts.channel, contacts.address],
      set: { name: sql`coalesce(excluded.name, ${contacts.name})`, updatedAt: new Date() },
    })
    .returning({ id: contacts.id });
  if (!row) throw new Error("upsert returned no contact");
  const [open] = !options.reuseOpen
    ? []
    : await db
        .select()
        .from(conversations)
        .where(tenantRowsWith(conversations, tenantId, { contactId: row.id, channel, status: "open" }))
        .orderBy(desc(conversations.id))
        .limit(1);
  if (open) return open;
  const [conversation] = await db
    .insert(conversations)
    .values({ tenantId, channel, contactId: row.id, localAddress: contact.localAddress })
    .returning();
  if (!conversation) throw new Error("insert returned no conversation");
  await db.insert(conversationEvents).values({ tenantId, conversationId: conversation.id, type: "opened" });
  return conversation;
}

export const getConversation = (db: Database, tenantId: string, id: string): Promise<Conversation | null> =>
  findTenantRow(db, conversations, tenantId, id);

export type ConversationFilter = { status?: ConversationStatus | undefined; channel?: Channel | undefined };

/** The columns a list of conversations may be filtered on. */
const filteredColumns = { status: conversations.status, channel: conversations.channel };

export const listConversations = (db: Database, tenantId: string, filter: ConversationFilter, page: Page) =>
  listTenantRows(db, conversations, tenantId, page, ...equalTo(filteredColumns, filter));

/**
 * Hands an open conversation to a person: from now on the assistant stays quiet. Returns the conversation,
 * and whether this call is what assigned it (so `agent_joined` is announced once per person).
 */
export async function assignAgent(
  db: Database,
  tenantId: string,
  id: string,
  userId: string,
): Promise<{ conversation: Conversation; joined: boolean } | null> {
  const current = await getConversation(db, tenantId, id);
  if (!current) return null;
  if (current.assignedUserId === userId || current.status === "closed") {
    return { conversation: current, joined: false };
  }
  const [conversation] = await db
    .update(conversations)
    .set({ assignedUserId: userId, updatedAt: new Date() })
    .where(tenantRow(conversations, tenantId, id))
    .returning();
  if (!conversation) return null;
  await db
    .insert(conversationEvents)
    .values({ tenantId, conversationId: id, type: "agent_joined", actorUserId: userId });
  return { conversation, joined: true };
}

export async function closeConversation(
  db: Database,
  tenantId: string,
  id: string,
  userId: string,
): Promise<Conversation | null> {
  const current = await getConversation(db, tenantId, id);
  if (!current || current.status === "closed") return current;
  const now = new Date();
  const [conversation] = await db
    .update(conversations)
    .set({ status: "closed", closedAt: now, updatedAt: now })
    .where(tenantRow(conversations, tenantId, id))
    .returning();
  await db
    .insert(conversationEvents)
    .values({ tenantId, conversationId: id, type: "closed", actorUserId: userId });
  return conversation ?? null;
}
