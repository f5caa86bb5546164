import { DurableObject } from "cloudflare:workers";
import { enabledAssistant } from "../workers/assistants/assistants.ts";
import { HISTORY_LIMIT, streamAssistantReply } from "../workers/assistants/replies.ts";
import { statusCallbackUrl } from "../workers/channels/whatsapp/status.ts";
import { loadConfig } from "../workers/config/config.ts";
import type { Env } from "../workers/config/env.ts";
import { assignAgent, getConversation } from "../workers/conversations/conversations.ts";
import { markRead, messagesAfter, recentMessages, storeMessage } from "../workers/conversations/messages.ts";
import { type Database, withDatabase } from "../workers/db/client.ts";
import { errorFields, Logger, log } from "../workers/lib/log.ts";
import { consumeToken } from "../workers/ratelimit/limiter.ts";
import { PARTICIPANT_HEADER, type Participant, ParticipantSchema } from "../workers/webchat/participants.ts";
import {
  CONVERSATION_MESSAGE_POLICY,
  conversationBucket,
  VISITOR_MESSAGE_POLICY,
  visitorBucket,
} from "../workers/webchat/policies.ts";
import {
  decodeClientFrame,
  encodeServerFrame,
  renderMessage,
  type ServerFrame,
} from "../workers/webchat/protocol.ts";

/** How many missed messages a reconnecting client receives at most; older ones are in the transcript. */
const RESUME_LIMIT = 500;

export type OutgoingMessage = { client_message_id: string; text: string };

/** The answer to a message: its `ack`, or the `error` that refused it. */
export type MessageOutcome = Extract<ServerFrame, { type: "ack" } | { type: "error" }>;

/**
 * One conversation's live session: its sockets (visitor tabs, agents), their protocol, and the assistant.
 * It uses the WebSocket Hibernation API, so idle sockets cost nothing and outlive the object's eviction;
 * who is on each socket lives in the socket's attachment and everything else in Postgres, never only in
 * instance fields. The REST routes come here too (by RPC), so a message has one path whatever the transport.
 */
export class WebchatSession extends DurableObject<Env> {
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
      return new Response("Expected a WebSocket upgrade", { status: 426, headers: { Upgrade: "websocket" } });
    }
    const participant = ParticipantSchema.safeParse(
      JSON.parse(request.headers.get(PARTICIPANT_HEADER) ?? "null"),
    );
    if (!participant.success) return new Response("Missing participant", { status: 400 });
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server, [participant.data.role]);
    server.serializeAttachment(participant.data);
    if (participant.data.role === "agent") await this.#join(participant.data);
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(socket: WebSocket, data: string | ArrayBuffer): Promise<void> {
    const participant = socket.deserializeAttachment() as Participant;
    const decoded = decodeClientFrame(data);
    if (!decoded.ok) {
      this.#send(socket, { type: "error", code: decoded.code, detail: decoded.detail });
      return;
    }
    const frame = decoded.frame;
    try {
      switch (frame.type) {
        case "hello":
          await this.#resume(socket, participant, frame.last_seen_id ?? undefined);
          return;
        case "message": {
          const outcome = await this.#accept(participant, frame, socket);
          if (outcome.reply) await outcome.reply;
          return;
        }
        case "typing":
          this.#broadcast({ type: "typing", role: participant.role }, socket);
          return;
        case "read":
          if (participant.role === "visitor") {
            await this.#tenant(participant, (db) =>
              markRead(db, participant.tenantId, participant.conversationId, frame.up_to_id),
            );
          }
          return;
      }
    } catch (error) {
      log("error", "webchat frame failed", { type: frame.type, ...errorFields(error) });
      this.#send(socket, {
        type: "error",
        code: "internal_error",
        detail: "The frame could not be handled.",
      });
    }
  }

  override webSocketClose(socket: WebSocket, code: number, reason: string): void {
    try {
      socket.close(code, reason);
    } catch {
      // The runtime already answered the close, or the code (1005, 1006) is one that may not be sent.
    }
  }

  /** The REST fallback's send: same storage, same ack; the assistant answers after the response. */
  async sendMessage(participant: Participant, message: OutgoingMessage): Promise<MessageOutcome> {
    const outcome = await this.#accept(ParticipantSchema.parse(participant), message);
    if (outcome.reply) this.ctx.waitUntil(outcome.reply);
    return outcome.frame;
  }

  /** Tells every socket the conversation was closed, then closes them. */
  async conversationClosed(): Promise<void> {
    for (const socket of this.ctx.getWebSockets()) {
      this.#send(socket, { type: "closed" });
      socket.close(1000, "conversation closed");
    }
  }

  #tenant<T>(participant: Participant, work: (db: Database) => Promise<T>, readOnly = false): Promise<T> {
    return withDatabase(loadConfig(this.env), (session) =>
      session.tenant(participant.tenantId, work, { readOnly }),
    );
  }

  /** Sends the socket its session (and token), then what it missed since `lastSeenId`, in order. */
  async #resume(socket: WebSocket, participant: Participant, lastSeenId: string | undefined): Promise<void> {
    const { tenantId, conversationId } = participant;
    const { conversation, missed } = await this.#tenant(
      participant,
      async (db) => ({
        conversation: await getConversation(db, tenantId, conversationId),
        missed: await messagesAfter(db, tenantId, conversationId, lastSeenId, RESUME_LIMIT),
      }),
      true,
    );
    if (!conversation) {
      this.#send(socket, {
        type: "error",
        code: "conversation_not_found",
        detail: "No conversation with this id.",
      });
      return;
    }
    this.#send(socket, {
      type: "ready",
      conversation_id: conversationId,
      ...(participant.role === "visitor" && participant.visitorToken
        ? { visitor_token: participant.visitorToken }
        : {}),
      agent_joined: conversation.assignedUserId !== null,
    });
    for (const message of missed) this.#send(socket, { type: "message", message: renderMessage(message) });
    if (conversation.status === "closed") this.#send(socket, { type: "closed" });
  }

  async #join(participant: Extract<Participant, { role: "agent" }>): Promise<void> {
    const joined = await this.#tenant(participant, (db) =>
      assignAgent(db, participant.tenantId, participant.conversationId, participant.userId),
    );
    if (joined?.joined) this.#broadcast({ type: "agent_joined" });
  }

  /**
   * Rate limits, stores (before anything is acknowledged), acknowledges, fans the message out, and for a
   * new visitor message returns the assistant's reply as work still to do, unless a person has joined.
   */
  async #accept(
    participant: Participant,
    message: OutgoingMessage,
    sender?: WebSocket,
  ): Promise<{ frame: MessageOutcome; reply?: Promise<void> }> {
    const refuse = (frame: MessageOutcome) => {
      if (sender) this.#send(sender, frame);
      return { frame };
    };
    const { tenantId, conversationId } = participant;
    if (participant.role === "visitor") {
      const limiterLog = new Logger({ tenant_id: tenantId, conversation_id: conversationId });
      const decisions = await Promise.all([
        consumeToken(this.env, visitorBucket(participant.contactId), VISITOR_MESSAGE_POLICY, limiterLog),
        consumeToken(this.env, conversationBucket(conversationId), CONVERSATION_MESSAGE_POLICY, limiterLog),
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
    const result = await this.#tenant(participant, async (db) => {
      const stored = await storeMessage(db, tenantId, conversationId, {
        role: participant.role,
        text: message.text,
        clientMessageId: message.client_message_id,
        authorUserId: participant.role === "agent" ? participant.userId : null,
      });
      const joined =
        participant.role === "agent" && stored.outcome === "stored"
          ? await assignAgent(db, tenantId, conversationId, participant.userId)
          : null;
      return { stored, joined: joined?.joined ?? false };
    });
    const { stored } = result;
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
    if (sender) this.#send(sender, ack);
    if (stored.outcome === "duplicate") return { frame: ack };
    if (result.joined) this.#broadcast({ type: "agent_joined" });
    this.#broadcast({ type: "message", message: renderMessage(stored.message) });
    // A WhatsApp contact is not on a socket: the agent's answer reaches them through Twilio, by the queue.
    if (participant.role === "agent" && stored.conversation.channel === "whatsapp") {
      await this.env.JOBS.send({
        type: "whatsapp.send",
        tenant_id: tenantId,
        message_id: stored.message.id,
        status_callback: statusCallbackUrl(participant.origin),
      });
    }
    const assistantMayAnswer = participant.role === "visitor" && stored.conversation.assignedUserId === null;
    return { frame: ack, ...(assistantMayAnswer ? { reply: this.#reply(participant) } : {}) };
  }

  /** The tenant's assistant answers, streamed as deltas, then stored and sent whole. */
  async #reply(participant: Participant): Promise<void> {
    const { tenantId, conversationId } = participant;
    try {
      const context = await this.#tenant(
        participant,
        async (db) => ({
          assistant: await enabledAssistant(db, tenantId),
          history: await recentMessages(db, tenantId, conversationId, HISTORY_LIMIT),
        }),
        true,
      );
      if (!context.assistant) return;
      const replyId = crypto.randomUUID();
      this.#broadcast({ type: "typing", role: "assistant" });
      const reply = await streamAssistantReply(
        loadConfig(this.env),
        context.assistant,
        context.history,
        (text) => this.#broadcast({ type: "delta", reply_id: replyId, text }),
        new Logger({ tenant_id: tenantId, conversation_id: conversationId }),
      );
      const stored = await this.#tenant(participant, (db) =>
        storeMessage(db, tenantId, conversationId, {
          role: "assistant",
          text: reply.text,
          source: reply.source,
        }),
      );
      if (stored.outcome === "stored") {
        this.#broadcast({ type: "message", message: renderMessage(stored.message), reply_id: replyId });
      }
    } catch (error) {
      log("error", "assistant reply could not be stored", errorFields(error));
    }
  }

  #send(socket: WebSocket, frame: ServerFrame): void {
    try {
      socket.send(encodeServerFrame(frame));
    } catch (error) {
      // The socket closed meanwhile; what it missed reaches it on resume.
      log("info", "webchat send skipped", errorFields(error));
    }
  }

  #broadcast(frame: ServerFrame, except?: WebSocket): void {
    const text = encodeServerFrame(frame);
    for (const socket of this.ctx.getWebSockets()) {
      if (socket === except) continue;
      try {
        socket.send(text);
      } catch {
        // Closed meanwhile; it resumes from its last seen id.
      }
    }
  }
}
