import type { BucketPolicy, RateLimitDecision } from "../../durable-objects/rate-limiter.ts";
import type { Env } from "../config/env.ts";
import { errorFields, type Logger } from "../lib/log.ts";

export type { BucketPolicy, RateLimitDecision };

/**
 * Takes one token from the bucket named `key`. The Durable Object is chosen by the key, so buckets spread
 * over many objects. If the limiter cannot be reached the request goes on (fail open) and that is logged:
 * an outage of the limiter must not become an outage of the API.
 */
export async function consumeToken(
  env: Env,
  key: string,
  policy: BucketPolicy,
  log: Logger,
): Promise<RateLimitDecision | null> {
  try {
    const stub = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(key));
    return await stub.consume(key, policy);
  } catch (error) {
    log.warn("rate limiter unreachable, failing open", { key, ...errorFields(error) });
    return null;
  }
}

/** The IETF draft RateLimit-* headers, plus Retry-After when the call was refused. */
export function rateLimitHeaders(decision: RateLimitDecision): Record<string, string> {
  return {
    "RateLimit-Limit": String(decision.limit),
    "RateLimit-Remaining": String(decision.remaining),
    "RateLimit-Reset": String(decision.resetSeconds),
    ...(decision.allowed ? {} : { "Retry-After": String(decision.retryAfterSeconds) }),
  };
}
