import { DurableObject } from "cloudflare:workers";
import { answeringAssistant } from "../workers/channels/numbers/numbers.ts";
import {
  type CallDetails,
  type CallEvent,
  type EventDetail,
  finishCall,
  recordCallEvents,
  recordTranscript,
} from "../workers/channels/voice/call-record.ts";
import { openRealtimeSocket, sessionUpdate } from "../workers/channels/voice/realtime.ts";
import { InvalidStreamToken, verifyStreamToken } from "../workers/channels/voice/stream-token.ts";
import {
  CallSidSchema,
  type RealtimeServerEvent,
  RealtimeServerEventSchema,
  type StreamStart,
  type TwilioStreamEvent,
  TwilioStreamEventSchema,
} from "../workers/channels/voice/wire.ts";
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
 * the other. Caller audio (µ-law 8 kHz, base64) is forwarded as `input_audio_buffer.append`; the model's
 * audio comes back as `media` for Twilio, each chunk followed by a `mark`; when the caller starts talking
 * over the assistant, Twilio's queued audio is cleared and the response cancelled (barge-in).
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
  private streamSid: string | undefined;
  /** Twilio's messages are handled one after another, even when one waits (token check, connecting). */
  private inbound: Promise<void> = Promise.resolve();
  private responding = false;
  private ended = false;
  /** Marks are numbered; Twilio echoes each once the audio before it has played. */
  private lastMarkSent = 0;
  private lastMarkPlayed = 0;
  private framesIn = 0;
  private framesOut = 0;
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
    if (this.streamSid || this.ended) {
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
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      if (this.streamSid) this.event("invalid_message", { reason: "not JSON" });
      return;
    }
    const parsed = TwilioStreamEventSchema.safeParse(json);
    if (!parsed.success) {
      // Before a valid `start` the sender is unknown: its noise is not worth storing.
      if (!this.streamSid) return;
      this.event("invalid_message", {
        issues: parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; "),
      });
      return;
    }
    const event: TwilioStreamEvent = parsed.data;
    // Until a valid `start` proves which call this is, only `connected` is accepted.
    if (event.event !== "connected" && event.event !== "start" && !this.streamSid) return;
    switch (event.event) {
      case "connected":
        this.event("connected", { protocol: event.protocol ?? null });
        return;
      case "start":
        return this.onStart(callSid, event);
      case "media":
        this.framesIn++;
        this.sendRealtime({ type: "input_audio_buffer.append", audio: event.media.payload });
        return;
      case "mark":
        this.onMarkPlayed(event.mark.name);
        return;
      case "dtmf":
        this.event("dtmf", { digit: event.dtmf.digit });
        return;
      case "stop":
        this.event("stop");
        this.end(CLOSE_NORMAL, "call ended");
        return;
    }
  }

  private async onStart(callSid: string, event: StreamStart): Promise<void> {
    if (this.streamSid) return;
    const { authToken } = this.config.twilio;
    let call: CallDetails;
    try {
      if (!authToken) throw new InvalidStreamToken("Twilio is not configured");
      const claims = await verifyStreamToken(authToken, event.start.customParameters.token ?? "");
      if (claims.call_sid !== callSid || event.start.callSid !== callSid) {
        throw new InvalidStreamToken("token is for another call");
      }
      call = {
        call_sid: claims.call_sid,
        account_sid: claims.account_sid,
        tenant_id: claims.tenant_id,
        conversation_id: claims.conversation_id,
        from: claims.from,
        to: claims.to,
      };
    } catch (error) {
      if (!(error instanceof InvalidStreamToken)) throw error;
      // Nothing is stored for a stream that could not say whose call it is.
      log("warn", "voice stream refused", { call_sid: callSid, reason: error.message });
      this.earlyEvents = [];
      this.end(CLOSE_POLICY, "invalid stream token");
      return;
    }
    this.call = call;
    this.streamSid = event.streamSid;
    this.startedAt = Date.now();
    const early = this.earlyEvents;
    this.earlyEvents = [];
    this.record((db) => recordCallEvents(db, call, early));
    this.event("start", {
      stream_sid: event.streamSid,
      encoding: event.start.mediaFormat?.encoding ?? null,
      sample_rate: event.start.mediaFormat?.sampleRate ?? null,
    });
    // The tenant's assistant for this number speaks on the call; looked up while the socket opens.
    const instructions = withDatabase(this.config, (session) =>
      session.tenant(call.tenant_id, (db) => answeringAssistant(db, call.tenant_id, "voice", call.to), {
        readOnly: true,
      }),
    ).then(
      (assistant) => assistant?.instructions ?? null,
      (error) => {
        log("warn", "voice assistant lookup failed, using the default instructions", errorFields(error));
        return null;
      },
    );
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
    this.sendRealtime(sessionUpdate(this.config, await instructions));
  }

  private onRealtimeMessage(data: string): void {
    if (this.ended) return;
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return;
    }
    const parsed = RealtimeServerEventSchema.safeParse(json);
    if (!parsed.success) return; // one of the many events the bridge has no use for
    const event: RealtimeServerEvent = parsed.data;
    switch (event.type) {
      case "response.output_audio.delta":
      case "response.audio.delta":
        this.framesOut++;
        this.sendTwilio({ event: "media", streamSid: this.streamSid, media: { payload: event.delta } });
        this.sendTwilio({
          event: "mark",
          streamSid: this.streamSid,
          mark: { name: `assistant-${++this.lastMarkSent}` },
        });
        return;
      case "input_audio_buffer.speech_started":
        this.onCallerSpeaks();
        return;
      case "response.created":
        this.responding = true;
        return;
      case "response.done":
        this.responding = false;
        return;
      case "conversation.item.input_audio_transcription.completed":
        this.record((db, call) => recordTranscript(db, call, "caller", event.transcript));
        return;
      case "response.output_audio_transcript.done":
      case "response.audio_transcript.done":
        this.record((db, call) => recordTranscript(db, call, "assistant", event.transcript));
        return;
      case "error":
        this.event("assistant_error", {
          message: event.error.message,
          code: event.error.code ?? null,
        });
        return;
    }
  }

  /**
   * Barge-in: the caller talks while the assistant is still answering (a response is being generated, or
   * audio sent to Twilio has not played yet), so Twilio drops its queued audio and the response stops.
   */
  private onCallerSpeaks(): void {
    const playing = this.lastMarkPlayed < this.lastMarkSent;
    if (!playing && !this.responding) return;
    this.sendTwilio({ event: "clear", streamSid: this.streamSid });
    if (this.responding) this.sendRealtime({ type: "response.cancel" });
    this.event("barge_in", { cancelled_response: this.responding });
    this.responding = false;
    this.lastMarkPlayed = this.lastMarkSent;
  }

  private onMarkPlayed(name: string): void {
    const mark = Number(name.match(/^assistant-(\d+)$/)?.[1]);
    if (!(mark > this.lastMarkPlayed)) return;
    this.lastMarkPlayed = mark;
    if (mark === this.lastMarkSent) this.event("assistant_played", { mark: name });
  }

  private sendTwilio(message: Record<string, unknown>): void {
    if (this.twilio?.readyState === WebSocket.OPEN) this.twilio.send(JSON.stringify(message));
  }

  private sendRealtime(message: Record<string, unknown>): void {
    if (this.realtime?.readyState === WebSocket.OPEN) this.realtime.send(JSON.stringify(message));
  }

  /**
   * Ends the call once: records its end and closes both sockets. Before the call has started, only lets go
   * of the current socket, so the genuine stream can still connect.
   */
  private end(code: number, reason: string): void {
    if (this.ended) return;
    if (!this.streamSid) {
      const socket = this.twilio;
      this.twilio = undefined;
      closeQuietly(socket, code, reason);
      return;
    }
    this.ended = true;
    const summary = {
      stream_sid: this.streamSid,
      reason,
      duration_ms: Date.now() - this.startedAt,
      frames_in: this.framesIn,
      frames_out: this.framesOut,
    };
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
