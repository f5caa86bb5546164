// Ed25519 keys for JWT_SIGNING_KEYS: for `npm run keys:generate`, `npm run dev` and the tests.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { exportJWK, generateKeyPair } from "jose";

export async function newSigningKey() {
  const { privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
  const jwk = await exportJWK(privateKey);
  return {
    kty: "OKP" as const,
    crv: "Ed25519" as const,
    x: jwk.x ?? "",
    d: jwk.d ?? "",
    kid: crypto.randomUUID(),
  };
}

/**
 * The local JWT_SIGNING_KEYS value: kept in a git-ignored file so sessions survive a restart of
 * `npm run dev`, made on first use so a fresh clone needs no setup.
 */
export async function localSigningKeys(file: string): Promise<string> {
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  const value = JSON.stringify([await newSigningKey()]);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  return value;
}
