import { z } from "@hono/zod-openapi";

export const CallSidSchema = z
  .string()
  .regex(/^CA[0-9a-fA-F]{32}$/, "must be a Twilio call SID (CA followed by 32 hex digits)");

/** The form Twilio posts when a call reaches a number whose voice webhook is Borde. */
export const IncomingCallSchema = z
  .object({
    CallSid: CallSidSchema,
    AccountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, "must be a Twilio account SID"),
    From: z.string().min(1).max(64),
    To: z.string().min(1).max(64),
    CallStatus: z.string().max(32).optional(),
    Direction: z.string().max(32).optional(),
  })
  .openapi("TwilioIncomingCall");

export const StreamPathSchema = z.object({
  call_sid: CallSidSchema.openapi({
    param: { name: "call_sid", in: "path" },
    example: "CA0123456789abcdef0123456789abcdef",
  }),
});

// Twilio's media stream messages (https://www.twilio.com/docs/voice/media-streams/websocket-messages).
// Twilio sends numbers as strings in some fields; only what the bridge uses is required.

const ConnectedEvent = z.object({ event: z.literal("connected"), protocol: z.string().optional() });

const StartEvent = z.object({
  event: z.literal("start"),
  streamSid: z.string().min(1),
  start: z.object({
    streamSid: z.string().min(1),
    callSid: CallSidSchema,
    accountSid: z.string().min(1),
    tracks: z.array(z.string()).optional(),
    mediaFormat: z
      .object({ encoding: z.string(), sampleRate: z.coerce.number(), channels: z.coerce.number() })
      .optional(),
    customParameters: z.record(z.string(), z.string()).default({}),
  }),
});

const MediaEvent = z.object({
  event: z.literal("media"),
  streamSid: z.string().min(1),
  media: z.object({
    track: z.string().optional(),
    chunk: z.coerce.number().optional(),
    timestamp: z.coerce.number().optional(),
    payload: z.base64(),
  }),
});

const MarkEvent = z.object({
  event: z.literal("mark"),
  streamSid: z.string().min(1),
  mark: z.object({ name: z.string() }),
});

const DtmfEvent = z.object({
  event: z.literal("dtmf"),
  streamSid: z.string().min(1),
  dtmf: z.object({ track: z.string().optional(), digit: z.string().min(1).max(1) }),
});

const StopEvent = z.object({
  event: z.literal("stop"),
  streamSid: z.string().min(1),
  stop: z.object({ callSid: z.string().optional(), accountSid: z.string().optional() }).optional(),
});

export const TwilioStreamEventSchema = z.discriminatedUnion("event", [
  ConnectedEvent,
  StartEvent,
  MediaEvent,
  MarkEvent,
  DtmfEvent,
  StopEvent,
]);
export type TwilioStreamEvent = z.infer<typeof TwilioStreamEventSchema>;
export type StreamStart = z.infer<typeof StartEvent>;

// The Realtime API's server events the bridge acts on, by their GA names; the beta names of the audio
// events (`response.audio.delta`, `response.audio_transcript.done`) are accepted too. Anything else is
// ignored.

const AudioDelta = z.object({
  type: z.enum(["response.output_audio.delta", "response.audio.delta"]),
  response_id: z.string().optional(),
  delta: z.base64(),
});

const AssistantTranscript = z.object({
  type: z.enum(["response.output_audio_transcript.done", "response.audio_transcript.done"]),
  transcript: z.string(),
});

const CallerTranscript = z.object({
  type: z.literal("conversation.item.input_audio_transcription.completed"),
  transcript: z.string(),
});

const SpeechStarted = z.object({ type: z.literal("input_audio_buffer.speech_started") });
const ResponseCreated = z.object({ type: z.literal("response.created") });
const ResponseDone = z.object({ type: z.literal("response.done") });
const RealtimeError = z.object({
  type: z.literal("error"),
  error: z.object({ type: z.string().optional(), code: z.string().nullish(), message: z.string() }),
});

export const RealtimeServerEventSchema = z.discriminatedUnion("type", [
  AudioDelta,
  AssistantTranscript,
  CallerTranscript,
  SpeechStarted,
  ResponseCreated,
  ResponseDone,
  RealtimeError,
]);
export type RealtimeServerEvent = z.infer<typeof RealtimeServerEventSchema>;
