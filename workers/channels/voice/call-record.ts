// What a voice call leaves behind, in the tenant's Postgres like every other conversation: the call is a
// `voice` conversation of the caller's number, its events are conversation events (`call_started`,
// `call_event`, `call_ended` with the duration), and its transcript is messages (the caller as `visitor`).
import { eq, sql } from "drizzle-orm";
import { openPhoneConversation } from "../../conversations/conversations.ts";
import { nextMessageId, storeMessage } from "../../conversations/messages.ts";
import { conversationEvents } from "../../conversations/tables.ts";
import type { Database } from "../../db/client.ts";
import { tenantRows } from "../../db/tenant-rows.ts";

export type EventDetail = Record<string, string | number | boolean | null>;
export type CallEvent = { name: string; detail: EventDetail; at: Date };

/** What ties a media stream to its call, as the stream token carries it. */
export type CallDetails = {
  call_sid: string;
  account_sid: string;
  tenant_id: string;
  conversation_id: string;
  from: string;
  to: string;
};

export type AnsweredWith = "assistant" | "fallback";

/**
 * Records an incoming call as a new `voice` conversation of the caller, with its `call_started` event, and
 * returns the conversation's id. Twilio retries webhooks: a CallSid already recorded returns its
 * conversation and records nothing more.
 */
export async function startCall(
  db: Database,
  tenantId: string,
  call: { call_sid: string; from: string; to: string; answered_with: AnsweredWith },
): Promise<string> {
  const [known] = await db
    .select({ conversationId: conversationEvents.conversationId })
    .from(conversationEvents)
    .where(
      tenantRows(
        conversationEvents,
        tenantId,
        eq(conversationEvents.type, "call_started"),
        sql`${conversationEvents.data}->>'call_sid' = ${call.call_sid}`,
      ),
    );
  if (known) return known.conversationId;
  const conversation = await openPhoneConversation(
    db,
    tenantId,
    "voice",
    { address: call.from, localAddress: call.to },
    { reuseOpen: false },
  );
  await db.insert(conversationEvents).values({
    id: nextMessageId(),
    tenantId,
    conversationId: conversation.id,
    type: "call_started",
    data: call,
  });
  return conversation.id;
}

/** Events of the call's media stream, in the order they happened. */
export async function recordCallEvents(db: Database, call: CallDetails, events: CallEvent[]): Promise<void> {
  if (events.length === 0) return;
  await db.insert(conversationEvents).values(
    events.map((event) => ({
      id: nextMessageId(),
      tenantId: call.tenant_id,
      conversationId: call.conversation_id,
      type: "call_event" as const,
      data: { name: event.name, ...event.detail },
      createdAt: event.at,
    })),
  );
}

/** One turn of the transcript: the caller's words as a `visitor` message, the assistant's as its own. */
export async function recordTranscript(
  db: Database,
  call: CallDetails,
  speaker: "caller" | "assistant",
  text: string,
): Promise<void> {
  if (!text.trim()) return;
  await storeMessage(db, call.tenant_id, call.conversation_id, {
    role: speaker === "caller" ? "visitor" : "assistant",
    text,
    source: speaker === "assistant" ? "openai" : null,
  });
}

export type CallSummary = {
  stream_sid: string;
  reason: string;
  duration_ms: number;
  frames_in: number;
  frames_out: number;
};

/** The call ended: its duration and frame counts, as the `call_ended` event. */
export async function finishCall(db: Database, call: CallDetails, summary: CallSummary): Promise<void> {
  await db.insert(conversationEvents).values({
    id: nextMessageId(),
    tenantId: call.tenant_id,
    conversationId: call.conversation_id,
    type: "call_ended",
    data: summary,
  });
}
