import { z } from "@hono/zod-openapi";
import { timestamp } from "../http/api-schemas.ts";
import type { Conversation } from "./conversations.ts";
import { CHANNELS, CONVERSATION_STATUSES } from "./tables.ts";

export const ConversationSchema = z
  .object({
    id: z.uuid(),
    contact_id: z.uuid(),
    channel: z.enum(CHANNELS),
    status: z.enum(CONVERSATION_STATUSES),
    assigned_user_id: z.uuid().nullable(),
    last_message_at: timestamp().nullable(),
    closed_at: timestamp().nullable(),
    created_at: timestamp(),
    updated_at: timestamp(),
  })
  .openapi("Conversation");

export const ConversationFilterSchema = z.object({
  status: z.enum(CONVERSATION_STATUSES).optional(),
  channel: z.enum(CHANNELS).optional(),
});

export const renderConversation = (conversation: Conversation) => ({
  id: conversation.id,
  contact_id: conversation.contactId,
  channel: conversation.channel,
  status: conversation.status,
  assigned_user_id: conversation.assignedUserId,
  last_message_at: conversation.lastMessageAt?.toISOString() ?? null,
  closed_at: conversation.closedAt?.toISOString() ?? null,
  created_at: conversation.createdAt.toISOString(),
  updated_at: conversation.updatedAt.toISOString(),
});
