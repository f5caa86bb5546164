import { DurableObject } from "cloudflare:workers";
import type { Env } from "../workers/config/env.ts";
import type { BucketPolicy, RateLimitDecision, RateLimitLease } from "../workers/ratelimit/buckets.ts";

type BucketRow = { tokens: number; updated_at_ms: number };

/**
 * Token buckets kept in this object's SQLite storage. Each call reads and writes synchronously with no
 * await in between, so concurrent calls are applied one after another and the count is exact.
 */
export class RateLimiter extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS buckets (key TEXT PRIMARY KEY, tokens REAL NOT NULL, updated_at_ms INTEGER NOT NULL)",
    );
  }

  consume(key: string, policy: BucketPolicy, cost = 1): RateLimitDecision {
    const { granted: _granted, ...decision } = this.#take(key, policy, cost, (available) =>
      available >= cost ? cost : 0,
    );
    return decision;
  }

  /**
   * Takes up to `count` tokens at once, so an isolate can admit that many requests without calling again
   * (workers/ratelimit/lease.ts); `granted` is how many it got, 0 when the bucket is empty.
   */
  lease(key: string, policy: BucketPolicy, count: number): RateLimitLease {
    return this.#take(key, policy, 1, (available) => Math.min(count, Math.floor(available)));
  }

  /** Refills the bucket, takes what `take` says from what is available, and stores the rest. */
  #take(
    key: string,
    policy: BucketPolicy,
    cost: number,
    take: (available: number) => number,
  ): RateLimitLease {
    const now = Date.now();
    const sql = this.ctx.storage.sql;
    const row = sql
      .exec<BucketRow>("SELECT tokens, updated_at_ms FROM buckets WHERE key = ?", key)
      .toArray()[0];
    const refilled = row
      ? Math.min(
          policy.capacity,
          row.tokens + (Math.max(0, now - row.updated_at_ms) / 1000) * policy.refillPerSecond,
        )
      : policy.capacity;
    const granted = take(refilled);
    const tokens = refilled - granted;
    sql.exec(
      "INSERT INTO buckets (key, tokens, updated_at_ms) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET tokens = excluded.tokens, updated_at_ms = excluded.updated_at_ms",
      key,
      tokens,
      now,
    );
    const allowed = granted > 0;
    return {
      granted,
      allowed,
      limit: policy.capacity,
      remaining: Math.floor(tokens),
      resetSeconds: Math.ceil((policy.capacity - tokens) / policy.refillPerSecond),
      retryAfterSeconds: allowed ? 0 : Math.ceil((cost - tokens) / policy.refillPerSecond),
    };
  }
}
