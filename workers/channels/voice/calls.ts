import type { z } from "@hono/zod-openapi";
import type { Config } from "../../config/config.ts";
import type { Env } from "../../config/env.ts";
import { connectStreamTwiml, sayAndHangUpTwiml } from "../twilio/twiml.ts";
import type { CallDetails } from "./call-record.ts";
import type { IncomingCallSchema } from "./schemas.ts";
import { signStreamToken } from "./stream-token.ts";

export const FALLBACK_GREETING =
  "Thank you for calling. Our voice assistant is not available right now; please try again later.";

export type IncomingCall = z.output<typeof IncomingCallSchema>;

export type CallAnswer = { twiml: string; source: "assistant" | "fallback" };

export const voiceCall = (env: Env, callSid: string) =>
  env.VOICE_CALL.get(env.VOICE_CALL.idFromName(callSid));

/**
 * Answers an incoming call: with an OpenAI key, TwiML connecting the call to its media stream (carrying a
 * signed token the VoiceCall object checks on `start`, since Twilio drops query strings from stream URLs);
 * without one, a short spoken fallback and a hang-up. Either way the call is recorded first.
 */
export async function answerIncomingCall(
  env: Env,
  config: Config,
  incoming: IncomingCall,
  requestUrl: string,
): Promise<CallAnswer> {
  const { authToken } = config.twilio;
  if (!authToken) throw new Error("voice webhooks run only behind twilioWebhook(), which requires a token");
  const call: CallDetails = {
    call_sid: incoming.CallSid,
    account_sid: incoming.AccountSid,
    // Numbers are routed to tenants by the channel configuration, which arrives with the conversations.
    tenant_id: null,
    from: incoming.From,
    to: incoming.To,
  };
  const source = config.openai.apiKey ? "assistant" : "fallback";
  await voiceCall(env, call.call_sid).registerCall(call, source);
  if (source === "fallback") return { twiml: sayAndHangUpTwiml(FALLBACK_GREETING), source };
  const url = new URL(`/api/v1/channels/voice/stream/${call.call_sid}`, requestUrl);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  const token = await signStreamToken(authToken, call);
  return { twiml: connectStreamTwiml(url.href, { token }), source };
}
