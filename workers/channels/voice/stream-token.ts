import { z } from "zod";
import type { Config } from "../../config/config.ts";
import { base64url, constantTimeEqualText, fromBase64url, hmacSha256 } from "../../lib/crypto.ts";
import type { CallDetails } from "./call-record.ts";
import type { StreamStart } from "./wire.ts";

/** Twilio opens the stream within seconds of reading the TwiML; a token older than this is refused. */
export const STREAM_TOKEN_TTL_SECONDS = 120;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const StreamClaimsSchema = z.object({
  call_sid: z.string().regex(/^CA[0-9a-fA-F]{32}$/),
  account_sid: z.string().regex(/^AC[0-9a-fA-F]{32}$/),
  from: z.string(),
  to: z.string(),
  /** The tenant the called number belongs to, and the call's conversation there. */
  tenant_id: z.uuid(),
  conversation_id: z.uuid(),
  exp: z.number().int(),
});
export type StreamClaims = z.infer<typeof StreamClaimsSchema>;

export class InvalidStreamToken extends Error {
  override name = "InvalidStreamToken";
}

// The token travels through Twilio and back, so it is signed with a key only Borde and Twilio hold, kept
// apart from the webhook signatures by its own label: HMAC-SHA256(HMAC-SHA256(auth token, label), body).
async function mac(authToken: string, body: string): Promise<string> {
  const key = await hmacSha256(authToken, "borde voice stream token v1");
  return base64url(await hmacSha256(key, body));
}

/** A short-lived token tying a media stream to the call (and tenant) whose webhook issued it. */
export async function signStreamToken(
  authToken: string,
  claims: Omit<StreamClaims, "exp">,
  now = Date.now(),
): Promise<string> {
  const body = base64url(
    encoder.encode(JSON.stringify({ ...claims, exp: Math.floor(now / 1000) + STREAM_TOKEN_TTL_SECONDS })),
  );
  return `${body}.${await mac(authToken, body)}`;
}

export async function verifyStreamToken(authToken: string, token: string, now = Date.now()) {
  const [body, signature, extra] = token.split(".");
  if (!body || !signature || extra !== undefined) throw new InvalidStreamToken("token is malformed");
  if (!constantTimeEqualText(await mac(authToken, body), signature)) {
    throw new InvalidStreamToken("token signature is invalid");
  }
  let payload: unknown;
  try {
    payload = JSON.parse(decoder.decode(fromBase64url(body)));
  } catch {
    throw new InvalidStreamToken("token is malformed");
  }
  const claims = StreamClaimsSchema.safeParse(payload);
  if (!claims.success) throw new InvalidStreamToken("token claims are malformed");
  if (claims.data.exp * 1000 < now) throw new InvalidStreamToken("token expired");
  return claims.data;
}

/**
 * The call a media stream's `start` proves it belongs to: its token must be valid and name the call the
 * stream connected for, as must the `start` itself. Throws InvalidStreamToken otherwise.
 */
export async function callOfStream(
  config: Config,
  callSid: string,
  event: StreamStart,
): Promise<CallDetails> {
  const { authToken } = config.twilio;
  if (!authToken) throw new InvalidStreamToken("Twilio is not configured");
  const claims = await verifyStreamToken(authToken, event.start.customParameters.token ?? "");
  if (claims.call_sid !== callSid || event.start.callSid !== callSid) {
    throw new InvalidStreamToken("token is for another call");
  }
  return {
    call_sid: claims.call_sid,
    account_sid: claims.account_sid,
    tenant_id: claims.tenant_id,
    conversation_id: claims.conversation_id,
    from: claims.from,
    to: claims.to,
  };
}
