import type { Config } from "../../config/config.ts";

export class RealtimeUnavailable extends Error {
  override name = "RealtimeUnavailable";
}

/** What the assistant is told about the call when the tenant has no assistant of its own for it. */
const CALL_INSTRUCTIONS =
  "You are a helpful voice assistant answering a phone call. Keep answers short and speak naturally.";

/**
 * Opens the outbound WebSocket to the Realtime API: Workers open client WebSockets with a fetch carrying
 * `Upgrade: websocket` (on the https:// form of the wss:// URL), which lets the key travel as a header.
 */
export async function openRealtimeSocket(config: Config): Promise<WebSocket> {
  const { apiKey, realtimeUrl, realtimeModel, timeoutMs } = config.openai;
  if (!apiKey) throw new RealtimeUnavailable("OPENAI_API_KEY is not set");
  const url = new URL(realtimeUrl);
  url.protocol = url.protocol === "wss:" ? "https:" : "http:";
  url.searchParams.set("model", realtimeModel);
  // The timeout bounds the handshake only: an abort signal on this fetch could also end the call's socket.
  let timer: ReturnType<typeof setTimeout> | null = null;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  const upgrade = fetch(url, { headers: { Upgrade: "websocket", Authorization: `Bearer ${apiKey}` } });
  upgrade.catch(() => undefined); // once timed out, a late failure has no one to report to
  let response: Response;
  try {
    response = await Promise.race([upgrade, timedOut]);
  } catch (error) {
    throw new RealtimeUnavailable(`could not reach the Realtime API: ${String(error)}`);
  } finally {
    clearTimeout(timer);
  }
  const socket = response.webSocket;
  if (!socket) throw new RealtimeUnavailable(`the Realtime API refused the connection (${response.status})`);
  socket.accept();
  return socket;
}

/**
 * Phone audio both ways (G.711 µ-law at 8 kHz, what Twilio streams), server-side voice activity detection
 * so the model answers when the caller pauses, and transcription of the caller's turns. The instructions
 * are those of the tenant's assistant for the number, when it has one.
 */
export function sessionUpdate(config: Config, instructions: string | null = null) {
  return {
    type: "session.update",
    session: {
      type: "realtime",
      model: config.openai.realtimeModel,
      output_modalities: ["audio"],
      instructions: instructions ?? CALL_INSTRUCTIONS,
      audio: {
        input: {
          format: { type: "audio/pcmu" },
          turn_detection: { type: "server_vad" },
          transcription: { model: "gpt-4o-mini-transcribe" },
        },
        output: { format: { type: "audio/pcmu" }, voice: "alloy" },
      },
    },
  };
}
