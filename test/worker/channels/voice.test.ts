import { createExecutionContext, env, SELF, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../../workers/app.ts";
import { TEST_TWILIO_ACCOUNT_SID } from "../../support/constants.ts";
import { silentFrame, sineFrames } from "../../support/mulaw.ts";
import {
  ASSISTANT_TRANSCRIPT,
  callerTranscript,
  RESPONSE_FRAMES,
  responseAudio,
} from "../../support/realtime-script.ts";
import { BASE, callAs, randomIp, type TestAccount } from "../support/identity.ts";
import { callRecord, incomingCallForm, newCallSid, postTwilioWebhook, voiceLine } from "./support.ts";

const INCOMING = "/api/v1/channels/voice/incoming";

let line: { account: TestAccount; number: string };
beforeAll(async () => {
  line = await voiceLine();
});

type StreamMessage = {
  event: string;
  streamSid?: string;
  media?: { payload: string };
  mark?: { name: string };
};

/** A session as the local Realtime server (test/support/fake-realtime.ts) records it. */
type RealtimeSession = {
  authorization: string;
  model: string;
  session_update: {
    type: string;
    instructions: string;
    audio: {
      input: { format: { type: string }; turn_detection: { type: string } };
      output: { format: { type: string } };
    };
  };
  appended: string[];
  cancels: number;
  responses: number;
  closed: boolean;
};

async function waitFor<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string) {
  const deadline = Date.now() + 5000;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Answers an incoming call through the webhook and returns the stream URL and token from its TwiML. */
async function answerCall(callSid: string, number = line.number) {
  const response = await postTwilioWebhook(INCOMING, incomingCallForm(callSid, number));
  expect(response.status, await response.clone().text()).toBe(200);
  const twiml = await response.text();
  const url = twiml.match(/<Stream url="([^"]+)">/)?.[1];
  const token = twiml.match(/<Parameter name="token" value="([^"]+)"\/>/)?.[1];
  if (!url || !token) throw new Error(`no stream in ${twiml}`);
  return { url, token, twiml, source: response.headers.get("x-borde-source") };
}

/** Opens the media stream as Twilio does, and collects what the bridge sends back. */
async function openStream(callSid: string) {
  const response = await SELF.fetch(`${BASE}/api/v1/channels/voice/stream/${callSid}`, {
    headers: { Upgrade: "websocket", "cf-connecting-ip": randomIp() },
  });
  expect(response.status).toBe(101);
  const socket = response.webSocket;
  if (!socket) throw new Error("no socket in the upgrade response");
  socket.accept();
  const received: StreamMessage[] = [];
  socket.addEventListener("message", (event) => {
    received.push(JSON.parse(String(event.data)) as StreamMessage);
  });
  const closed = new Promise<number>((resolve) =>
    socket.addEventListener("close", (event) => {
      resolve(event.code);
      socket.close();
    }),
  );
  const streamSid = `MZ${callSid.slice(2)}`;
  let sequence = 0;
  let chunk = 0;
  const send = (message: Record<string, unknown>) =>
    socket.send(JSON.stringify({ ...message, sequenceNumber: String(++sequence) }));
  const sendAudio = (payloads: string[]) => {
    for (const payload of payloads) {
      chunk++;
      send({
        event: "media",
        streamSid,
        media: { track: "inbound", chunk: String(chunk), timestamp: String(chunk * 20), payload },
      });
    }
  };
  const start = (token: string) =>
    send({
      event: "start",
      streamSid,
      start: {
        streamSid,
        callSid,
        accountSid: TEST_TWILIO_ACCOUNT_SID,
        tracks: ["inbound"],
        mediaFormat: { encoding: "audio/x-mulaw", sampleRate: 8000, channels: 1 },
        customParameters: { token },
      },
    });
  return { socket, received, closed, streamSid, send, sendAudio, start };
}

async function realtimeSessionWith(payload: string): Promise<RealtimeSession | undefined> {
  const url = new URL(env.OPENAI_REALTIME_URL ?? "");
  url.protocol = "http:";
  url.pathname = "/__sessions";
  const sessions = await (await fetch(url)).json<RealtimeSession[]>();
  return sessions.find((session) => session.appended.includes(payload));
}

const media = (received: StreamMessage[]) => received.filter((message) => message.event === "media");

describe("voice calls", () => {
  it("answer with TwiML connecting the call to its media stream, with a signed token", async () => {
    const callSid = newCallSid();
    const answer = await answerCall(callSid);
    expect(answer.source).toBe("assistant");
    expect(answer.url).toBe(`wss://borde.test/api/v1/channels/voice/stream/${callSid}`);
    expect(answer.twiml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?><Response><Connect><Stream /);
    const record = await callRecord(callSid);
    expect(record).toMatchObject({
      tenant_id: line.account.tenantId,
      call_sid: callSid,
      from: "+14155550100",
      to: line.number,
      answered_with: "assistant",
      events: [{ type: "opened" }, { type: "call_started" }],
    });
    expect(record?.conversation).toMatchObject({
      channel: "voice",
      status: "open",
      localAddress: line.number,
    });
  });

  it("record a call once when Twilio retries the webhook", async () => {
    const callSid = newCallSid();
    await answerCall(callSid);
    await answerCall(callSid);
    const record = await callRecord(callSid);
    expect(record?.events.map((event) => event.type)).toEqual(["opened", "call_started"]);
  });

  it("answer a call to a number no tenant has with a short message, recording nothing", async () => {
    const callSid = newCallSid();
    const response = await postTwilioWebhook(INCOMING, incomingCallForm(callSid, "+14155550123"));
    expect(response.status).toBe(200);
    expect(response.headers.get("x-borde-source")).toBe("unknown_number");
    expect(await response.text()).toMatch(/<Response><Say>[^<]+<\/Say><Hangup\/><\/Response>$/);
    expect(await callRecord(callSid)).toBeNull();
  });

  it("keep a tenant's calls away from another tenant", async () => {
    const callSid = newCallSid();
    await answerCall(callSid);
    const record = await callRecord(callSid);
    const other = await voiceLine();
    const path = `/api/v1/conversations/${record?.conversation?.id}`;
    expect((await callAs(line.account, "GET", path)).status).toBe(200);
    expect((await callAs(other.account, "GET", path)).status).toBe(404);
    expect((await callAs(other.account, "GET", `${path}/messages`)).status).toBe(404);
  });

  it("answer with a spoken fallback and record the call when no OpenAI key is set", async () => {
    const app = createApp();
    const ctx = createExecutionContext();
    const withoutKey = { ...env, OPENAI_API_KEY: undefined };
    const callSid = newCallSid();
    const response = await postTwilioWebhook(
      INCOMING,
      incomingCallForm(callSid, line.number),
      {},
      {
        fetch: (request) => Promise.resolve(app.fetch(request, withoutKey, ctx)),
      },
    );
    await waitOnExecutionContext(ctx);
    expect(response.status).toBe(200);
    expect(response.headers.get("x-borde-source")).toBe("fallback");
    const twiml = await response.text();
    expect(twiml).toMatch(/<Response><Say>[^<]+<\/Say><Hangup\/><\/Response>$/);
    expect(twiml).not.toContain("<Stream");
    expect(await callRecord(callSid)).toMatchObject({ call_sid: callSid, answered_with: "fallback" });
  });

  it("bridge a scripted media stream to the Realtime API both ways, with barge-in, and record it", async () => {
    const callSid = newCallSid();
    const { token } = await answerCall(callSid);
    const twilio = await openStream(callSid);
    twilio.send({ event: "connected", protocol: "Call", version: "1.0.0" });
    twilio.start(token);

    // The caller speaks for 100 ms, then pauses: the assistant answers.
    const speech = sineFrames(5, 440, 8000, Math.random() * Math.PI);
    const sent = [...speech, silentFrame()];
    twilio.sendAudio(sent);
    await waitFor(() => media(twilio.received).length > 0, "the assistant's audio");

    // The caller talks over the answer: Twilio's queued audio is cleared and the response cancelled.
    const interruption = sineFrames(3, 300, 8000);
    twilio.sendAudio(interruption);
    await waitFor(() => twilio.received.some((message) => message.event === "clear"), "a clear");
    const clearAt = twilio.received.findIndex((message) => message.event === "clear");
    twilio.sendAudio([silentFrame()]);
    sent.push(...interruption, silentFrame());

    // The second answer plays to its end; Twilio reports its last mark played, the caller presses 5, hangs up.
    await waitFor(
      () => media(twilio.received.slice(clearAt)).length === RESPONSE_FRAMES,
      "the whole second answer",
    );
    const lastMark = twilio.received.filter((message) => message.event === "mark").at(-1)?.mark?.name;
    twilio.send({ event: "mark", streamSid: twilio.streamSid, mark: { name: lastMark } });
    await waitFor(async () => {
      const record = await callRecord(callSid);
      const played = record?.events.some((event) => event.type === "assistant_played");
      return played && record?.transcript.some((entry) => entry.role === "assistant");
    }, "the answer to be played and its transcript recorded");
    twilio.send({ event: "dtmf", streamSid: twilio.streamSid, dtmf: { track: "inbound_track", digit: "5" } });
    twilio.send({
      event: "stop",
      streamSid: twilio.streamSid,
      stop: { accountSid: TEST_TWILIO_ACCOUNT_SID, callSid },
    });
    expect(await twilio.closed).toBe(1000);

    // Caller audio reached the Realtime API unchanged, in order, in a phone-audio session.
    const session = await waitFor(async () => {
      const found = await realtimeSessionWith(speech[0] as string);
      return found?.closed ? found : undefined;
    }, "the realtime session to close");
    expect(session.authorization).toBe("Bearer sk-test-local");
    expect(session.model).toBe("gpt-realtime");
    expect(session.session_update).toMatchObject({
      type: "realtime",
      audio: {
        input: { format: { type: "audio/pcmu" }, turn_detection: { type: "server_vad" } },
        output: { format: { type: "audio/pcmu" } },
      },
    });
    expect(session.appended).toEqual(sent);
    expect(session.cancels).toBe(1);
    expect(session.responses).toBe(2);

    // The assistant's audio reached Twilio unchanged, each chunk followed by a mark, all on this stream.
    const answerAudio = responseAudio();
    const played = media(twilio.received);
    expect(played.length).toBeGreaterThan(RESPONSE_FRAMES);
    for (const frame of played) expect(answerAudio).toContain(frame.media?.payload);
    expect(played.slice(-RESPONSE_FRAMES).map((frame) => frame.media?.payload)).toEqual(answerAudio);
    for (const [index, message] of twilio.received.entries()) {
      expect(message.streamSid).toBe(twilio.streamSid);
      if (message.event === "media") expect(twilio.received[index + 1]?.event).toBe("mark");
    }

    // The call is recorded in its conversation: events, duration, frame counts, and the transcript as
    // messages (the caller as visitor).
    const record = await waitFor(async () => {
      const found = await callRecord(callSid);
      return found?.ended ? found : undefined;
    }, "the call's end to be recorded");
    expect(record.ended).toMatchObject({
      stream_sid: twilio.streamSid,
      reason: "call ended",
      frames_in: sent.length,
      frames_out: played.length,
    });
    expect(record.ended?.duration_ms).toBeGreaterThanOrEqual(0);
    expect(record.events.map((event) => event.type)).toEqual([
      "opened",
      "call_started",
      "connected",
      "start",
      "barge_in",
      "assistant_played",
      "dtmf",
      "stop",
      "call_ended",
    ]);
    expect(record.events.find((event) => event.type === "dtmf")?.detail).toEqual({ digit: "5" });
    expect(record.transcript).toEqual([
      { role: "visitor", text: callerTranscript(5) },
      { role: "visitor", text: callerTranscript(3) },
      { role: "assistant", text: ASSISTANT_TRANSCRIPT },
    ]);
    const transcript = await callAs(
      line.account,
      "GET",
      `/api/v1/conversations/${record.conversation?.id}/messages`,
    );
    expect(((await transcript.json()) as { data: { role: string }[] }).data.map((m) => m.role)).toEqual([
      "visitor",
      "visitor",
      "assistant",
    ]);
  });

  it("give the call the instructions of the tenant's assistant for the number", async () => {
    const own = await voiceLine();
    const assistant = await callAs(own.account, "POST", "/api/v1/assistants", {
      name: "Lighthouse",
      model: "gpt-4o-mini",
      instructions: "Speak like a lighthouse keeper.",
    });
    const { id } = (await assistant.json()) as { id: string };
    const numbers = (await (await callAs(own.account, "GET", "/api/v1/channels/numbers")).json()) as {
      data: { id: string }[];
    };
    const numberId = numbers.data[0]?.id;
    expect(
      (await callAs(own.account, "PATCH", `/api/v1/channels/numbers/${numberId}`, { assistant_id: id }))
        .status,
    ).toBe(200);
    const callSid = newCallSid();
    const { token } = await answerCall(callSid, own.number);
    const twilio = await openStream(callSid);
    twilio.start(token);
    const speech = sineFrames(2, 440, 8000, Math.random() * Math.PI);
    twilio.sendAudio([...speech, silentFrame()]);
    await waitFor(() => media(twilio.received).length > 0, "the assistant's audio");
    twilio.send({ event: "stop", streamSid: twilio.streamSid });
    expect(await twilio.closed).toBe(1000);
    const session = await waitFor(() => realtimeSessionWith(speech[0] as string), "the realtime session");
    expect(session.session_update.instructions).toBe("Speak like a lighthouse keeper.");
  });

  it("keep bridging a call that lasts longer than the OpenAI timeout (which bounds only the handshake)", async () => {
    const callSid = newCallSid();
    const { token } = await answerCall(callSid);
    const twilio = await openStream(callSid);
    twilio.start(token);
    await new Promise((resolve) => setTimeout(resolve, Number(env.OPENAI_TIMEOUT_MS) + 200));
    twilio.sendAudio([...sineFrames(2, 440, 8000, Math.random() * Math.PI), silentFrame()]);
    await waitFor(() => media(twilio.received).length > 0, "the assistant's audio");
    twilio.send({ event: "stop", streamSid: twilio.streamSid });
    expect(await twilio.closed).toBe(1000);
  });

  it("close a stream whose start carries no valid token, forward nothing, and still take the genuine one", async () => {
    const callSid = newCallSid();
    const { token } = await answerCall(callSid);
    const twilio = await openStream(callSid);
    twilio.start("forged.token");
    const speech = sineFrames(2, 440, 8000, Math.random() * Math.PI);
    twilio.sendAudio(speech);
    expect(await twilio.closed).toBe(1008);
    expect(await realtimeSessionWith(speech[0] as string)).toBeUndefined();
    // A stream that cannot say whose call it is leaves nothing in the call's record.
    expect((await callRecord(callSid))?.events.map((event) => event.type)).toEqual([
      "opened",
      "call_started",
    ]);

    const genuine = await openStream(callSid);
    genuine.start(token);
    await waitFor(
      async () => (await callRecord(callSid))?.events.some((event) => event.type === "start"),
      "the genuine stream",
    );
    genuine.send({ event: "stop", streamSid: genuine.streamSid });
    expect(await genuine.closed).toBe(1000);
  });

  it("close a stream that presents the token of another call", async () => {
    const callSid = newCallSid();
    const other = await answerCall(newCallSid());
    await answerCall(callSid);
    const twilio = await openStream(callSid);
    twilio.start(other.token);
    expect(await twilio.closed).toBe(1008);
    expect((await callRecord(callSid))?.events.map((event) => event.type)).toEqual([
      "opened",
      "call_started",
    ]);
  });

  it("refuse a stream request that is not a WebSocket upgrade", async () => {
    const response = await SELF.fetch(`${BASE}/api/v1/channels/voice/stream/${newCallSid()}`, {
      headers: { "cf-connecting-ip": randomIp() },
    });
    expect(response.status).toBe(426);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
  });
});
