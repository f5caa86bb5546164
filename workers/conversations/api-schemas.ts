import { z } from "@hono/zod-openapi";
import { fieldsOf, timestamp, timestampFields } from "../http/api-schemas.ts";
import type { Conversation } from "./conversations.ts";
import type { Message } from "./messages.ts";
import {
  CHANNELS,
  CONVERSATION_STATUSES,
  DELIVERY_STATES,
  MESSAGE_ROLES,
  MESSAGE_SOURCES,
} from "./tables.ts";

export const MAX_MESSAGE_CHARS = 4000;

export const ConversationSchema = z
  .object({
    id: z.uuid(),
    contact_id: z.uuid(),
    channel: z.enum(CHANNELS),
    status: z.enum(CONVERSATION_STATUSES),
    assigned_user_id: z.uuid().nullable(),
    last_message_at: timestamp().nullable(),
    closed_at: timestamp().nullable(),
    ...timestampFields,
  })
  .openapi("Conversation");

export const ConversationFilterSchema = z.object({
  status: z.enum(CONVERSATION_STATUSES).optional(),
  channel: z.enum(CHANNELS).optional(),
});

/** A message as every channel's clients see it: the REST routes and the live session's frames. */
export const MessageViewSchema = z.object({
  id: z.uuid(),
  role: z.enum(MESSAGE_ROLES),
  text: z.string(),
  /** Assistant messages only: `fallback` when the model could not answer and a fixed reply was sent. */
  source: z.enum(MESSAGE_SOURCES).nullable(),
  client_message_id: z.string().nullable(),
  delivery: z.enum(DELIVERY_STATES),
  created_at: z.string(),
});
export type MessageView = z.infer<typeof MessageViewSchema>;

export const MessageSchema = MessageViewSchema.openapi("Message");

export const OutgoingMessageSchema = z
  .object({
    client_message_id: z
      .string()
      .min(1)
      .max(100)
      .openapi({ description: "The sender's own id for the message: a resend with it is not stored twice." }),
    text: z.string().trim().min(1).max(MAX_MESSAGE_CHARS),
  })
  .openapi("OutgoingMessage");

export const AckSchema = z
  .object({
    type: z.literal("ack"),
    client_message_id: z.string(),
    message_id: z.uuid(),
    duplicate: z.boolean(),
  })
  .openapi("MessageAck");

export const renderMessage = (message: Message): MessageView =>
  fieldsOf(message, "id", "role", "text", "source", "clientMessageId", "delivery", "createdAt");

export const renderConversation = (conversation: Conversation) =>
  fieldsOf(
    conversation,
    "id",
    "contactId",
    "channel",
    "status",
    "assignedUserId",
    "lastMessageAt",
    "closedAt",
    "createdAt",
    "updatedAt",
  );
