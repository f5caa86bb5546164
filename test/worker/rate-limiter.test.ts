import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { Logger } from "../../workers/lib/log.ts";
import { consumeToken, rateLimitHeaders } from "../../workers/ratelimit/limiter.ts";

const testLog = new Logger({ test: "rate-limiter" });

const limiter = (key: string) => env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(key));

describe("RateLimiter Durable Object", () => {
  it("lets exactly `capacity` of many concurrent calls through", async () => {
    const key = `test:${crypto.randomUUID()}`;
    const policy = { capacity: 5, refillPerSecond: 0.001 };
    const decisions = await Promise.all(Array.from({ length: 25 }, () => limiter(key).consume(key, policy)));
    expect(decisions.filter((decision) => decision.allowed)).toHaveLength(5);
    expect(
      decisions.filter((decision) => !decision.allowed).every((decision) => decision.retryAfterSeconds > 0),
    ).toBe(true);
    expect(decisions.map((decision) => decision.remaining).sort()).toContain(0);
  });

  it("refills the bucket over time", async () => {
    const key = `test:${crypto.randomUUID()}`;
    const policy = { capacity: 2, refillPerSecond: 20 };
    const stub = limiter(key);
    await stub.consume(key, policy);
    await stub.consume(key, policy);
    expect((await stub.consume(key, policy)).allowed).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 150));
    const refilled = await stub.consume(key, policy);
    expect(refilled.allowed).toBe(true);
  });

  it("keeps separate buckets per key", async () => {
    const policy = { capacity: 1, refillPerSecond: 0.001 };
    const a = `test:${crypto.randomUUID()}`;
    const b = `test:${crypto.randomUUID()}`;
    expect((await consumeToken(env, a, policy, testLog))?.allowed).toBe(true);
    expect((await consumeToken(env, a, policy, testLog))?.allowed).toBe(false);
    expect((await consumeToken(env, b, policy, testLog))?.allowed).toBe(true);
  });

  it("renders the IETF RateLimit headers and Retry-After on refusal", () => {
    expect(
      rateLimitHeaders({ allowed: false, limit: 10, remaining: 0, resetSeconds: 30, retryAfterSeconds: 3 }),
    ).toEqual({
      "RateLimit-Limit": "10",
      "RateLimit-Remaining": "0",
      "RateLimit-Reset": "30",
      "Retry-After": "3",
    });
  });

  it("fails open when the limiter cannot be reached", async () => {
    const broken = {
      ...env,
      RATE_LIMITER: {
        idFromName: () => {
          throw new Error("namespace unavailable");
        },
      } as unknown as typeof env.RATE_LIMITER,
    };
    expect(await consumeToken(broken, "any", { capacity: 1, refillPerSecond: 1 }, testLog)).toBeNull();
  });
});
