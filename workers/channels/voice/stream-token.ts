import { z } from "zod";
import { base64url, constantTimeEqualText, fromBase64url } from "../../lib/crypto.ts";

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
async function tokenKey(authToken: string): Promise<CryptoKey> {
  const root = await crypto.subtle.importKey(
    "raw",
    encoder.encode(authToken),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const derived = await crypto.subtle.sign("HMAC", root, encoder.encode("borde voice stream token v1"));
  return crypto.subtle.importKey("raw", derived, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
}

async function mac(authToken: string, body: string): Promise<string> {
  const signature = await crypto.subtle.sign("HMAC", await tokenKey(authToken), encoder.encode(body));
  return base64url(new Uint8Array(signature));
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
