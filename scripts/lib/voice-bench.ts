// Media-stream latency through the VoiceCall bridge: the time from one caller frame in (the silent frame
// that ends a turn, on which the local Realtime server answers at once) to the first answer frame out, as
// Twilio would see it on its WebSocket. The Realtime side is the local protocol server from the tests, so
// what is measured is the bridge (Worker, Durable Object, two WebSockets over loopback), not a model.
import { WebSocket } from "ws";
import { silentFrame, sineFrames } from "../../test/support/mulaw.ts";
import { RESPONSE_FRAMES } from "../../test/support/realtime-script.ts";
import { twilioSignature } from "../../workers/channels/twilio/signature.ts";

export const BENCH_TWILIO = {
  accountSid: `ACbe0c${"0".repeat(28)}`,
  authToken: "bench-twilio-auth-token",
};

/** The number the bench calls; `routeBenchNumber` routes it to the demo tenant. */
export const BENCH_VOICE_NUMBER = "+14155550199";

/** Routes the bench number's calls to the signed-in tenant (already routed from an earlier run is fine). */
export async function routeBenchNumber(url: string, accessToken: string): Promise<void> {
  const response = await fetch(`${url}/api/v1/channels/numbers`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${accessToken}` },
    body: JSON.stringify({ channel: "voice", phone_number: BENCH_VOICE_NUMBER }),
  });
  if (response.status !== 201 && response.status !== 409) {
    throw new Error(`routing the bench number failed: ${response.status} ${await response.text()}`);
  }
}

type StreamMessage = { event: string; mark?: { name: string } };

const callSid = () => `CA${crypto.randomUUID().replace(/-/g, "")}`;

/** Answers a call through the signed webhook and returns the stream token from the TwiML. */
async function answerCall(url: string, sid: string): Promise<string> {
  const target = `${url}/api/v1/channels/voice/incoming`;
  const form = {
    CallSid: sid,
    AccountSid: BENCH_TWILIO.accountSid,
    From: "+14155550100",
    To: BENCH_VOICE_NUMBER,
  };
  const response = await fetch(target, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-twilio-signature": await twilioSignature(BENCH_TWILIO.authToken, target, Object.entries(form)),
    },
    body: new URLSearchParams(form),
  });
  const twiml = await response.text();
  const token = twiml.match(/<Parameter name="token" value="([^"]+)"\/>/)?.[1];
  if (!response.ok || !token) throw new Error(`incoming call webhook failed: ${response.status} ${twiml}`);
  return token;
}

/** One call of `turns` caller turns; returns the latency of each turn in milliseconds. */
export async function measureBridgeLatency(url: string, turns: number): Promise<number[]> {
  const sid = callSid();
  const token = await answerCall(url, sid);
  const socket = new WebSocket(`${url.replace(/^http/, "ws")}/api/v1/channels/voice/stream/${sid}`);
  await new Promise((resolve, reject) => {
    socket.once("open", resolve);
    socket.once("error", reject);
  });
  const streamSid = `MZ${sid.slice(2)}`;
  const waiting: ((message: StreamMessage) => void)[] = [];
  socket.on("message", (data) => {
    const message = JSON.parse(String(data)) as StreamMessage;
    for (const listener of [...waiting]) listener(message);
  });
  const next = (predicate: (message: StreamMessage) => boolean) =>
    new Promise<StreamMessage>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no answer from the bridge within 5 s")), 5000);
      const listener = (message: StreamMessage) => {
        if (!predicate(message)) return;
        clearTimeout(timer);
        waiting.splice(waiting.indexOf(listener), 1);
        resolve(message);
      };
      waiting.push(listener);
    });
  const send = (message: Record<string, unknown>) => socket.send(JSON.stringify(message));
  const media = (payload: string) => send({ event: "media", streamSid, media: { payload } });

  send({ event: "connected", protocol: "Call", version: "1.0.0" });
  send({
    event: "start",
    streamSid,
    start: {
      streamSid,
      callSid: sid,
      accountSid: BENCH_TWILIO.accountSid,
      tracks: ["inbound"],
      mediaFormat: { encoding: "audio/x-mulaw", sampleRate: 8000, channels: 1 },
      customParameters: { token },
    },
  });
  const speech = sineFrames(1);
  const silence = silentFrame();
  const latencies: number[] = [];
  for (let turn = 0; turn < turns; turn++) {
    media(speech[0] as string);
    const firstFrame = next((message) => message.event === "media");
    const started = performance.now();
    media(silence);
    await firstFrame;
    latencies.push(performance.now() - started);
    // Let the answer finish and report it played, so the next turn starts from a quiet line.
    let lastMark: StreamMessage | undefined;
    for (let frame = 0; frame < RESPONSE_FRAMES; frame++) {
      lastMark = await next((message) => message.event === "mark");
    }
    send({ event: "mark", streamSid, mark: lastMark?.mark });
  }
  send({ event: "stop", streamSid, stop: { callSid: sid, accountSid: BENCH_TWILIO.accountSid } });
  await new Promise((resolve) => {
    socket.once("close", resolve);
    setTimeout(resolve, 2000);
  });
  return latencies;
}

export function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const value = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? 0;
  return Math.round(value * 100) / 100;
}
