import { base64url, constantTimeEqual, fromBase64url } from "../lib/crypto.ts";

// Workers cap PBKDF2 at 100,000 iterations. The count is stored with each hash, so it can be raised later
// and old hashes still verify.
const ITERATIONS = 100_000;
/**
 * PBKDF2 keys HMAC with the password itself, and HMAC pads a key shorter than its block with zero bytes
 * (and hashes a longer one): `secret` and `secret\0` derived the same hash, and so did a long password and
 * its SHA-256 digest. Deriving from the password's SHA-256 digest gives every password a key of its own.
 */
const SCHEME = "pbkdf2_sha256_digest";
/** The first scheme, keyed with the raw password; such hashes still verify and are replaced at sign-in. */
const RAW_KEY_SCHEME = "pbkdf2_sha256";
const encoder = new TextEncoder();

async function derive(
  keyMaterial: BufferSource,
  salt: Uint8Array<ArrayBuffer>,
  iterations: number,
): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", keyMaterial, "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations },
    key,
    256,
  );
  return new Uint8Array(bits);
}

const digestOf = (password: string) => crypto.subtle.digest("SHA-256", encoder.encode(password));

/** `pbkdf2_sha256_digest$<iterations>$<salt>$<hash>`, salt and hash base64url. */
export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const hash = await derive(await digestOf(password), salt, ITERATIONS);
  return `${SCHEME}$${ITERATIONS}$${base64url(salt)}$${base64url(hash)}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, iterations, salt, hash] = stored.split("$");
  if (!iterations || !salt || !hash) return false;
  if (scheme !== SCHEME && scheme !== RAW_KEY_SCHEME) return false;
  const keyMaterial = scheme === SCHEME ? await digestOf(password) : encoder.encode(password);
  const derived = await derive(keyMaterial, fromBase64url(salt), Number(iterations));
  return constantTimeEqual(derived, fromBase64url(hash));
}

/** A hash made by an older scheme or with fewer iterations, to be replaced once the password is known. */
export function needsRehash(stored: string): boolean {
  const [scheme, iterations] = stored.split("$");
  return scheme !== SCHEME || Number(iterations) < ITERATIONS;
}

// Verified against when the email is unknown, so that answer takes as long as a wrong password.
let decoyHash: Promise<string> | undefined;
export function decoyPasswordHash(): Promise<string> {
  decoyHash ??= hashPassword(base64url(crypto.getRandomValues(new Uint8Array(16))));
  return decoyHash;
}
