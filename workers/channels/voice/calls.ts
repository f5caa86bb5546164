import type { z } from "@hono/zod-openapi";
import type { Config } from "../../config/config.ts";
import type { Env } from "../../config/env.ts";
import { type DatabaseSession, withDatabase } from "../../db/client.ts";
import { errorFields, log } from "../../lib/log.ts";
import { tracedStub } from "../../observability/tracing.ts";
import { answeringAssistant, routeNumber } from "../numbers/numbers.ts";
import { connectStreamTwiml, sayAndHangUpTwiml } from "../twilio/twiml.ts";
import { type CallDetails, startCall } from "./call-record.ts";
import { signStreamToken } from "./stream-token.ts";
import type { IncomingCallSchema } from "./wire.ts";

export const FALLBACK_GREETING =
  "Thank you for calling. Our voice assistant is not available right now; please try again later.";

/** What a caller hears when the number is no tenant's (or is disabled): nothing is recorded. */
export const UNKNOWN_NUMBER_GREETING = "This number is not in service.";

export type IncomingCall = z.output<typeof IncomingCallSchema>;

export type CallAnswer = { twiml: string; source: "assistant" | "fallback" | "unknown_number" };

export const voiceCall = (env: Env, callSid: string) =>
  tracedStub("VoiceCall", env.VOICE_CALL.get(env.VOICE_CALL.idFromName(callSid)));

/**
 * Answers an incoming call to one of a tenant's numbers: records it as a `voice` conversation, then with
 * an OpenAI key connects it to its media stream (carrying a signed token naming the call, tenant and
 * conversation, which the VoiceCall object checks on `start`, since Twilio drops query strings from stream
 * URLs); without one, a short spoken fallback and a hang-up. A number no tenant has gets a short message.
 */
export async function answerIncomingCall(
  session: DatabaseSession,
  config: Config,
  incoming: IncomingCall,
  requestUrl: string,
): Promise<CallAnswer> {
  const { authToken } = config.twilio;
  if (!authToken) throw new Error("voice webhooks run only behind twilioWebhook(), which requires a token");
  const number = await routeNumber(session.db, "voice", incoming.To);
  if (!number) return { twiml: sayAndHangUpTwiml(UNKNOWN_NUMBER_GREETING), source: "unknown_number" };
  const tenantId = number.tenantId;
  const source = config.openai.apiKey ? "assistant" : "fallback";
  const conversationId = await session.tenant(tenantId, (db) =>
    startCall(db, tenantId, {
      call_sid: incoming.CallSid,
      from: incoming.From,
      to: incoming.To,
      answered_with: source,
    }),
  );
  if (source === "fallback") return { twiml: sayAndHangUpTwiml(FALLBACK_GREETING), source };
  const url = new URL(`/api/v1/channels/voice/stream/${incoming.CallSid}`, requestUrl);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  const token = await signStreamToken(authToken, {
    call_sid: incoming.CallSid,
    account_sid: incoming.AccountSid,
    tenant_id: tenantId,
    conversation_id: conversationId,
    from: incoming.From,
    to: incoming.To,
  });
  return { twiml: connectStreamTwiml(url.href, { token }), source };
}

/**
 * The instructions of the tenant's assistant for the called number, or null for the default ones (also
 * when the lookup fails: the call goes on with the default assistant rather than not at all).
 */
export function callInstructions(config: Config, call: CallDetails): Promise<string | null> {
  return withDatabase(config, (session) =>
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
}
