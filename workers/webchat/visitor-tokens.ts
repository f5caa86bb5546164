import { z } from "zod";
import type { Config } from "../config/config.ts";
import { InvalidToken, signToken, verifyToken } from "../identity/jwt.ts";

const AUDIENCE = "borde-webchat";
const TTL = "30d";

const VisitorClaimsSchema = z.object({ sub: z.uuid(), tid: z.uuid(), cid: z.uuid() });

/** Who a returning visitor is: their contact (`sub`), tenant (`tid`) and conversation (`cid`). */
export type VisitorClaims = z.infer<typeof VisitorClaimsSchema>;

/** Signed with the API's keys but for another audience, so it can never pass as an access token. */
export function signVisitorToken(config: Config, claims: VisitorClaims): Promise<string> {
  return signToken(config, {
    audience: AUDIENCE,
    subject: claims.sub,
    claims: { tid: claims.tid, cid: claims.cid },
    expiresIn: TTL,
  });
}

/** The claims of a valid token, or null: an invalid or expired token just starts a new conversation. */
export async function verifyVisitorToken(config: Config, token: string): Promise<VisitorClaims | null> {
  try {
    const claims = VisitorClaimsSchema.safeParse(await verifyToken(config, token, AUDIENCE));
    return claims.success ? claims.data : null;
  } catch (error) {
    if (error instanceof InvalidToken) return null;
    throw error;
  }
}
