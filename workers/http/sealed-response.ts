import { base64url, fromBase64url } from "../lib/crypto.ts";

/** What a replay answers: the first response's body, its media type and where it said the resource is. */
export type StoredResponse = { body: string; contentType: string | null; location: string | null };

const encoder = new TextEncoder();

/**
 * Responses may hold secrets shown once (an API key's), so they are stored encrypted (AES-GCM) with a key
 * derived from the Idempotency-Key the client sent and the key's scope: the database alone cannot open
 * them, while the client's retry, which carries the same key, can.
 */
async function keyFor(
  scope: string,
  idempotencyKey: string,
  usage: "encrypt" | "decrypt",
): Promise<CryptoKey> {
  const material = await crypto.subtle.digest("SHA-256", encoder.encode(`${scope}\n${idempotencyKey}`));
  return crypto.subtle.importKey("raw", material, "AES-GCM", false, [usage]);
}

export async function sealResponse(scope: string, idempotencyKey: string, response: StoredResponse) {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv },
    await keyFor(scope, idempotencyKey, "encrypt"),
    encoder.encode(JSON.stringify(response)),
  );
  return `${base64url(iv)}.${base64url(new Uint8Array(sealed))}`;
}

export async function openResponse(
  scope: string,
  idempotencyKey: string,
  sealed: string,
): Promise<StoredResponse> {
  const [iv = "", data = ""] = sealed.split(".");
  const plain = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: fromBase64url(iv) },
    await keyFor(scope, idempotencyKey, "decrypt"),
    fromBase64url(data),
  );
  return JSON.parse(new TextDecoder().decode(plain)) as StoredResponse;
}
