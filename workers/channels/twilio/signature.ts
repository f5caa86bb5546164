import { constantTimeEqualText } from "../../lib/crypto.ts";

const encoder = new TextEncoder();

// Importing a key costs CPU; a deployment has one auth token, so keep its key per isolate.
const hmacKeys = new Map<string, Promise<CryptoKey>>();

function hmacKey(authToken: string): Promise<CryptoKey> {
  let key = hmacKeys.get(authToken);
  if (!key) {
    key = crypto.subtle.importKey("raw", encoder.encode(authToken), { name: "HMAC", hash: "SHA-1" }, false, [
      "sign",
    ]);
    hmacKeys.set(authToken, key);
  }
  return key;
}

/**
 * Twilio's request signature: base64(HMAC-SHA1(auth token, the full URL Twilio called, followed by each
 * POST parameter's name and value, sorted by name)). Repeated names are sorted by value, as Twilio's own
 * libraries do.
 */
export async function twilioSignature(
  authToken: string,
  url: string,
  params: Iterable<[string, string]>,
): Promise<string> {
  const sorted = [...params].sort(([nameA, valueA], [nameB, valueB]) =>
    nameA === nameB ? compare(valueA, valueB) : compare(nameA, nameB),
  );
  let data = url;
  for (const [name, value] of sorted) data += name + value;
  const mac = await crypto.subtle.sign("HMAC", await hmacKey(authToken), encoder.encode(data));
  let binary = "";
  for (const byte of new Uint8Array(mac)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

// Code-unit order, like Twilio's libraries (not locale order).
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** True when `signature` is the one Twilio would send for this request; compared in constant time. */
export async function isValidTwilioSignature(
  authToken: string,
  url: string,
  params: Iterable<[string, string]>,
  signature: string,
): Promise<boolean> {
  return constantTimeEqualText(await twilioSignature(authToken, url, params), signature);
}
