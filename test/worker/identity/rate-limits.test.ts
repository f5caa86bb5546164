import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BASE, callAs, randomIp, registerTenant } from "../support/identity.ts";

const login = (path: string, ip: string) =>
  SELF.fetch(`${BASE}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "cf-connecting-ip": ip },
    body: JSON.stringify({ email: "nobody@example.com", password: "wrong-password" }),
  });

describe("rate limits through the API", () => {
  it("lets exactly 10 of 25 concurrent login attempts from one IP through, and refuses the rest with 429", async () => {
    const ip = randomIp();
    const responses = await Promise.all(Array.from({ length: 25 }, () => login("/api/v1/auth/login", ip)));
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 401)).toHaveLength(10);
    expect(statuses.filter((status) => status === 429)).toHaveLength(15);

    const refused = responses.find((response) => response.status === 429);
    expect(refused?.headers.get("content-type")).toBe("application/problem+json");
    expect(Number(refused?.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(refused?.headers.get("ratelimit-limit")).toBe("10");
    expect(refused?.headers.get("ratelimit-remaining")).toBe("0");

    const remaining = responses
      .filter((response) => response.status === 401)
      .map((response) => Number(response.headers.get("ratelimit-remaining")))
      .sort((x, y) => x - y);
    expect(remaining).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("counts /v1/auth/login in the same bucket as /api/v1/auth/login", async () => {
    const ip = randomIp();
    for (let i = 0; i < 10; i++) await login("/api/v1/auth/login", ip);
    expect((await login("/v1/auth/login", ip)).status).toBe(429);
    expect((await login("/api/v1/auth/login", randomIp())).status).toBe(401);
  });

  it("gives signed-in callers their own bucket by plan, with RateLimit headers", async () => {
    const owner = await registerTenant();
    const first = await callAs(owner, "GET", "/api/v1/tenants/current");
    const second = await callAs(owner, "GET", "/api/v1/tenants/current");
    expect(first.headers.get("ratelimit-limit")).toBe("300");
    expect(Number(second.headers.get("ratelimit-remaining"))).toBe(
      Number(first.headers.get("ratelimit-remaining")) - 1,
    );
    expect(Number(first.headers.get("ratelimit-reset"))).toBeGreaterThanOrEqual(0);
  });

  it("limits anonymous callers per IP", async () => {
    const response = await SELF.fetch(`${BASE}/api/v1`, { headers: { "cf-connecting-ip": randomIp() } });
    expect(response.headers.get("ratelimit-limit")).toBe("60");
    expect(response.headers.get("ratelimit-remaining")).toBe("59");
  });
});

describe("Twilio's webhooks", () => {
  it("draw from their own, larger per-IP bucket", async () => {
    const response = await SELF.fetch(`${BASE}/api/v1/channels/voice/incoming`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "cf-connecting-ip": randomIp() },
      body: "CallSid=CA00000000000000000000000000000000",
    });
    expect(response.status).toBe(403);
    expect(response.headers.get("ratelimit-limit")).toBe("6000");
  });
});
