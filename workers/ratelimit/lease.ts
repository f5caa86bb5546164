import type { BucketPolicy, RateLimitDecision, RateLimitLease } from "./buckets.ts";

/** Share of a bucket's capacity one isolate takes at a time. */
export const LEASE_SHARE = 0.05;
/** A lease is never kept longer than this, however slowly its bucket refills. */
const MAX_LEASE_MS = 10_000;
/** Past this many buckets, expired leases are dropped so an isolate's memory stays small. */
const SWEEP_ABOVE = 10_000;

/** Tokens one lease takes: a share of the capacity, at least one. */
export const leaseSize = (policy: BucketPolicy) => Math.max(1, Math.floor(policy.capacity * LEASE_SHARE));

/**
 * How long a lease's tokens may be spent: the time the bucket takes to refill them, at most MAX_LEASE_MS.
 * A token spent from a lease was taken from the Durable Object at most this long before, so over any
 * interval a bucket admits at most refill × lifetime ≤ one lease's tokens more than the exact bucket would.
 */
export const leaseLifetimeMs = (policy: BucketPolicy) =>
  Math.min(MAX_LEASE_MS, (leaseSize(policy) / policy.refillPerSecond) * 1000);

type Lease = {
  /** Tokens left to admit requests with, in this isolate. */
  tokens: number;
  /** What the Durable Object had left after granting the lease, for the RateLimit-Remaining header. */
  remainingAtGrant: number;
  expiresAtMs: number;
};

/** Takes up to `count` tokens from the bucket's Durable Object; null when it cannot be reached. */
export type TakeTokens = (count: number) => Promise<RateLimitLease | null>;

/**
 * Leases of tokens from the RateLimiter Durable Object, kept in this isolate: a request is admitted from
 * its bucket's lease with no call, and only an empty or expired lease costs one. Requests that find the
 * lease empty at the same time share one call. Every admitted request spent a token the Durable Object
 * really took, so across all isolates a bucket never admits more than its tokens; a lease's unspent tokens
 * are lost when it expires (under-admission, at most one lease per isolate per lifetime).
 */
export class LeasedBuckets {
  #leases = new Map<string, Lease>();
  #renewing = new Map<string, Promise<RateLimitDecision | null | undefined>>();

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * Takes one token of the bucket `key`: a decision, or null when the limiter could not be reached (the
   * caller fails open).
   */
  async admit(key: string, policy: BucketPolicy, take: TakeTokens): Promise<RateLimitDecision | null> {
    for (;;) {
      const lease = this.#leases.get(key);
      if (lease && lease.tokens > 0 && lease.expiresAtMs > this.now()) {
        lease.tokens--;
        const remaining = lease.remainingAtGrant + lease.tokens;
        return {
          allowed: true,
          limit: policy.capacity,
          remaining,
          resetSeconds: Math.ceil((policy.capacity - remaining) / policy.refillPerSecond),
          retryAfterSeconds: 0,
        };
      }
      let renewing = this.#renewing.get(key);
      if (!renewing) {
        renewing = this.#renew(key, policy, take).finally(() => this.#renewing.delete(key));
        this.#renewing.set(key, renewing);
      }
      // A refusal or an unreachable limiter answers everyone waiting; a new lease is taken from above.
      const outcome = await renewing;
      if (outcome !== undefined) return outcome;
    }
  }

  /** Takes a new lease: undefined once it is stored, else the refusal (or null if unreachable). */
  async #renew(
    key: string,
    policy: BucketPolicy,
    take: TakeTokens,
  ): Promise<RateLimitDecision | null | undefined> {
    const granted = await take(leaseSize(policy));
    if (!granted) return null;
    const { granted: tokens, ...decision } = granted;
    if (tokens === 0) return decision;
    if (this.#leases.size > SWEEP_ABOVE) this.#sweep();
    this.#leases.set(key, {
      tokens,
      remainingAtGrant: decision.remaining,
      expiresAtMs: this.now() + leaseLifetimeMs(policy),
    });
    return undefined;
  }

  #sweep(): void {
    const now = this.now();
    for (const [key, lease] of this.#leases) if (lease.expiresAtMs <= now) this.#leases.delete(key);
  }
}
