import type { Env } from "../config/env.ts";
import { errorFields, type Logger } from "../lib/log.ts";
import { tracedStub } from "../observability/tracing.ts";
import type { BucketPolicy, RateLimitDecision, RateLimitLease } from "./buckets.ts";

/**
 * Calls the bucket's Durable Object, chosen by the key so buckets spread over many objects. If the limiter
 * cannot be reached the request goes on (fail open) and that is logged: an outage of the limiter must not
 * become an outage of the API.
 */
async function callLimiter<T>(
  env: Env,
  key: string,
  log: Logger,
  call: (limiter: ReturnType<Env["RATE_LIMITER"]["get"]>) => Promise<T>,
): Promise<T | null> {
  try {
    return await call(tracedStub("RateLimiter", env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(key))));
  } catch (error) {
    log.warn("rate limiter unreachable, failing open", { key, ...errorFields(error) });
    return null;
  }
}

/** Takes one token from the bucket named `key`: exact, one call per request. */
export function consumeToken(
  env: Env,
  key: string,
  policy: BucketPolicy,
  log: Logger,
): Promise<RateLimitDecision | null> {
  return callLimiter(env, key, log, (limiter) => limiter.consume(key, policy));
}

/** Takes up to `count` tokens from the bucket at once, for an isolate's lease (lease.ts). */
export function leaseTokens(
  env: Env,
  key: string,
  policy: BucketPolicy,
  count: number,
  log: Logger,
): Promise<RateLimitLease | null> {
  return callLimiter(env, key, log, (limiter) => limiter.lease(key, policy, count));
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
