import { describe, expect, it } from "vitest";
import type { Principal } from "../../../workers/access/principal.ts";
import {
  ANONYMOUS_POLICY,
  bucketFor,
  bucketKind,
  CREDENTIALS_POLICY,
  PLAN_POLICIES,
  TWILIO_POLICY,
} from "../../../workers/ratelimit/policies.ts";

const IP = "203.0.113.7";
const TENANT = "0190a3a0-0000-7000-8000-000000000001";

const user = (plan: Principal["plan"]): Principal => ({
  kind: "user",
  userId: "0190a3a0-0000-7000-8000-0000000000aa",
  tenantId: TENANT,
  role: "owner",
  plan,
  sessionId: "0190a3a0-0000-7000-8000-0000000000bb",
  via: "bearer",
});

const apiKey: Principal = {
  kind: "api_key",
  apiKeyId: "0190a3a0-0000-7000-8000-0000000000cc",
  tenantId: TENANT,
  scopes: [],
  plan: "pro",
};

describe("rate-limit bucket choice", () => {
  it("counts login-like routes per IP in the exact credentials bucket, signed in or not", () => {
    for (const path of [
      "/api/v1/auth/login",
      "/api/v1/auth/register",
      "/api/v1/auth/refresh",
      "/api/v1/auth/password",
    ]) {
      expect(bucketFor(path, undefined, IP, 1)).toEqual({
        key: `credentials:ip:${IP}`,
        policy: CREDENTIALS_POLICY,
        exact: true,
      });
      expect(bucketFor(path, user("enterprise"), IP, 1).key).toBe(`credentials:ip:${IP}`);
    }
  });

  it("counts Twilio's webhooks and media streams per IP in Twilio's leased bucket", () => {
    expect(bucketFor("/api/v1/channels/whatsapp/inbound", undefined, IP, 1)).toEqual({
      key: `twilio:ip:${IP}`,
      policy: TWILIO_POLICY,
      exact: false,
    });
    expect(bucketFor("/api/v1/channels/voice/stream/CA1", undefined, IP, 1).key).toBe(`twilio:ip:${IP}`);
  });

  it("counts a signed-in caller as themselves, by their tenant's plan", () => {
    expect(bucketFor("/api/v1/projects", user("free"), IP, 1)).toEqual({
      key: "user:0190a3a0-0000-7000-8000-0000000000aa",
      policy: PLAN_POLICIES.free,
      exact: false,
    });
    expect(bucketFor("/api/v1/projects", user("enterprise"), IP, 1).policy).toEqual(PLAN_POLICIES.enterprise);
    expect(bucketFor("/api/v1/projects", apiKey, IP, 1)).toEqual({
      key: "key:0190a3a0-0000-7000-8000-0000000000cc",
      policy: PLAN_POLICIES.pro,
      exact: false,
    });
  });

  it("counts anonymous callers per IP", () => {
    expect(bucketFor("/api/v1/webchat/sessions", undefined, IP, 1)).toEqual({
      key: `ip:${IP}`,
      policy: ANONYMOUS_POLICY,
      exact: false,
    });
  });

  it("scales capacity and refill alike by RATE_LIMIT_SCALE", () => {
    expect(bucketFor("/api/v1/projects", undefined, IP, 10).policy).toEqual({
      capacity: ANONYMOUS_POLICY.capacity * 10,
      refillPerSecond: ANONYMOUS_POLICY.refillPerSecond * 10,
    });
  });
});

describe("rate-limit bucket kind", () => {
  it("names each bucket's kind from its key, never the caller", () => {
    expect(bucketKind(bucketFor("/api/v1/auth/login", undefined, IP, 1).key)).toBe("credentials");
    expect(bucketKind(bucketFor("/api/v1/channels/whatsapp/inbound", undefined, IP, 1).key)).toBe("twilio");
    expect(bucketKind(bucketFor("/api/v1/projects", undefined, IP, 1).key)).toBe("anonymous");
    expect(bucketKind(bucketFor("/api/v1/projects", user("free"), IP, 1).key)).toBe("caller");
  });
});
