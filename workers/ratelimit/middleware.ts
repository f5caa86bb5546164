import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../http/app-env.ts";
import { HttpProblem } from "../http/problem.ts";
import { metrics } from "../observability/recorder.ts";
import { LeasedBuckets } from "./lease.ts";
import { consumeToken, leaseTokens, rateLimitHeaders } from "./limiter.ts";
import { bucketFor, bucketKind } from "./policies.ts";

/**
 * After `authenticate()`, so callers are counted as themselves. Exact buckets cost one Durable Object
 * call per request; the others are admitted from this isolate's leases, mostly with no call at all.
 */
export function rateLimit(): MiddlewareHandler<AppEnv> {
  const leases = new LeasedBuckets(); // one app per isolate, so one set of leases per isolate
  return async (c, next) => {
    const { key, policy, exact } = bucketFor(
      c.req.path,
      c.get("principal"),
      c.req.header("cf-connecting-ip") ?? "unknown",
      c.get("config").rateLimitScale,
    );
    const log = c.get("log");
    const decision = exact
      ? await consumeToken(c.env, key, policy, log)
      : await leases.admit(key, policy, (count) => leaseTokens(c.env, key, policy, count, log));
    const outcome = !decision ? "unavailable" : decision.allowed ? "allowed" : "refused";
    metrics.add("borde_rate_limit_decisions_total", { bucket: bucketKind(key), outcome });
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
