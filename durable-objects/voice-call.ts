import { DurableObject } from "cloudflare:workers";
import {
  type BridgeState,
  type BridgeStep,
  callSummary,
  fromRealtime,
  fromTwilio,
  initialBridgeState,
  started,
} from "../workers/channels/voice/bridge.ts";
import {
  type CallDetails,
  type CallEvent,
  type EventDetail,
  finishCall,
  recordCallEvents,
  recordTranscript,
} from "../workers/channels/voice/call-record.ts";
import { callInstructions } from "../workers/channels/voice/calls.ts";
import { openRealtimeSocket, sessionUpdate } from "../workers/channels/voice/realtime.ts";
import { callOfStream, InvalidStreamToken } from "../workers/channels/voice/stream-token.ts";
import { CallSidSchema, type StreamStart } from "../workers/channels/voice/wire.ts";
import { type Config, loadConfig } from "../workers/config/config.ts";
import type { Env } from "../workers/config/env.ts";
import { type Database, withDatabase } from "../workers/db/client.ts";
import { errorFields, log } from "../workers/lib/log.ts";

/** WebSocket close codes: 1008 policy violation (bad token), 1011 the other side failed. */
const CLOSE_NORMAL = 1000;
const CLOSE_POLICY = 1008;
const CLOSE_FAILURE = 1011;

/**
 * One phone call (named by its CallSid): Twilio's media stream on one side, the OpenAI Realtime API on
 * the other. What each message means for the other side (audio both ways, marks, barge-in) is decided by
 * workers/channels/voice/bridge.ts; this object holds the two sockets and the call's state, and carries
 * out what the bridge returns.
 *
 * Not hibernatable, on purpose: during a call the object holds an outbound WebSocket to the Realtime API,
 * and an outbound socket keeps the object in memory anyway, so hibernating the Twilio side would save
 * nothing and cost a state restore per frame (50 a second). Both sockets are therefore accepted with
 * `accept()`, and the live state of the call is in fields. What must outlast it (events, duration,
 * transcript) goes to the tenant's conversation in Postgres (workers/channels/voice/call-record.ts), one
 * write after another, so the object keeps no storage of its own.
 */
export class VoiceCall extends DurableObject<Env> {
  private readonly config: Config;
  private twilio: WebSocket | undefined;
  private realtime: WebSocket | undefined;
  private call: CallDetails | undefined;
  private bridge: BridgeState = initialBridgeState();
  /** Twilio's messages are handled one after another, even when one waits (token check, connecting). */
  private inbound: Promise<void> = Promise.resolve();
  private ended = false;
  private startedAt = 0;
  /** Events before the stream proved which call (and tenant) it is, written once it has. */
  private earlyEvents: CallEvent[] = [];
  /** The call's writes to Postgres, in order; the last one settles before the call is over. */
  private writes: Promise<void> = Promise.resolve();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.config = loadConfig(env);
  }

  /** Queues a write to the call's conversation after the ones before it; a failed write is logged. */
  private record(work: (db: Database, call: CallDetails) => Promise<void>): void {
    const call = this.call;
    if (!call) return;
    this.writes = this.writes.then(() =>
      withDatabase(this.config, (session) => session.tenant(call.tenant_id, (db) => work(db, call))).catch(
        (error) =>
          log("error", "voice call record failed", { call_sid: call.call_sid, ...errorFields(error) }),
      ),
    );
    this.ctx.waitUntil(this.writes);
  }

  private event(name: string, detail: EventDetail = {}): void {
    const event: CallEvent = { name, detail, at: new Date() };
    if (!this.call) {
      this.earlyEvents.push(event);
      return;
    }
    this.record((db, call) => recordCallEvents(db, call, [event]));
  }

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
      return new Response("Expected a WebSocket upgrade", { status: 426, headers: { Upgrade: "websocket" } });
    }
    const callSid = CallSidSchema.safeParse(new URL(request.url).pathname.slice(1));
    if (!callSid.success) return new Response("Unknown call", { status: 404 });
    if (this.bridge.streamSid || this.ended) {
      return new Response("This call already has a media stream", { status: 409 });
    }
    // A socket that has not proved itself with a valid `start` gives way to the next one, so someone who
    // learnt the CallSid cannot hold the call's line by connecting first.
    this.end(CLOSE_POLICY, "replaced by another connection");
    const { 0: client, 1: server } = new WebSocketPair();
    server.accept();
    this.twilio = server;
    server.addEventListener("message", (event) => {
      const data = event.data;
      this.inbound = this.inbound
        .then(() => (typeof data === "string" ? this.onTwilioMessage(server, callSid.data, data) : undefined))
        .catch((error) => {
          log("error", "voice call message failed", { call_sid: callSid.data, ...errorFields(error) });
          if (server === this.twilio) this.end(CLOSE_FAILURE, "internal error");
        });
    });
    server.addEventListener("close", () => {
      if (server === this.twilio) this.end(CLOSE_NORMAL, "caller hung up");
    });
    server.addEventListener("error", () => {
      if (server === this.twilio) this.end(CLOSE_FAILURE, "media stream failed");
    });
    return new Response(null, { status: 101, webSocket: client });
  }

  private async onTwilioMessage(socket: WebSocket, callSid: string, data: string): Promise<void> {
    if (this.ended || socket !== this.twilio) return;
    const step = fromTwilio(this.bridge, data);
    this.carryOut(step);
    if (step.start) await this.onStart(callSid, step.start);
  }

  private onRealtimeMessage(data: string): void {
    if (this.ended) return;
    this.carryOut(fromRealtime(this.bridge, data));
  }

  /** Applies a bridge step: the new state, the messages out, what is recorded, and the end of the call. */
  private carryOut(step: BridgeStep): void {
    this.bridge = step.state;
    for (const message of step.toTwilio) this.send(this.twilio, message);
    for (const message of step.toRealtime) this.send(this.realtime, message);
    for (const { name, detail } of step.events) this.event(name, detail);
    for (const { speaker, text } of step.transcripts) {
      this.record((db, call) => recordTranscript(db, call, speaker, text));
    }
    if (step.end) this.end(CLOSE_NORMAL, step.end);
  }

  private async onStart(callSid: string, event: StreamStart): Promise<void> {
    let call: CallDetails;
    try {
      call = await callOfStream(this.config, callSid, event);
    } catch (error) {
      if (!(error instanceof InvalidStreamToken)) throw error;
      // Nothing is stored for a stream that could not say whose call it is.
      log("warn", "voice stream refused", { call_sid: callSid, reason: error.message });
      this.earlyEvents = [];
      this.end(CLOSE_POLICY, "invalid stream token");
      return;
    }
    this.call = call;
    const start = started(this.bridge, event);
    this.bridge = start.state;
    this.startedAt = Date.now();
    const early = this.earlyEvents;
    this.earlyEvents = [];
    this.record((db) => recordCallEvents(db, call, early));
    this.event("start", start.detail);
    // The tenant's assistant for this number speaks on the call; looked up while the socket opens.
    const instructions = callInstructions(this.config, call);
    try {
      this.realtime = await openRealtimeSocket(this.config);
    } catch (error) {
      this.event("assistant_unavailable", { reason: String(error) });
      this.end(CLOSE_FAILURE, "assistant unavailable");
      return;
    }
    this.realtime.addEventListener("message", (message) => {
      if (typeof message.data === "string") this.onRealtimeMessage(message.data);
    });
    this.realtime.addEventListener("close", (close) => {
      if (!this.ended) this.event("assistant_disconnected", { code: close.code });
      this.end(CLOSE_FAILURE, "assistant disconnected");
    });
    this.send(this.realtime, sessionUpdate(this.config, await instructions));
  }

  private send(socket: WebSocket | undefined, message: object): void {
    if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  }

  /**
   * Ends the call once: records its end and closes both sockets. Before the call has started, only lets go
   * of the current socket, so the genuine stream can still connect.
   */
  private end(code: number, reason: string): void {
    if (this.ended) return;
    const { streamSid } = this.bridge;
    if (!streamSid) {
      const socket = this.twilio;
      this.twilio = undefined;
      closeQuietly(socket, code, reason);
      return;
    }
    this.ended = true;
    const summary = callSummary({ ...this.bridge, streamSid }, reason, Date.now() - this.startedAt);
    this.record((db, call) => finishCall(db, call, summary));
    for (const socket of [this.realtime, this.twilio]) closeQuietly(socket, code, reason);
  }
}

function closeQuietly(socket: WebSocket | undefined, code: number, reason: string): void {
  try {
    socket?.close(code, reason);
  } catch {
    // Already closed by the other side.
  }
}
