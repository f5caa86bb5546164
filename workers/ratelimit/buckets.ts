/** A token bucket: `capacity` tokens at most, refilled continuously at `refillPerSecond`. */
export type BucketPolicy = { capacity: number; refillPerSecond: number };

/** What taking a token from a bucket decided, with what the RateLimit-* headers report. */
export type RateLimitDecision = {
  allowed: boolean;
  limit: number;
  /** Whole tokens left after this call. */
  remaining: number;
  /** Seconds until the bucket is full again. */
  resetSeconds: number;
  /** Seconds until this call would be allowed; 0 when it was. */
  retryAfterSeconds: number;
};

/** A decision for several tokens at once: `granted` of them were taken. */
export type RateLimitLease = RateLimitDecision & { granted: number };
