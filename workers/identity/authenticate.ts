import type { MiddlewareHandler } from "hono";
import type { Principal } from "../access/principal.ts";
import type { AppEnv } from "../http/app-env.ts";
import { errorFields } from "../lib/log.ts";
import { verifyAccessToken } from "./access-tokens.ts";
import { looksLikeApiKey, touchApiKey, verifyApiKey } from "./api-keys.ts";
import { readAccessCookie } from "./cookies.ts";
import { InvalidToken } from "./jwt.ts";

/**
 * Works out who is calling, from `x-api-key`, `Authorization: Bearer` (an access token or an API key) or
 * the access cookie, in that order. It never refuses a request itself: routes that need a caller say so
 * with `authorize()`, which reports why authentication failed. Access tokens are checked without the
 * database; API keys cost one query, and their last use is recorded after the response.
 */
export function authenticate(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const authorization = c.req.header("authorization");
    const bearer = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
    const apiKey = c.req.header("x-api-key") ?? (bearer && looksLikeApiKey(bearer) ? bearer : undefined);
    const cookie = readAccessCookie(c);
    try {
      let principal: Principal | undefined;
      if (apiKey) {
        const key = await verifyApiKey(c.get("database").db, apiKey);
        if (!key) throw new InvalidToken("API key is invalid, expired or revoked");
        principal = {
          kind: "api_key",
          apiKeyId: key.id,
          tenantId: key.tenantId,
          scopes: key.scopes,
          plan: key.plan,
        };
        c.executionCtx.waitUntil(
          touchApiKey(c.get("database").db, key.id).catch((error) =>
            c.get("log").warn("api key touch failed", errorFields(error)),
          ),
        );
      } else if (bearer || cookie) {
        const claims = await verifyAccessToken(c.get("config"), (bearer ?? cookie) as string);
        principal = {
          kind: "user",
          userId: claims.sub,
          tenantId: claims.tid,
          role: claims.role,
          plan: claims.plan,
          sessionId: claims.sid,
          via: bearer ? "bearer" : "cookie",
        };
      }
      if (principal) {
        c.set("principal", principal);
        c.set("log", c.get("log").with({ tenant_id: principal.tenantId }));
      }
    } catch (error) {
      if (!(error instanceof InvalidToken)) throw error;
      c.set("authError", error.message);
    }
    await next();
  };
}
