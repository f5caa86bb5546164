import { base64url, constantTimeEqual, fromBase64url } from "../lib/crypto.ts";

// Workers cap PBKDF2 at 100,000 iterations. The count is stored with each hash, so it can be raised later
// and old hashes still verify.
const ITERATIONS = 100_000;
const SCHEME = "pbkdf2_sha256";
const encoder = new TextEncoder();

async function derive(
  password: string,
  salt: Uint8Array<ArrayBuffer>,
  iterations: number,
): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(password), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations },
    key,
    256,
  );
  return new Uint8Array(bits);
}

/** `pbkdf2_sha256$<iterations>$<salt>$<hash>`, salt and hash base64url. */
export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const hash = await derive(password, salt, ITERATIONS);
  return `${SCHEME}$${ITERATIONS}$${base64url(salt)}$${base64url(hash)}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, iterations, salt, hash] = stored.split("$");
  if (scheme !== SCHEME || !iterations || !salt || !hash) return false;
  const derived = await derive(password, fromBase64url(salt), Number(iterations));
  return constantTimeEqual(derived, fromBase64url(hash));
}

// Verified against when the email is unknown, so that answer takes as long as a wrong password.
let decoyHash: Promise<string> | undefined;
export function decoyPasswordHash(): Promise<string> {
  decoyHash ??= hashPassword(base64url(crypto.getRandomValues(new Uint8Array(16))));
  return decoyHash;
}
