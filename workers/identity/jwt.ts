import { type CryptoKey, errors, importJWK, type JWK, type JWTPayload, jwtVerify, SignJWT } from "jose";
import type { Config } from "../config/config.ts";

// Every token this API signs: EdDSA with the configured keys, issuer "borde", an audience per kind of token
// (so a token of one kind never passes as another), and a kid so keys can rotate.
const ISSUER = "borde";
const ALGORITHM = "EdDSA";

type KeySet = {
  signingKid: string;
  signingKey: CryptoKey;
  verifyKeys: Map<string, CryptoKey>;
  publicJwks: JWK[];
};

// Importing keys costs CPU; do it once per isolate and configuration.
const keySets = new WeakMap<Config, Promise<KeySet>>();

function keySet(config: Config): Promise<KeySet> {
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

export class InvalidToken extends Error {
  override name = "InvalidToken";
}

export async function signToken(
  config: Config,
  token: { audience: string; subject: string; claims: JWTPayload; expiresIn: string },
): Promise<string> {
  const { signingKid, signingKey } = await keySet(config);
  return new SignJWT(token.claims)
    .setProtectedHeader({ alg: ALGORITHM, kid: signingKid, typ: "JWT" })
    .setSubject(token.subject)
    .setIssuer(ISSUER)
    .setAudience(token.audience)
    .setIssuedAt()
    .setExpirationTime(token.expiresIn)
    .sign(signingKey);
}

/** Verifies signature, algorithm, kid, issuer, audience and expiry; throws `InvalidToken` saying why. */
export async function verifyToken(config: Config, token: string, audience: string): Promise<JWTPayload> {
  const { verifyKeys } = await keySet(config);
  try {
    const { payload } = await jwtVerify(
      token,
      (header) => {
        const key = header.kid ? verifyKeys.get(header.kid) : undefined;
        if (!key) throw new InvalidToken("unknown signing key");
        return key;
      },
      { algorithms: [ALGORITHM], issuer: ISSUER, audience },
    );
    return payload;
  } catch (error) {
    if (error instanceof InvalidToken) throw error;
    if (error instanceof errors.JWTExpired) throw new InvalidToken("token expired");
    throw new InvalidToken("token is invalid");
  }
}

export async function publicJwks(config: Config): Promise<JWK[]> {
  return (await keySet(config)).publicJwks;
}
