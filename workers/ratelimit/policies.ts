import type { Principal } from "../access/principal.ts";
import { principalId } from "../access/principal.ts";
import type { Plan } from "../access/roles.ts";
import type { BucketPolicy } from "./buckets.ts";

const perMinute = (count: number): BucketPolicy => ({ capacity: count, refillPerSecond: count / 60 });

/** Anonymous callers, per IP. */
export const ANONYMOUS_POLICY = perMinute(60);

/** Login, register, refresh and password change: few attempts, so passwords cannot be guessed at speed. */
export const CREDENTIALS_POLICY = perMinute(10);

/**
 * Twilio's webhooks and media streams, per IP: Twilio calls from few addresses on behalf of every caller,
 * so the anonymous limit would refuse a busy number. Each request is still checked by its signature.
 */
export const TWILIO_POLICY = perMinute(6000);
const TWILIO_ROUTES = "/api/v1/channels/";

/** Signed-in people and API keys, per caller, by their tenant's plan. */
export const PLAN_POLICIES: Record<Plan, BucketPolicy> = {
  free: perMinute(300),
  pro: perMinute(1200),
  enterprise: perMinute(6000),
};

/** Routes that check credentials, matched on the routed path (after /v1 → /api/v1). */
export const CREDENTIAL_ROUTES = new Set([
  "/api/v1/auth/login",
  "/api/v1/auth/register",
  "/api/v1/auth/refresh",
  "/api/v1/auth/password",
]);

/**
 * The one bucket a request draws from: the credentials bucket of the IP on login-like routes, Twilio's on
 * the channel webhooks, otherwise the caller's bucket (by plan) or, for anonymous calls, the IP's. `scale` multiplies every limit
 * (RATE_LIMIT_SCALE: 1 in production; load tests raise it). `exact` buckets are counted by the Durable
 * Object on every request (credentials: each attempt at a password counts); the others through leases
 * (lease.ts), which admit at most one lease more than the exact bucket over any interval.
 */
export function bucketFor(
  path: string,
  principal: Principal | undefined,
  ip: string,
  scale: number,
): { key: string; policy: BucketPolicy; exact: boolean } {
  const scaled = (policy: BucketPolicy) => ({
    capacity: policy.capacity * scale,
    refillPerSecond: policy.refillPerSecond * scale,
  });
  if (CREDENTIAL_ROUTES.has(path))
    return { key: `credentials:ip:${ip}`, policy: scaled(CREDENTIALS_POLICY), exact: true };
  if (path.startsWith(TWILIO_ROUTES))
    return { key: `twilio:ip:${ip}`, policy: scaled(TWILIO_POLICY), exact: false };
  if (principal)
    return { key: principalId(principal), policy: scaled(PLAN_POLICIES[principal.plan]), exact: false };
  return { key: `ip:${ip}`, policy: scaled(ANONYMOUS_POLICY), exact: false };
}

/** The kind of a bucket, from its key: a bounded label for the rate-limit metrics (keys name callers). */
export function bucketKind(key: string): "credentials" | "twilio" | "anonymous" | "caller" {
  if (key.startsWith("credentials:")) return "credentials";
  if (key.startsWith("twilio:")) return "twilio";
  return key.startsWith("ip:") ? "anonymous" : "caller";
}
