// The translation between Twilio's media stream and the OpenAI Realtime API, as pure functions: given the
// call's state and one incoming message, what goes out on each socket, what is recorded, and the next state.
// The VoiceCall object (durable-objects/voice-call.ts) holds the sockets and carries the results out.
import type { CallSummary, EventDetail } from "./call-record.ts";
import {
  type RealtimeServerEvent,
  RealtimeServerEventSchema,
  type StreamStart,
  type TwilioStreamEvent,
  TwilioStreamEventSchema,
} from "./wire.ts";

/** The live state of a call's bridge. */
export type BridgeState = {
  /** Twilio's id of the media stream, once a valid `start` proved which call it is. */
  streamSid: string | null;
  /** The model is generating a response. */
  responding: boolean;
  /** Marks are numbered; Twilio echoes each once the audio before it has played. */
  lastMarkSent: number;
  lastMarkPlayed: number;
  framesIn: number;
  framesOut: number;
};

export const initialBridgeState = (): BridgeState => ({
  streamSid: null,
  responding: false,
  lastMarkSent: 0,
  lastMarkPlayed: 0,
  framesIn: 0,
  framesOut: 0,
});

export type TwilioOutbound =
  | { event: "media"; streamSid: string; media: { payload: string } }
  | { event: "mark"; streamSid: string; mark: { name: string } }
  | { event: "clear"; streamSid: string };

export type RealtimeOutbound =
  | { type: "input_audio_buffer.append"; audio: string }
  | { type: "response.cancel" };

export type Transcript = { speaker: "caller" | "assistant"; text: string };

/** What one incoming message leads to; the object sends, records and ends in this order. */
export type BridgeStep = {
  state: BridgeState;
  toTwilio: TwilioOutbound[];
  toRealtime: RealtimeOutbound[];
  /** Call events to record, in order. */
  events: { name: string; detail: EventDetail }[];
  transcripts: Transcript[];
  /** A `start` whose token the object must check before the call counts as started. */
  start?: StreamStart;
  /** The call is over, for this reason. */
  end?: string;
};

const step = (state: BridgeState, changes: Partial<Omit<BridgeStep, "state">> = {}): BridgeStep => ({
  state,
  toTwilio: [],
  toRealtime: [],
  events: [],
  transcripts: [],
  ...changes,
});

const MARK_NAME = /^assistant-(\d+)$/;

/** One text message from Twilio's media stream. */
export function fromTwilio(state: BridgeState, data: string): BridgeStep {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return state.streamSid
      ? step(state, { events: [{ name: "invalid_message", detail: { reason: "not JSON" } }] })
      : step(state);
  }
  const parsed = TwilioStreamEventSchema.safeParse(json);
  if (!parsed.success) {
    // Before a valid `start` the sender is unknown: its noise is not worth storing.
    if (!state.streamSid) return step(state);
    const issues = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
    return step(state, { events: [{ name: "invalid_message", detail: { issues } }] });
  }
  const event: TwilioStreamEvent = parsed.data;
  // Until a valid `start` proves which call this is, only `connected` is accepted.
  if (event.event !== "connected" && event.event !== "start" && !state.streamSid) return step(state);
  switch (event.event) {
    case "connected":
      return step(state, { events: [{ name: "connected", detail: { protocol: event.protocol ?? null } }] });
    case "start":
      return state.streamSid ? step(state) : step(state, { start: event });
    case "media":
      return step(
        { ...state, framesIn: state.framesIn + 1 },
        { toRealtime: [{ type: "input_audio_buffer.append", audio: event.media.payload }] },
      );
    case "mark":
      return markPlayed(state, event.mark.name);
    case "dtmf":
      return step(state, { events: [{ name: "dtmf", detail: { digit: event.dtmf.digit } }] });
    case "stop":
      return step(state, { events: [{ name: "stop", detail: {} }], end: "call ended" });
  }
}

/** The stream proved which call it is: the bridge starts, and the `start` event is what gets recorded. */
export function started(state: BridgeState, event: StreamStart): { state: BridgeState; detail: EventDetail } {
  return {
    state: { ...state, streamSid: event.streamSid },
    detail: {
      stream_sid: event.streamSid,
      encoding: event.start.mediaFormat?.encoding ?? null,
      sample_rate: event.start.mediaFormat?.sampleRate ?? null,
    },
  };
}

/**
 * One text message from the Realtime API; events the bridge has no use for change nothing. The Realtime
 * socket opens only once the stream has started, so there is always a stream to answer on.
 */
export function fromRealtime(state: BridgeState, data: string): BridgeStep {
  const { streamSid } = state;
  if (!streamSid) return step(state);
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return step(state);
  }
  const parsed = RealtimeServerEventSchema.safeParse(json);
  if (!parsed.success) return step(state);
  const event: RealtimeServerEvent = parsed.data;
  switch (event.type) {
    case "response.output_audio.delta":
    case "response.audio.delta": {
      const mark = state.lastMarkSent + 1;
      return step(
        { ...state, framesOut: state.framesOut + 1, lastMarkSent: mark },
        {
          toTwilio: [
            { event: "media", streamSid, media: { payload: event.delta } },
            { event: "mark", streamSid, mark: { name: `assistant-${mark}` } },
          ],
        },
      );
    }
    case "input_audio_buffer.speech_started":
      return callerSpeaks(state, streamSid);
    case "response.created":
      return step({ ...state, responding: true });
    case "response.done":
      return step({ ...state, responding: false });
    case "conversation.item.input_audio_transcription.completed":
      return step(state, { transcripts: [{ speaker: "caller", text: event.transcript }] });
    case "response.output_audio_transcript.done":
    case "response.audio_transcript.done":
      return step(state, { transcripts: [{ speaker: "assistant", text: event.transcript }] });
    case "error":
      return step(state, {
        events: [
          {
            name: "assistant_error",
            detail: { message: event.error.message, code: event.error.code ?? null },
          },
        ],
      });
  }
}

/**
 * Barge-in: the caller talks while the assistant is still answering (a response is being generated, or
 * audio sent to Twilio has not played yet), so Twilio drops its queued audio and the response stops.
 */
function callerSpeaks(state: BridgeState, streamSid: string): BridgeStep {
  const playing = state.lastMarkPlayed < state.lastMarkSent;
  if (!playing && !state.responding) return step(state);
  return step(
    { ...state, responding: false, lastMarkPlayed: state.lastMarkSent },
    {
      toTwilio: [{ event: "clear", streamSid }],
      toRealtime: state.responding ? [{ type: "response.cancel" }] : [],
      events: [{ name: "barge_in", detail: { cancelled_response: state.responding } }],
    },
  );
}

/** Twilio played the audio up to mark `name`; once the last one has played, the assistant has finished. */
function markPlayed(state: BridgeState, name: string): BridgeStep {
  const mark = Number(name.match(MARK_NAME)?.[1]);
  if (!(mark > state.lastMarkPlayed)) return step(state);
  return step(
    { ...state, lastMarkPlayed: mark },
    mark === state.lastMarkSent ? { events: [{ name: "assistant_played", detail: { mark: name } }] } : {},
  );
}

/** What the call's `call_ended` event says. */
export function callSummary(
  state: BridgeState & { streamSid: string },
  reason: string,
  durationMs: number,
): CallSummary {
  return {
    stream_sid: state.streamSid,
    reason,
    duration_ms: durationMs,
    frames_in: state.framesIn,
    frames_out: state.framesOut,
  };
}
