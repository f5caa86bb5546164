import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../http/app-env.ts";
import { HttpProblem } from "../http/problem.ts";
import { consumeToken, rateLimitHeaders } from "./limiter.ts";
import { bucketFor } from "./policies.ts";

/** One Durable Object call per request, after `authenticate()` so callers are counted as themselves. */
export function rateLimit(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const { key, policy } = bucketFor(
      c.req.path,
      c.get("principal"),
      c.req.header("cf-connecting-ip") ?? "unknown",
      c.get("config").rateLimitScale,
    );
    const decision = await consumeToken(c.env, key, policy);
    if (!decision) return next();
    const headers = rateLimitHeaders(decision);
    if (!decision.allowed) {
      throw new HttpProblem(
        "rate-limited",
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
