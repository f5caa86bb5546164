import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../http/app-env.ts";
import { HttpProblem } from "../http/problem.ts";
import { principalId } from "../identity/principal.ts";
import { type BucketPolicy, consumeToken, rateLimitHeaders } from "./limiter.ts";
import { ANONYMOUS_POLICY, CREDENTIAL_ROUTES, CREDENTIALS_POLICY, PLAN_POLICIES } from "./policies.ts";

/**
 * One Durable Object call per request: the credentials bucket of the IP on login-like routes, otherwise
 * the caller's bucket (by plan) or, for anonymous calls, the IP's. Runs after `authenticate()`.
 */
export function rateLimit(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const ip = c.req.header("cf-connecting-ip") ?? "unknown";
    const principal = c.get("principal");
    let key: string;
    let policy: BucketPolicy;
    if (CREDENTIAL_ROUTES.has(c.req.path)) {
      key = `credentials:ip:${ip}`;
      policy = CREDENTIALS_POLICY;
    } else if (principal) {
      key = principalId(principal);
      policy = PLAN_POLICIES[principal.plan];
    } else {
      key = `ip:${ip}`;
      policy = ANONYMOUS_POLICY;
    }
    const decision = await consumeToken(c.env, key, policy);
    if (!decision) return next();
    const headers = rateLimitHeaders(decision);
    if (!decision.allowed) {
      throw new HttpProblem(
        429,
        "Too Many Requests",
        `Rate limit reached; try again in ${decision.retryAfterSeconds} s.`,
        {
          headers,
        },
      );
    }
    await next();
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  };
}
