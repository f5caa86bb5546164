import { env, SELF } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { exportJWK, generateKeyPair, importJWK, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { apiKeys } from "../../../workers/identity/tables.ts";
import { withTestDatabase } from "../support/database.ts";
import {
  BASE,
  callAs,
  createApiKey,
  postJson,
  randomIp,
  registerTenant,
  type TestAccount,
} from "../support/identity.ts";

const encode = (value: unknown) =>
  btoa(JSON.stringify(value)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const decode = (part: string) =>
  JSON.parse(atob(part.replace(/-/g, "+").replace(/_/g, "/"))) as Record<string, unknown>;

const signingKey = () =>
  (JSON.parse(env.JWT_SIGNING_KEYS ?? "[]") as { kid: string }[])[0] as { kid: string } & Record<
    string,
    string
  >;

/** The claims the Worker signed for `account`, to forge variations of. */
const claimsOf = (account: TestAccount) => decode(account.accessToken.split(".")[1] ?? "");

async function me(token: string) {
  const response = await SELF.fetch(`${BASE}/api/v1/auth/me`, {
    headers: { authorization: `Bearer ${token}`, "cf-connecting-ip": randomIp() },
  });
  return { status: response.status, detail: (await response.json<{ detail?: string }>()).detail };
}

describe("access tokens that must be refused", () => {
  it("refuses alg: none", async () => {
    const owner = await registerTenant();
    const token = `${encode({ alg: "none", typ: "JWT", kid: signingKey().kid })}.${encode(claimsOf(owner))}.`;
    expect((await me(token)).status).toBe(401);
  });

  it("refuses a token signed by another key under the real kid", async () => {
    const owner = await registerTenant();
    const { privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519" });
    const token = await new SignJWT(claimsOf(owner))
      .setProtectedHeader({ alg: "EdDSA", kid: signingKey().kid })
      .sign(privateKey);
    expect((await me(token)).status).toBe(401);
  });

  it("refuses HS256 signed with the public key (algorithm confusion)", async () => {
    const owner = await registerTenant();
    const secret = new TextEncoder().encode(signingKey().x);
    const token = await new SignJWT(claimsOf(owner))
      .setProtectedHeader({ alg: "HS256", kid: signingKey().kid })
      .sign(secret);
    expect((await me(token)).status).toBe(401);
  });

  it("refuses an expired token, saying so", async () => {
    const owner = await registerTenant();
    const key = await importJWK({ ...signingKey(), alg: "EdDSA" }, "EdDSA");
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ ...claimsOf(owner), iat: now - 3600, exp: now - 60 })
      .setProtectedHeader({ alg: "EdDSA", kid: signingKey().kid })
      .sign(key);
    expect(await me(token)).toEqual({ status: 401, detail: "token expired" });
  });

  it("refuses tampered claims: another tenant or a higher role in a real token's payload", async () => {
    const owner = await registerTenant();
    const other = await registerTenant();
    const [header, , signature] = owner.accessToken.split(".");
    const otherTenant = `${header}.${encode({ ...claimsOf(owner), tid: other.tenantId })}.${signature}`;
    expect((await me(otherTenant)).status).toBe(401);
    const promoted = `${header}.${encode({ ...claimsOf(owner), role: "owner", plan: "enterprise" })}.${signature}`;
    expect((await me(promoted)).status).toBe(401);
  });

  it("refuses a token that is not a JWT, and says how to authenticate when none is sent", async () => {
    expect((await me("not-a-token")).status).toBe(401);
    const none = await SELF.fetch(`${BASE}/api/v1/auth/me`);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toContain("Bearer");
    expect(none.headers.get("content-type")).toBe("application/problem+json");
  });

  it("verifies tokens with the public keys it publishes", async () => {
    const response = await SELF.fetch(`${BASE}/.well-known/jwks.json`);
    const { keys } = await response.json<{ keys: { kid: string; x: string; d?: string }[] }>();
    expect(keys.map((key) => key.kid)).toContain(signingKey().kid);
    expect(keys.every((key) => key.d === undefined)).toBe(true);
    const published = await exportJWK(await importJWK({ ...keys[0], kty: "OKP", crv: "Ed25519" }, "EdDSA"));
    expect(published.x).toBe(keys[0]?.x);
  });
});

describe("cross-site request forgery", () => {
  async function cookieSession(account: TestAccount) {
    const login = await postJson("/api/v1/auth/login", { email: account.email, password: account.password });
    const line =
      login.headers.getSetCookie().find((cookie) => cookie.startsWith("__Host-borde_access=")) ?? "";
    return line.split(";")[0] ?? "";
  }

  const patchTenant = (headers: Record<string, string>) =>
    SELF.fetch(`${BASE}/api/v1/tenants/current`, {
      method: "PATCH",
      headers: { "content-type": "application/json", "cf-connecting-ip": randomIp(), ...headers },
      body: JSON.stringify({ name: "Renamed" }),
    });

  it("refuses a cookie-authenticated write from a foreign origin, and lets the same-origin one through", async () => {
    const owner = await registerTenant();
    const cookie = await cookieSession(owner);
    const forged = await patchTenant({ cookie, origin: "https://evil.example" });
    expect(forged.status).toBe(403);
    expect(await forged.json()).toMatchObject({ title: "Forbidden" });
    const crossSite = await patchTenant({ cookie, "sec-fetch-site": "cross-site" });
    expect(crossSite.status).toBe(403);
    expect((await patchTenant({ cookie, origin: BASE })).status).toBe(200);
  });

  it("exempts Bearer requests, which a browser never sends on its own", async () => {
    const owner = await registerTenant();
    const response = await patchTenant({
      authorization: `Bearer ${owner.accessToken}`,
      origin: "https://evil.example",
    });
    expect(response.status).toBe(200);
  });
});

describe("API keys that must be refused", () => {
  it("refuses a revoked key", async () => {
    const owner = await registerTenant();
    const { id, key } = await createApiKey(owner, ["tenant:read"]);
    expect((await callAs({ apiKey: key }, "GET", "/api/v1/tenants/current")).status).toBe(200);
    expect((await callAs(owner, "DELETE", `/api/v1/api-keys/${id}`)).status).toBe(204);
    const after = await callAs({ apiKey: key }, "GET", "/api/v1/tenants/current");
    expect(after.status).toBe(401);
  });

  it("refuses a key without the route's scope, naming the scope", async () => {
    const owner = await registerTenant();
    const { key } = await createApiKey(owner, ["tenant:read"]);
    const response = await callAs({ apiKey: key }, "GET", "/api/v1/tenants/current/members");
    expect(response.status).toBe(403);
    expect((await response.json<{ detail: string }>()).detail).toContain("members:read");
  });

  it("refuses an expired key", async () => {
    const owner = await registerTenant();
    const { id, key } = await createApiKey(owner, ["tenant:read"]);
    await withTestDatabase((db) =>
      db
        .update(apiKeys)
        .set({ expiresAt: new Date(Date.now() - 1000) })
        .where(eq(apiKeys.id, id)),
    );
    expect((await callAs({ apiKey: key }, "GET", "/api/v1/tenants/current")).status).toBe(401);
  });

  it("refuses a key with a right prefix and a wrong secret, and a malformed key", async () => {
    const owner = await registerTenant();
    const { key } = await createApiKey(owner, ["tenant:read"]);
    const forged = `${key.slice(0, key.lastIndexOf("_") + 1)}${"A".repeat(43)}`;
    expect((await callAs({ apiKey: forged }, "GET", "/api/v1/tenants/current")).status).toBe(401);
    expect((await callAs({ apiKey: "bk_nonsense" }, "GET", "/api/v1/tenants/current")).status).toBe(401);
  });

  it("accepts a key as Bearer too, and refuses it on routes only people may call", async () => {
    const owner = await registerTenant();
    const { key } = await createApiKey(owner, ["tenant:read", "members:read"]);
    const viaBearer = await SELF.fetch(`${BASE}/api/v1/tenants/current`, {
      headers: { authorization: `Bearer ${key}`, "cf-connecting-ip": randomIp() },
    });
    expect(viaBearer.status).toBe(200);
    const createKey = await callAs({ apiKey: key }, "POST", "/api/v1/api-keys", {
      name: "x",
      scopes: ["tenant:read"],
    });
    expect(createKey.status).toBe(403);
  });

  it("records when a key was last used", async () => {
    const owner = await registerTenant();
    const { id, key } = await createApiKey(owner, ["tenant:read"]);
    await callAs({ apiKey: key }, "GET", "/api/v1/tenants/current");
    await expect
      .poll(() =>
        withTestDatabase((db) => db.select().from(apiKeys).where(eq(apiKeys.id, id))).then(
          (rows) => rows[0]?.lastUsedAt,
        ),
      )
      .toBeInstanceOf(Date);
  });
});
