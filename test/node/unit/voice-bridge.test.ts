import { describe, expect, it } from "vitest";
import {
  type BridgeState,
  callSummary,
  fromRealtime,
  fromTwilio,
  initialBridgeState,
  started,
} from "../../../workers/channels/voice/bridge.ts";

const CALL_SID = "CA0123456789abcdef0123456789abcdef";
const AUDIO = "AAECAw==";

const twilio = (message: object) => JSON.stringify(message);
const realtime = (message: object) => JSON.stringify(message);

const startMessage = {
  event: "start",
  streamSid: "MZ1",
  start: {
    streamSid: "MZ1",
    callSid: CALL_SID,
    accountSid: "AC0123456789abcdef0123456789abcdef",
    mediaFormat: { encoding: "audio/x-mulaw", sampleRate: "8000", channels: "1" },
    customParameters: { token: "t" },
  },
};

/** A bridge whose stream has started, with any fields changed. */
const live = (changes: Partial<BridgeState> = {}): BridgeState => ({
  ...initialBridgeState(),
  streamSid: "MZ1",
  ...changes,
});

describe("voice bridge: Twilio → Realtime", () => {
  it("ignores everything but connected and start before the stream has started", () => {
    const state = initialBridgeState();
    const media = fromTwilio(state, twilio({ event: "media", streamSid: "MZ1", media: { payload: AUDIO } }));
    expect(media).toMatchObject({ state, toRealtime: [], events: [] });
    expect(fromTwilio(state, "not json").events).toEqual([]);
    expect(fromTwilio(state, twilio({ event: "media" })).events).toEqual([]);
    expect(fromTwilio(state, twilio({ event: "connected", protocol: "Call" })).events).toEqual([
      { name: "connected", detail: { protocol: "Call" } },
    ]);
  });

  it("hands a start to the object to check its token, once", () => {
    const { start } = fromTwilio(initialBridgeState(), twilio(startMessage));
    if (!start) throw new Error("the start was not handed over");
    expect(start.streamSid).toBe("MZ1");
    const { state, detail } = started(initialBridgeState(), start);
    expect(state.streamSid).toBe("MZ1");
    expect(detail).toEqual({ stream_sid: "MZ1", encoding: "audio/x-mulaw", sample_rate: 8000 });
    expect(fromTwilio(state, twilio(startMessage)).start).toBeUndefined();
  });

  it("forwards caller audio as input_audio_buffer.append and counts it", () => {
    const step = fromTwilio(live(), twilio({ event: "media", streamSid: "MZ1", media: { payload: AUDIO } }));
    expect(step.toRealtime).toEqual([{ type: "input_audio_buffer.append", audio: AUDIO }]);
    expect(step.state.framesIn).toBe(1);
  });

  it("records malformed messages once the stream has started", () => {
    expect(fromTwilio(live(), "{").events).toEqual([
      { name: "invalid_message", detail: { reason: "not JSON" } },
    ]);
    const [invalid] = fromTwilio(live(), twilio({ event: "dtmf", streamSid: "MZ1", dtmf: {} })).events;
    expect(invalid?.name).toBe("invalid_message");
    expect(invalid?.detail.issues).toContain("dtmf.digit");
  });

  it("records keypresses and ends the call on stop", () => {
    expect(
      fromTwilio(live(), twilio({ event: "dtmf", streamSid: "MZ1", dtmf: { digit: "5" } })).events,
    ).toEqual([{ name: "dtmf", detail: { digit: "5" } }]);
    const stop = fromTwilio(live(), twilio({ event: "stop", streamSid: "MZ1" }));
    expect(stop.events).toEqual([{ name: "stop", detail: {} }]);
    expect(stop.end).toBe("call ended");
  });

  it("moves the played mark forward only, and records when the last one has played", () => {
    const state = live({ lastMarkSent: 3, lastMarkPlayed: 1 });
    const mark = (name: string) => twilio({ event: "mark", streamSid: "MZ1", mark: { name } });
    const second = fromTwilio(state, mark("assistant-2"));
    expect(second.state.lastMarkPlayed).toBe(2);
    expect(second.events).toEqual([]);
    const last = fromTwilio(second.state, mark("assistant-3"));
    expect(last.state.lastMarkPlayed).toBe(3);
    expect(last.events).toEqual([{ name: "assistant_played", detail: { mark: "assistant-3" } }]);
    expect(fromTwilio(last.state, mark("assistant-2")).state.lastMarkPlayed).toBe(3);
    expect(fromTwilio(last.state, mark("someone-else-9")).state).toEqual(last.state);
  });
});

describe("voice bridge: Realtime → Twilio", () => {
  it("sends the model's audio to Twilio, each chunk followed by a numbered mark", () => {
    const first = fromRealtime(live(), realtime({ type: "response.output_audio.delta", delta: AUDIO }));
    expect(first.toTwilio).toEqual([
      { event: "media", streamSid: "MZ1", media: { payload: AUDIO } },
      { event: "mark", streamSid: "MZ1", mark: { name: "assistant-1" } },
    ]);
    const second = fromRealtime(first.state, realtime({ type: "response.audio.delta", delta: AUDIO }));
    expect(second.toTwilio[1]).toEqual({ event: "mark", streamSid: "MZ1", mark: { name: "assistant-2" } });
    expect(second.state).toMatchObject({ framesOut: 2, lastMarkSent: 2 });
  });

  it("clears Twilio's audio and cancels the response when the caller talks over the assistant", () => {
    const responding = fromRealtime(
      live({ lastMarkSent: 2, lastMarkPlayed: 1 }),
      realtime({ type: "response.created" }),
    );
    const barge = fromRealtime(responding.state, realtime({ type: "input_audio_buffer.speech_started" }));
    expect(barge.toTwilio).toEqual([{ event: "clear", streamSid: "MZ1" }]);
    expect(barge.toRealtime).toEqual([{ type: "response.cancel" }]);
    expect(barge.events).toEqual([{ name: "barge_in", detail: { cancelled_response: true } }]);
    expect(barge.state).toMatchObject({ responding: false, lastMarkPlayed: 2 });
  });

  it("only clears queued audio when the response is already done", () => {
    const done = fromRealtime(
      live({ lastMarkSent: 2, lastMarkPlayed: 1, responding: true }),
      realtime({ type: "response.done" }),
    );
    const barge = fromRealtime(done.state, realtime({ type: "input_audio_buffer.speech_started" }));
    expect(barge.toTwilio).toEqual([{ event: "clear", streamSid: "MZ1" }]);
    expect(barge.toRealtime).toEqual([]);
    expect(barge.events).toEqual([{ name: "barge_in", detail: { cancelled_response: false } }]);
  });

  it("does nothing when the caller speaks while the assistant is silent", () => {
    const state = live({ lastMarkSent: 2, lastMarkPlayed: 2 });
    const step = fromRealtime(state, realtime({ type: "input_audio_buffer.speech_started" }));
    expect(step).toMatchObject({ state, toTwilio: [], toRealtime: [], events: [] });
  });

  it("records both sides of the transcript and the model's errors", () => {
    expect(
      fromRealtime(
        live(),
        realtime({ type: "conversation.item.input_audio_transcription.completed", transcript: "Hi" }),
      ).transcripts,
    ).toEqual([{ speaker: "caller", text: "Hi" }]);
    expect(
      fromRealtime(live(), realtime({ type: "response.output_audio_transcript.done", transcript: "Hello" }))
        .transcripts,
    ).toEqual([{ speaker: "assistant", text: "Hello" }]);
    expect(
      fromRealtime(live(), realtime({ type: "error", error: { message: "bad", code: "x" } })).events,
    ).toEqual([{ name: "assistant_error", detail: { message: "bad", code: "x" } }]);
  });

  it("ignores events it has no use for, and anything before the stream has started", () => {
    const state = live();
    expect(fromRealtime(state, realtime({ type: "session.created" })).state).toBe(state);
    expect(fromRealtime(state, "not json").state).toBe(state);
    const early = fromRealtime(
      initialBridgeState(),
      realtime({ type: "response.audio.delta", delta: AUDIO }),
    );
    expect(early.toTwilio).toEqual([]);
  });

  it("summarises the call for its call_ended event", () => {
    expect(
      callSummary({ ...live({ framesIn: 7, framesOut: 3 }), streamSid: "MZ1" }, "call ended", 1234),
    ).toEqual({
      stream_sid: "MZ1",
      reason: "call ended",
      duration_ms: 1234,
      frames_in: 7,
      frames_out: 3,
    });
  });
});
