import { asc, desc, eq, gt, lte, ne, type SQL } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { tenantRow, tenantRows } from "../db/tenant-rows.ts";
import { type Page, rowsToFetch } from "../http/pagination.ts";
import { uuidv7 } from "../lib/uuid.ts";
import type { Conversation } from "./conversations.ts";
import {
  conversations,
  type MediaReference,
  type MessageRole,
  type MessageSource,
  messages,
} from "./tables.ts";

export type Message = typeof messages.$inferSelect;

/** The messages of one conversation of the tenant (and matching `filters`). */
const inConversation = (tenantId: string, conversationId: string, ...filters: (SQL | undefined)[]) =>
  tenantRows(messages, tenantId, eq(messages.conversationId, conversationId), ...filters);

let lastIdTime = 0;

/**
 * Message ids must sort in the order messages were stored, since clients resume from the last id they saw.
 * uuidv7 sorts by millisecond only, and workerd's clock stands still between I/O, so two messages can share a
 * millisecond: each id here takes a later millisecond than the one before in this isolate. All of a
 * conversation's writes go through its one Durable Object, hence one isolate.
 */
export function nextMessageId(): string {
  lastIdTime = Math.max(Date.now(), lastIdTime + 1);
  return uuidv7(lastIdTime);
}

export type NewMessage = {
  role: MessageRole;
  text: string;
  clientMessageId?: string | null;
  source?: MessageSource | null;
  authorUserId?: string | null;
  media?: MediaReference[] | null;
};

export type StoreResult =
  | { outcome: "stored"; message: Message; conversation: Conversation }
  | { outcome: "duplicate"; message: Message; conversation: Conversation }
  | { outcome: "not_found" }
  | { outcome: "closed" };

/**
 * Stores a message in an open conversation, once: a second call with the same client message id returns
 * the first row (`duplicate`). One transaction, so the caller can acknowledge as soon as this returns.
 */
export async function storeMessage(
  db: Database,
  tenantId: string,
  conversationId: string,
  input: NewMessage,
): Promise<StoreResult> {
  const now = new Date();
  // Touching the conversation first both checks it is open and serialises writers on its row.
  const [conversation] = await db
    .update(conversations)
    .set({ lastMessageAt: now })
    .where(tenantRow(conversations, tenantId, conversationId, eq(conversations.status, "open")))
    .returning();
  if (!conversation) {
    const [existing] = await db
      .select({ id: conversations.id })
      .from(conversations)
      .where(tenantRow(conversations, tenantId, conversationId));
    return { outcome: existing ? "closed" : "not_found" };
  }
  const [inserted] = await db
    .insert(messages)
    .values({ ...input, id: nextMessageId(), tenantId, conversationId, createdAt: now })
    .onConflictDoNothing({ target: [messages.conversationId, messages.clientMessageId] })
    .returning();
  if (inserted) return { outcome: "stored", message: inserted, conversation };
  const [first] = await db
    .select()
    .from(messages)
    .where(
      inConversation(tenantId, conversationId, eq(messages.clientMessageId, input.clientMessageId ?? "")),
    );
  if (!first) throw new Error("conflicting message vanished");
  return { outcome: "duplicate", message: first, conversation };
}

/** What a client missed: the messages after `afterId` (all of them without it), oldest first. */
export function messagesAfter(
  db: Database,
  tenantId: string,
  conversationId: string,
  afterId: string | undefined,
  limit: number,
): Promise<Message[]> {
  return db
    .select()
    .from(messages)
    .where(inConversation(tenantId, conversationId, afterId ? gt(messages.id, afterId) : undefined))
    .orderBy(asc(messages.id))
    .limit(limit);
}

/** A page of the transcript, oldest first. */
export const transcriptPage = (db: Database, tenantId: string, conversationId: string, page: Page) =>
  messagesAfter(db, tenantId, conversationId, page.cursor, rowsToFetch(page));

/** The latest `limit` messages, oldest first: the context an assistant answers from. */
export async function recentMessages(
  db: Database,
  tenantId: string,
  conversationId: string,
  limit: number,
): Promise<Message[]> {
  const rows = await db
    .select()
    .from(messages)
    .where(inConversation(tenantId, conversationId))
    .orderBy(desc(messages.id))
    .limit(limit);
  return rows.reverse();
}

/** The visitor has read everything up to `upToId`: what the other side sent is marked read. */
export async function markRead(
  db: Database,
  tenantId: string,
  conversationId: string,
  upToId: string,
): Promise<void> {
  await db
    .update(messages)
    .set({ delivery: "read" })
    .where(
      inConversation(
        tenantId,
        conversationId,
        ne(messages.role, "visitor"),
        ne(messages.delivery, "read"),
        lte(messages.id, upToId),
      ),
    );
}
