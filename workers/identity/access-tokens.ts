import { z } from "zod";
import { PLANS, ROLES } from "../access/roles.ts";
import type { Config } from "../config/config.ts";
import { InvalidToken, signToken, verifyToken } from "./jwt.ts";

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
const AUDIENCE = "borde-api";

const AccessClaimsSchema = z.object({
  sub: z.uuid(),
  tid: z.uuid(),
  role: z.enum(ROLES),
  plan: z.enum(PLANS),
  /** The refresh-token family this access token was issued from: the login session. */
  sid: z.uuid(),
});
export type AccessClaims = z.infer<typeof AccessClaimsSchema>;

export function signAccessToken(config: Config, claims: AccessClaims): Promise<string> {
  const { sub, ...rest } = claims;
  return signToken(config, {
    audience: AUDIENCE,
    subject: sub,
    claims: rest,
    expiresIn: `${ACCESS_TOKEN_TTL_SECONDS}s`,
  });
}

/** Verifies an access token without touching the database; throws `InvalidToken` saying why not. */
export async function verifyAccessToken(config: Config, token: string): Promise<AccessClaims> {
  const claims = AccessClaimsSchema.safeParse(await verifyToken(config, token, AUDIENCE));
  if (!claims.success) throw new InvalidToken("token claims are malformed");
  return claims.data;
}
