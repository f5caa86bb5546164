import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { Logger } from "../../workers/lib/log.ts";
import type { BucketPolicy, RateLimitLease } from "../../workers/ratelimit/buckets.ts";
import { LeasedBuckets, leaseLifetimeMs, leaseSize, type TakeTokens } from "../../workers/ratelimit/lease.ts";
import { leaseTokens } from "../../workers/ratelimit/limiter.ts";

/** A token bucket on a clock the test moves, granting leases as the RateLimiter object does. */
function bucketOnClock(policy: BucketPolicy, clock: { now: number }) {
  let tokens = policy.capacity;
  let updatedAt = clock.now;
  const calls = { count: 0 };
  const take: TakeTokens = async (count): Promise<RateLimitLease> => {
    calls.count++;
    tokens = Math.min(policy.capacity, tokens + ((clock.now - updatedAt) / 1000) * policy.refillPerSecond);
    updatedAt = clock.now;
    const granted = Math.min(count, Math.floor(tokens));
    tokens -= granted;
    return {
      granted,
      allowed: granted > 0,
      limit: policy.capacity,
      remaining: Math.floor(tokens),
      resetSeconds: Math.ceil((policy.capacity - tokens) / policy.refillPerSecond),
      retryAfterSeconds: granted > 0 ? 0 : Math.ceil((1 - tokens) / policy.refillPerSecond),
    };
  };
  return { take, calls };
}

async function admitted(
  buckets: LeasedBuckets,
  key: string,
  policy: BucketPolicy,
  take: TakeTokens,
  n: number,
) {
  const decisions = await Promise.all(Array.from({ length: n }, () => buckets.admit(key, policy, take)));
  return decisions.filter((decision) => decision?.allowed).length;
}

describe("leases of rate-limit tokens", () => {
  it("admit exactly the bucket's capacity across isolates, never more, against the real Durable Object", async () => {
    const key = `test:${crypto.randomUUID()}`;
    const policy = { capacity: 100, refillPerSecond: 0.001 };
    const isolates = [new LeasedBuckets(), new LeasedBuckets(), new LeasedBuckets()];
    const take: TakeTokens = (count) => leaseTokens(env, key, policy, count, new Logger());
    const counts = await Promise.all(isolates.map((isolate) => admitted(isolate, key, policy, take, 80)));
    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(100);
  });

  it("admit at most one lease more than the exact bucket over any interval", async () => {
    // The worst case: a lease taken just before the bucket is full again, spent alongside a full bucket.
    const policy = { capacity: 100, refillPerSecond: 100 / 60 };
    const clock = { now: 0 };
    const { take } = bucketOnClock(policy, clock);
    const early = new LeasedBuckets(() => clock.now);
    const late = new LeasedBuckets(() => clock.now);
    expect(await admitted(early, "k", policy, take, 1)).toBe(1);
    clock.now = leaseLifetimeMs(policy) - 1;
    // In this instant the exact bucket would admit its capacity, no more.
    const inWindow =
      (await admitted(late, "k", policy, take, 200)) + (await admitted(early, "k", policy, take, 200));
    expect(inWindow).toBeGreaterThan(policy.capacity);
    expect(inWindow).toBeLessThanOrEqual(policy.capacity + leaseSize(policy));
  });

  it("stop spending a lease once its lifetime is over", async () => {
    const policy = { capacity: 100, refillPerSecond: 100 / 60 };
    const clock = { now: 0 };
    const { take, calls } = bucketOnClock(policy, clock);
    const isolate = new LeasedBuckets(() => clock.now);
    await isolate.admit("k", policy, take);
    clock.now = leaseLifetimeMs(policy);
    await isolate.admit("k", policy, take);
    expect(calls.count).toBe(2);
  });

  it("cost one call per lease, shared by requests that find it empty together", async () => {
    const policy = { capacity: 200, refillPerSecond: 0.001 };
    const clock = { now: 0 };
    const { take, calls } = bucketOnClock(policy, clock);
    expect(await admitted(new LeasedBuckets(() => clock.now), "k", policy, take, 25)).toBe(25);
    expect(leaseSize(policy)).toBe(10);
    expect(calls.count).toBe(3);
  });

  it("refuse with Retry-After once the bucket is empty, and fail open when the limiter is unreachable", async () => {
    const policy = { capacity: 3, refillPerSecond: 0.5 };
    const clock = { now: 0 };
    const { take } = bucketOnClock(policy, clock);
    const isolate = new LeasedBuckets(() => clock.now);
    expect(await admitted(isolate, "k", policy, take, 3)).toBe(3);
    const refused = await isolate.admit("k", policy, take);
    expect(refused?.allowed).toBe(false);
    expect(refused?.retryAfterSeconds).toBe(2);
    expect(await isolate.admit("other", policy, async () => null)).toBeNull();
  });
});
