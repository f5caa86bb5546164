import { type CryptoKey, errors, importJWK, type JWK, jwtVerify, SignJWT } from "jose";
import { z } from "zod";
import type { Config } from "../config/config.ts";
import { PLANS, ROLES } from "./schema.ts";

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
const ISSUER = "borde";
const AUDIENCE = "borde-api";
const ALGORITHM = "EdDSA";

const AccessClaimsSchema = z.object({
  sub: z.uuid(),
  tid: z.uuid(),
  role: z.enum(ROLES),
  plan: z.enum(PLANS),
  /** The refresh-token family this access token was issued from: the login session. */
  sid: z.uuid(),
});
export type AccessClaims = z.infer<typeof AccessClaimsSchema>;

export type KeySet = {
  signingKid: string;
  signingKey: CryptoKey;
  verifyKeys: Map<string, CryptoKey>;
  publicJwks: JWK[];
};

// Importing keys costs CPU; do it once per isolate and configuration.
const keySets = new WeakMap<Config, Promise<KeySet>>();

/** The imported signing and verification keys, shared by every kind of token this API signs. */
export function keySet(config: Config): Promise<KeySet> {
  let keys = keySets.get(config);
  if (!keys) {
    keys = (async () => {
      const verifyKeys = new Map<string, CryptoKey>();
      const publicJwks: JWK[] = [];
      let signingKey: CryptoKey | undefined;
      for (const [index, { d, ...publicJwk }] of config.signingKeys.entries()) {
        const jwk = { ...publicJwk, alg: ALGORITHM, use: "sig" };
        verifyKeys.set(jwk.kid, (await importJWK(jwk, ALGORITHM)) as CryptoKey);
        publicJwks.push(jwk);
        if (index === 0) signingKey = (await importJWK({ ...jwk, d }, ALGORITHM)) as CryptoKey;
      }
      const signingKid = config.signingKeys[0]?.kid;
      if (!signingKey || !signingKid) throw new Error("no signing key configured");
      return { signingKid, signingKey, verifyKeys, publicJwks };
    })();
    keySets.set(config, keys);
  }
  return keys;
}

export async function signAccessToken(config: Config, claims: AccessClaims): Promise<string> {
  const { signingKid, signingKey } = await keySet(config);
  const { sub, ...rest } = claims;
  return new SignJWT(rest)
    .setProtectedHeader({ alg: ALGORITHM, kid: signingKid, typ: "JWT" })
    .setSubject(sub)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${ACCESS_TOKEN_TTL_SECONDS}s`)
    .sign(signingKey);
}

export class InvalidAccessToken extends Error {
  override name = "InvalidAccessToken";
}

/** Verifies signature, algorithm, issuer, audience and expiry without touching the database. */
export async function verifyAccessToken(config: Config, token: string): Promise<AccessClaims> {
  const { verifyKeys } = await keySet(config);
  try {
    const { payload } = await jwtVerify(
      token,
      (header) => {
        const key = header.kid ? verifyKeys.get(header.kid) : undefined;
        if (!key) throw new InvalidAccessToken("unknown signing key");
        return key;
      },
      { algorithms: [ALGORITHM], issuer: ISSUER, audience: AUDIENCE },
    );
    const claims = AccessClaimsSchema.safeParse(payload);
    if (!claims.success) throw new InvalidAccessToken("token claims are malformed");
    return claims.data;
  } catch (error) {
    if (error instanceof InvalidAccessToken) throw error;
    if (error instanceof errors.JWTExpired) throw new InvalidAccessToken("token expired");
    throw new InvalidAccessToken("token is invalid");
  }
}

export async function publicJwks(config: Config): Promise<JWK[]> {
  return (await keySet(config)).publicJwks;
}
