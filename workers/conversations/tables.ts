import { sql } from "drizzle-orm";
import { index, jsonb, text, unique, uuid } from "drizzle-orm/pg-core";
import { at, createdAt, ownerId, timestamps } from "../db/columns.ts";
import { tenantTable, users } from "../identity/tables.ts";

/** Every way a contact reaches a tenant; the tables are shared so one inbox covers them all. */
export const CHANNELS = ["webchat", "whatsapp", "voice"] as const;
export type Channel = (typeof CHANNELS)[number];

export const CONVERSATION_STATUSES = ["open", "closed"] as const;
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];

export const MESSAGE_ROLES = ["visitor", "assistant", "agent", "system"] as const;
export type MessageRole = (typeof MESSAGE_ROLES)[number];

/** How far a message got: stored (acknowledged to its sender), delivered to the other side, read there. */
export const DELIVERY_STATES = ["stored", "delivered", "read"] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/** Where an assistant message came from: the model, or the labelled fallback when the model was unavailable. */
export const MESSAGE_SOURCES = ["openai", "fallback"] as const;
export type MessageSource = (typeof MESSAGE_SOURCES)[number];

export const CONVERSATION_EVENT_TYPES = [
  "opened",
  "agent_joined",
  "agent_left",
  "closed",
  "rated",
  "call_started",
  "call_event",
  "call_ended",
] as const;
export type ConversationEventType = (typeof CONVERSATION_EVENT_TYPES)[number];

export type MediaReference = { url: string; content_type: string };

/** Someone who talks to a tenant: an anonymous webchat visitor, or a phone number. */
export const contacts = tenantTable(
  "contacts",
  {
    channel: text("channel", { enum: CHANNELS }).notNull(),
    /** The phone number for whatsapp and voice; null for anonymous visitors. */
    address: text("address"),
    name: text("name"),
    ...timestamps(),
  },
  (table) => [
    index("contacts_tenant_idx").on(table.tenantId),
    unique("contacts_tenant_channel_address_key").on(table.tenantId, table.channel, table.address),
  ],
);

export const conversations = tenantTable(
  "conversations",
  {
    contactId: ownerId("contact_id", () => contacts.id),
    channel: text("channel", { enum: CHANNELS }).notNull(),
    status: text("status", { enum: CONVERSATION_STATUSES }).notNull().default("open"),
    /** The person who took the conversation over; while set, the assistant stays quiet. */
    assignedUserId: uuid("assigned_user_id").references(() => users.id, { onDelete: "set null" }),
    /** For whatsapp and voice: the tenant's own number the contact reached, which replies go out from. */
    localAddress: text("local_address"),
    lastMessageAt: at("last_message_at"),
    closedAt: at("closed_at"),
    ...timestamps(),
  },
  (table) => [
    index("conversations_tenant_status_idx").on(table.tenantId, table.status, table.id),
    index("conversations_contact_idx").on(table.contactId),
  ],
);

export const messages = tenantTable(
  "messages",
  {
    conversationId: ownerId("conversation_id", () => conversations.id),
    role: text("role", { enum: MESSAGE_ROLES }).notNull(),
    text: text("text").notNull(),
    /** The sender's own id for the message, so a resend is recognised instead of stored twice. */
    clientMessageId: text("client_message_id"),
    /** For assistant messages only. */
    source: text("source", { enum: MESSAGE_SOURCES }),
    /** The agent who wrote it, for agent messages. */
    authorUserId: uuid("author_user_id").references(() => users.id, { onDelete: "set null" }),
    delivery: text("delivery", { enum: DELIVERY_STATES }).notNull().default("stored"),
    /** The carrier's id for the message (Twilio's MessageSid), so a redelivered webhook is recognised. */
    externalId: text("external_id"),
    /** The carrier's delivery status (Twilio's queued, sent, delivered, read, failed …). */
    externalStatus: text("external_status"),
    /** Media that came with the message, as references (URL and content type), never copied. */
    media: jsonb("media").$type<MediaReference[]>(),
    createdAt: createdAt(),
  },
  (table) => [
    index("messages_tenant_idx").on(table.tenantId),
    index("messages_conversation_idx").on(table.conversationId, table.id),
    unique("messages_conversation_client_id_key").on(table.conversationId, table.clientMessageId),
    unique("messages_external_id_key").on(table.externalId),
  ],
);

export const conversationEvents = tenantTable(
  "conversation_events",
  {
    conversationId: ownerId("conversation_id", () => conversations.id),
    type: text("type", { enum: CONVERSATION_EVENT_TYPES }).notNull(),
    actorUserId: uuid("actor_user_id").references(() => users.id, { onDelete: "set null" }),
    data: jsonb("data").$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    createdAt: createdAt(),
  },
  (table) => [
    index("conversation_events_tenant_idx").on(table.tenantId),
    index("conversation_events_conversation_idx").on(table.conversationId, table.id),
  ],
);
