import { jwtVerify, SignJWT } from "jose";
import { z } from "zod";
import type { Config } from "../config/config.ts";
import { keySet } from "../identity/access-tokens.ts";

const ISSUER = "borde";
const AUDIENCE = "borde-webchat";
const ALGORITHM = "EdDSA";
const TTL = "30d";

const VisitorClaimsSchema = z.object({ sub: z.uuid(), tid: z.uuid(), cid: z.uuid() });

/** Who a returning visitor is: their contact (`sub`), tenant (`tid`) and conversation (`cid`). */
export type VisitorClaims = z.infer<typeof VisitorClaimsSchema>;

/** Signed with the API's keys but for another audience, so it can never pass as an access token. */
export async function signVisitorToken(config: Config, claims: VisitorClaims): Promise<string> {
  const { signingKid, signingKey } = await keySet(config);
  return new SignJWT({ tid: claims.tid, cid: claims.cid })
    .setProtectedHeader({ alg: ALGORITHM, kid: signingKid, typ: "JWT" })
    .setSubject(claims.sub)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(TTL)
    .sign(signingKey);
}

/** The claims of a valid token, or null: an invalid or expired token just starts a new conversation. */
export async function verifyVisitorToken(config: Config, token: string): Promise<VisitorClaims | null> {
  const { verifyKeys } = await keySet(config);
  try {
    const { payload } = await jwtVerify(
      token,
      (header) => {
        const key = header.kid ? verifyKeys.get(header.kid) : undefined;
        if (!key) throw new Error("unknown signing key");
        return key;
      },
      { algorithms: [ALGORITHM], issuer: ISSUER, audience: AUDIENCE },
    );
    const claims = VisitorClaimsSchema.safeParse(payload);
    return claims.success ? claims.data : null;
  } catch {
    return null;
  }
}
