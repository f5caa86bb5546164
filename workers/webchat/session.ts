// What a conversation's live session does with each frame, as plain functions: they read and write the
// conversation in Postgres and return the frames to send and the work left to do. The WebchatSession object
// (durable-objects/webchat-session.ts) keeps the sockets, their attachments and hibernation, and carries
// the results out. This sits in webchat, above conversations, assistants and channels, because it uses all
// three (and both of the latter import conversations).
import { enabledAssistant } from "../assistants/assistants.ts";
import { HISTORY_LIMIT, streamAssistantReply } from "../assistants/replies.ts";
import { handOffAnswer } from "../channels/hand-off.ts";
import { loadConfig } from "../config/config.ts";
import type { Env } from "../config/env.ts";
import { renderMessage } from "../conversations/api-schemas.ts";
import { assignAgent, getConversation } from "../conversations/conversations.ts";
import type { ClientFrame, MessageOutcome, ServerFrame } from "../conversations/live-protocol.ts";
import { markRead, messagesAfter, recentMessages, storeMessage } from "../conversations/messages.ts";
import type { Participant } from "../conversations/participants.ts";
import type { Database } from "../db/client.ts";
import { withDatabase } from "../db/client.ts";
import { isDatabaseUnavailable } from "../db/failures.ts";
import { RETRY_AFTER_UNAVAILABLE_SECONDS } from "../http/problem.ts";
import { errorFields, Logger } from "../lib/log.ts";
import { metrics } from "../observability/recorder.ts";
import type { JobContext } from "../queue/envelope.ts";
import { consumeToken } from "../ratelimit/limiter.ts";
import {
  CONVERSATION_MESSAGE_POLICY,
  conversationBucket,
  VISITOR_MESSAGE_POLICY,
  visitorBucket,
} from "./policies.ts";

/** How many missed messages a reconnecting client receives at most; older ones are in the transcript. */
const RESUME_LIMIT = 500;

export type OutgoingMessage = { client_message_id: string; text: string };

/** A frame and who gets it: the socket it answers, every socket, or every socket but the sender's. */
export type Outgoing = { frame: ServerFrame; to: "sender" | "all" | "others" };

/** What handling a frame leaves to do, in order: send `frames`, then `handOff`, then `reply`. */
export type SessionStep = {
  frames: Outgoing[];
  /** Hands a person's answer to the contact's channel; done before the message counts as sent. */
  handOff?: () => Promise<void>;
  /** The assistant's answer, whose frames go to every socket as it streams; work after the answer. */
  reply?: (broadcast: (frame: ServerFrame) => void) => Promise<void>;
};

/** Accepting a message: its outcome (the REST fallback's answer) with the step that carries it out. */
export type Accepted = SessionStep & { outcome: MessageOutcome };

const toSender = (frame: ServerFrame): Outgoing => ({ frame, to: "sender" });
const toAll = (frame: ServerFrame): Outgoing => ({ frame, to: "all" });

function inTenant<T>(
  env: Env,
  participant: Participant,
  work: (db: Database) => Promise<T>,
  readOnly = false,
): Promise<T> {
  return withDatabase(loadConfig(env), (session) => session.tenant(participant.tenantId, work, { readOnly }));
}

/** A logger bound to the conversation and to whoever's request or frame is being handled. */
const sessionLogger = (participant: Participant, context: JobContext) =>
  new Logger({
    request_id: context.request_id,
    tenant_id: participant.tenantId,
    conversation_id: participant.conversationId,
  });

/**
 * The answer to a frame or message whose handling failed: `unavailable` (send it again shortly, with the
 * same client_message_id) when the database failed, else `internal_error`. The object answers with it
 * rather than throw, so an RPC caller gets an outcome and a socket a frame.
 */
export function failedOutcome(
  error: unknown,
  clientMessageId?: string,
): Extract<MessageOutcome, { type: "error" }> {
  const id = clientMessageId === undefined ? {} : { client_message_id: clientMessageId };
  if (isDatabaseUnavailable(error)) {
    return {
      type: "error",
      code: "unavailable",
      detail: "The message could not be stored now; send it again shortly with the same client_message_id.",
      retry_after_seconds: RETRY_AFTER_UNAVAILABLE_SECONDS,
      ...id,
    };
  }
  return { type: "error", code: "internal_error", detail: "The frame could not be handled.", ...id };
}

/** One decoded client frame, whoever sent it. */
export async function handleFrame(
  env: Env,
  participant: Participant,
  frame: ClientFrame,
  context: JobContext,
): Promise<SessionStep> {
  switch (frame.type) {
    case "hello":
      return { frames: (await resume(env, participant, frame.last_seen_id ?? undefined)).map(toSender) };
    case "message":
      return acceptMessage(env, participant, frame, context);
    case "typing":
      return { frames: [{ frame: { type: "typing", role: participant.role }, to: "others" }] };
    case "read":
      if (participant.role === "visitor") {
        await inTenant(env, participant, (db) =>
          markRead(db, participant.tenantId, participant.conversationId, frame.up_to_id),
        );
      }
      return { frames: [] };
  }
}

/** The socket's session (and token), then what it missed since `lastSeenId`, in order. */
async function resume(
  env: Env,
  participant: Participant,
  lastSeenId: string | undefined,
): Promise<ServerFrame[]> {
  const { tenantId, conversationId } = participant;
  const { conversation, missed } = await inTenant(
    env,
    participant,
    async (db) => ({
      conversation: await getConversation(db, tenantId, conversationId),
      missed: await messagesAfter(db, tenantId, conversationId, lastSeenId, RESUME_LIMIT),
    }),
    true,
  );
  if (!conversation) {
    return [{ type: "error", code: "conversation_not_found", detail: "No conversation with this id." }];
  }
  return [
    {
      type: "ready",
      conversation_id: conversationId,
      ...(participant.role === "visitor" && participant.visitorToken
        ? { visitor_token: participant.visitorToken }
        : {}),
      agent_joined: conversation.assignedUserId !== null,
    },
    ...missed.map((message): ServerFrame => ({ type: "message", message: renderMessage(message) })),
    ...(conversation.status === "closed" ? [{ type: "closed" } as const] : []),
  ];
}

/** A person's socket connected: they take the conversation over, announced once. */
export async function agentConnected(
  env: Env,
  agent: Extract<Participant, { role: "agent" }>,
): Promise<SessionStep> {
  const joined = await inTenant(env, agent, (db) =>
    assignAgent(db, agent.tenantId, agent.conversationId, agent.userId),
  );
  return { frames: joined?.joined ? [toAll({ type: "agent_joined" })] : [] };
}

/**
 * Rate limits, stores (before anything is acknowledged), acknowledges, fans the message out, hands a
 * person's answer to the contact's channel, and for a new visitor message leaves the assistant's reply as
 * work still to do, unless a person has joined.
 */
export async function acceptMessage(
  env: Env,
  participant: Participant,
  message: OutgoingMessage,
  context: JobContext,
): Promise<Accepted> {
  const log = sessionLogger(participant, context);
  const refuse = (outcome: MessageOutcome): Accepted => ({ outcome, frames: [toSender(outcome)] });
  const { tenantId, conversationId } = participant;
  if (participant.role === "visitor") {
    const decisions = await Promise.all([
      consumeToken(env, visitorBucket(participant.contactId), VISITOR_MESSAGE_POLICY, log),
      consumeToken(env, conversationBucket(conversationId), CONVERSATION_MESSAGE_POLICY, log),
    ]);
    const refused = decisions.find((decision) => decision && !decision.allowed);
    if (refused) {
      return refuse({
        type: "error",
        code: "rate_limited",
        detail: `Too many messages; try again in ${refused.retryAfterSeconds} s.`,
        client_message_id: message.client_message_id,
        retry_after_seconds: refused.retryAfterSeconds,
      });
    }
  }
  const { stored, joined } = await inTenant(env, participant, async (db) => {
    const stored = await storeMessage(db, tenantId, conversationId, {
      role: participant.role,
      text: message.text,
      clientMessageId: message.client_message_id,
      authorUserId: participant.role === "agent" ? participant.userId : null,
    });
    const assigned =
      participant.role === "agent" && stored.outcome === "stored"
        ? await assignAgent(db, tenantId, conversationId, participant.userId)
        : null;
    return { stored, joined: assigned?.joined ?? false };
  });
  if (!("message" in stored)) {
    const closed = stored.outcome === "closed";
    return refuse({
      type: "error",
      code: closed ? "conversation_closed" : "conversation_not_found",
      detail: closed ? "This conversation is closed; start a new one." : "No conversation with this id.",
      client_message_id: message.client_message_id,
    });
  }
  const ack: MessageOutcome = {
    type: "ack",
    client_message_id: message.client_message_id,
    message_id: stored.message.id,
    duplicate: stored.outcome === "duplicate",
  };
  if (stored.outcome === "duplicate") return { outcome: ack, frames: [toSender(ack)] };
  metrics.add("borde_webchat_messages_total", { role: participant.role });
  const frames = [
    toSender(ack),
    ...(joined ? [toAll({ type: "agent_joined" })] : []),
    toAll({ type: "message", message: renderMessage(stored.message) }),
  ];
  if (participant.role === "agent") {
    const { conversation } = stored;
    const messageId = stored.message.id;
    return {
      outcome: ack,
      frames,
      handOff: () => handOffAnswer(env, conversation, messageId, participant.origin, context),
    };
  }
  if (stored.conversation.assignedUserId !== null) return { outcome: ack, frames };
  return { outcome: ack, frames, reply: (broadcast) => replyAsAssistant(env, participant, broadcast, log) };
}

/** The tenant's assistant answers, streamed as deltas, then stored and sent whole. */
async function replyAsAssistant(
  env: Env,
  participant: Participant,
  broadcast: (frame: ServerFrame) => void,
  log: Logger,
): Promise<void> {
  const { tenantId, conversationId } = participant;
  try {
    const context = await inTenant(
      env,
      participant,
      async (db) => ({
        assistant: await enabledAssistant(db, tenantId),
        history: await recentMessages(db, tenantId, conversationId, HISTORY_LIMIT),
      }),
      true,
    );
    if (!context.assistant) return;
    const replyId = crypto.randomUUID();
    broadcast({ type: "typing", role: "assistant" });
    const reply = await streamAssistantReply(
      loadConfig(env),
      context.assistant,
      context.history,
      (text) => broadcast({ type: "delta", reply_id: replyId, text }),
      log,
    );
    const stored = await inTenant(env, participant, (db) =>
      storeMessage(db, tenantId, conversationId, {
        role: "assistant",
        text: reply.text,
        source: reply.source,
      }),
    );
    if (stored.outcome === "stored") {
      broadcast({ type: "message", message: renderMessage(stored.message), reply_id: replyId });
    }
  } catch (error) {
    log.error("assistant reply could not be stored", errorFields(error));
  }
}
