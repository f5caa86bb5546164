// What the local Realtime server (fake-realtime.ts) answers, shared with the tests that check it.
import { sineFrames } from "./mulaw.ts";

/** A frame whose loudest sample is above this counts as speech for the server's voice detection. */
export const SPEECH_PEAK = 1000;
/** Each response is this many 20 ms audio deltas: a 660 Hz tone, distinct from what tests send. */
export const RESPONSE_FRAMES = 5;
export const responseAudio = () => sineFrames(RESPONSE_FRAMES, 660, 6000);
export const ASSISTANT_TRANSCRIPT = "Fake realtime answer";
export const callerTranscript = (speechFrames: number) => `caller spoke for ${speechFrames * 20} ms`;
