import { DurableObject } from "cloudflare:workers";
import type { Env } from "../workers/config/env.ts";
import {
  decodeClientFrame,
  encodeServerFrame,
  type MessageOutcome,
  type ServerFrame,
} from "../workers/conversations/live-protocol.ts";
import {
  PARTICIPANT_HEADER,
  type Participant,
  ParticipantSchema,
} from "../workers/conversations/participants.ts";
import { errorFields, log } from "../workers/lib/log.ts";
import { uuidv7 } from "../workers/lib/uuid.ts";
import { flushSoon } from "../workers/observability/flush.ts";
import { metrics } from "../workers/observability/recorder.ts";
import type { JobContext } from "../workers/queue/envelope.ts";
import {
  acceptMessage,
  agentConnected,
  failedOutcome,
  handleFrame,
  type Outgoing,
  type OutgoingMessage,
} from "../workers/webchat/session.ts";

/** The participant header as JSON, or null when absent or malformed (which the schema then refuses). */
function parseJson(text: string | null): unknown {
  try {
    return text === null ? null : JSON.parse(text);
  } catch {
    return null;
  }
}

/** The close code for a socket whose attachment no longer reads as a participant: reconnecting mends it. */
const CLOSE_STALE_ATTACHMENT = 1011;

/**
 * One conversation's live session: its sockets (visitor tabs, agents). It uses the WebSocket Hibernation
 * API, so idle sockets cost nothing and outlive the object's eviction; who is on each socket lives in the
 * socket's attachment and everything else in Postgres, never only in instance fields. What a frame does is
 * decided in workers/webchat/session.ts; this object only delivers the frames and runs the work it returns.
 * The REST routes come here too (by RPC), so a message has one path whatever the transport.
 */
export class WebchatSession extends DurableObject<Env> {
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
      return new Response("Expected a WebSocket upgrade", { status: 426, headers: { Upgrade: "websocket" } });
    }
    const participant = ParticipantSchema.safeParse(parseJson(request.headers.get(PARTICIPANT_HEADER)));
    if (!participant.success) return new Response("Missing participant", { status: 400 });
    // An agent is assigned before its socket is accepted: when the database fails, the upgrade fails with
    // it (a 503 from the route) and leaves no socket open.
    const joined =
      participant.data.role === "agent" ? await agentConnected(this.env, participant.data) : null;
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server, [participant.data.role]);
    server.serializeAttachment(participant.data);
    this.#countSockets(1);
    if (joined) this.#deliver(joined.frames);
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(socket: WebSocket, data: string | ArrayBuffer): Promise<void> {
    // The attachment outlives deploys while the socket hibernates, so it is read back like any input.
    const participant = ParticipantSchema.safeParse(socket.deserializeAttachment());
    if (!participant.success) {
      socket.close(CLOSE_STALE_ATTACHMENT, "session expired; reconnect");
      return;
    }
    const decoded = decodeClientFrame(data);
    if (!decoded.ok) {
      this.#send(socket, { type: "error", code: decoded.code, detail: decoded.detail });
      return;
    }
    try {
      // A frame is a request of its own: its id ties together the log lines and jobs it causes.
      const step = await handleFrame(this.env, participant.data, decoded.frame, { request_id: uuidv7() });
      this.#deliver(step.frames, socket);
      await step.handOff?.();
      await step.reply?.((frame) => this.#broadcast(frame));
      flushSoon(this.env, (promise) => this.ctx.waitUntil(promise));
    } catch (error) {
      log("error", "webchat frame failed", { type: decoded.frame.type, ...errorFields(error) });
      const { frame } = decoded;
      this.#send(
        socket,
        failedOutcome(error, frame.type === "message" ? frame.client_message_id : undefined),
      );
    }
  }

  override webSocketClose(socket: WebSocket, code: number, reason: string): void {
    this.#countSockets(-1);
    try {
      socket.close(code, reason);
    } catch {
      // The runtime already answered the close, or the code (1005, 1006) is one that may not be sent.
    }
  }

  /** The REST fallback's send: same storage, same ack; the assistant answers after the response. */
  async sendMessage(
    participant: Participant,
    message: OutgoingMessage,
    context: JobContext,
  ): Promise<MessageOutcome> {
    let accepted: Awaited<ReturnType<typeof acceptMessage>>;
    try {
      accepted = await acceptMessage(this.env, ParticipantSchema.parse(participant), message, context);
    } catch (error) {
      log("error", "webchat message failed", { ...context, ...errorFields(error) });
      return failedOutcome(error, message.client_message_id);
    }
    this.#deliver(accepted.frames);
    await accepted.handOff?.();
    if (accepted.reply) this.ctx.waitUntil(accepted.reply((frame) => this.#broadcast(frame)));
    flushSoon(this.env, (promise) => this.ctx.waitUntil(promise));
    return accepted.outcome;
  }

  /** The open-sockets gauge is the sum of every object's opens and closes (borde_webchat_sockets_open). */
  #countSockets(change: 1 | -1): void {
    metrics.add("borde_webchat_sockets_open", {}, change);
    flushSoon(this.env, (promise) => this.ctx.waitUntil(promise));
  }

  /** Tells every socket the conversation was closed, then closes them. */
  async conversationClosed(): Promise<void> {
    for (const socket of this.ctx.getWebSockets()) {
      this.#send(socket, { type: "closed" });
      socket.close(1000, "conversation closed");
    }
  }

  /** Sends frames in order: to the sender's socket (none for the REST fallback), to all, or to the others. */
  #deliver(frames: Outgoing[], sender?: WebSocket): void {
    for (const { frame, to } of frames) {
      if (to === "sender") {
        if (sender) this.#send(sender, frame);
      } else {
        this.#broadcast(frame, to === "others" ? sender : undefined);
      }
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
