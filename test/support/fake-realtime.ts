// A local WebSocket server that speaks the OpenAI Realtime API's event protocol, enough for a phone bridge:
// session.update, input_audio_buffer.append (µ-law), server voice activity detection, audio responses,
// transcripts and response.cancel. Its VAD is real, if crude: a frame whose peak is above SPEECH_PEAK is
// speech. When the caller starts speaking it sends `input_audio_buffer.speech_started`; when they stop, the
// caller's transcript and a response of RESPONSE_FRAMES audio deltas (one every 20 ms, the first at once),
// its transcript and `response.done` (see realtime-script.ts). `response.cancel` stops a response. `GET /__sessions` lists what
// every connection received.
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";
import { peakOf } from "./mulaw.ts";
import { ASSISTANT_TRANSCRIPT, callerTranscript, responseAudio, SPEECH_PEAK } from "./realtime-script.ts";

const RESPONSE_AUDIO = responseAudio();

export type RealtimeSession = {
  id: number;
  authorization: string | undefined;
  model: string | null;
  session_update: unknown;
  appended: string[];
  received_types: string[];
  cancels: number;
  responses: number;
  closed: boolean;
};

export type FakeRealtime = { url: string; sessions: RealtimeSession[]; close: () => Promise<void> };

function sendJson(response: ServerResponse, status: number, body: unknown) {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}

export async function startFakeRealtime(port = 0): Promise<FakeRealtime> {
  const sessions: RealtimeSession[] = [];
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://fake").pathname;
    if (request.method === "GET" && path === "/__sessions")
      return sendJson(response, 200, sessions.slice(-100));
    sendJson(response, 426, { error: { message: "expected a WebSocket upgrade" } });
  });
  const wss = new WebSocketServer({
    server,
    verifyClient: ({ req }, done) =>
      req.headers.authorization?.startsWith("Bearer ") ? done(true) : done(false, 401, "missing API key"),
  });
  wss.on("connection", (socket, request) => {
    const session: RealtimeSession = {
      id: sessions.length + 1,
      authorization: request.headers.authorization,
      model: new URL(request.url ?? "/", "http://fake").searchParams.get("model"),
      session_update: null,
      appended: [],
      received_types: [],
      cancels: 0,
      responses: 0,
      closed: false,
    };
    sessions.push(session);
    let events = 0;
    const send = (event: Record<string, unknown>) =>
      socket.send(JSON.stringify({ event_id: `evt_${++events}`, ...event }));
    let speaking = false;
    let speechFrames = 0;
    let item = 0;
    let active: { id: string; timer: NodeJS.Timeout } | undefined;

    const finishResponse = (status: "completed" | "cancelled") => {
      if (!active) return;
      clearInterval(active.timer);
      if (status === "completed")
        send({
          type: "response.output_audio_transcript.done",
          response_id: active.id,
          transcript: ASSISTANT_TRANSCRIPT,
        });
      send({ type: "response.done", response: { id: active.id, status } });
      active = undefined;
    };

    const respond = () => {
      session.responses++;
      const id = `resp_${session.id}_${session.responses}`;
      send({ type: "response.created", response: { id, status: "in_progress" } });
      let sent = 0;
      const delta = () => {
        const audio = RESPONSE_AUDIO[sent++];
        if (audio === undefined) return;
        send({
          type: "response.output_audio.delta",
          response_id: id,
          item_id: `item_${id}`,
          output_index: 0,
          content_index: 0,
          delta: audio,
        });
        if (sent === RESPONSE_AUDIO.length) finishResponse("completed");
      };
      active = { id, timer: setInterval(delta, 20) };
      delta();
    };

    send({ type: "session.created", session: { type: "realtime", model: session.model } });
    socket.on("message", (raw) => {
      let event: { type?: string; audio?: string; session?: unknown };
      try {
        event = JSON.parse(String(raw));
      } catch {
        return send({ type: "error", error: { type: "invalid_request_error", message: "not JSON" } });
      }
      session.received_types.push(String(event.type));
      switch (event.type) {
        case "session.update":
          session.session_update = event.session;
          return send({ type: "session.updated", session: event.session });
        case "input_audio_buffer.append": {
          const audio = String(event.audio ?? "");
          session.appended.push(audio);
          const loud = peakOf(audio) > SPEECH_PEAK;
          if (loud && !speaking) {
            speaking = true;
            speechFrames = 0;
            send({
              type: "input_audio_buffer.speech_started",
              audio_start_ms: 0,
              item_id: `item_in_${++item}`,
            });
          }
          if (loud) speechFrames++;
          if (!loud && speaking) {
            speaking = false;
            send({
              type: "input_audio_buffer.speech_stopped",
              audio_end_ms: speechFrames * 20,
              item_id: `item_in_${item}`,
            });
            send({ type: "input_audio_buffer.committed", item_id: `item_in_${item}` });
            send({
              type: "conversation.item.input_audio_transcription.completed",
              item_id: `item_in_${item}`,
              content_index: 0,
              transcript: callerTranscript(speechFrames),
            });
            respond();
          }
          return;
        }
        case "response.cancel":
          session.cancels++;
          if (!active)
            return send({
              type: "error",
              error: {
                type: "invalid_request_error",
                code: "response_cancel_not_active",
                message: "no active response",
              },
            });
          return finishResponse("cancelled");
        default:
          return;
      }
    });
    socket.on("close", () => {
      session.closed = true;
      if (active) clearInterval(active.timer);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${bound}/v1/realtime`,
    sessions,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
