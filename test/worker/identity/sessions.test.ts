import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BASE, bearer, callAs, postJson, randomIp, registerTenant } from "../support/identity.ts";

type Session = { access_token: string; refresh_token: string; user: { id: string }; tenant: { id: string } };

/** The cookies a response sets, by name, with their attributes. */
function setCookies(response: Response): Map<string, { value: string; attributes: string }> {
  const cookies = new Map<string, { value: string; attributes: string }>();
  for (const line of response.headers.getSetCookie()) {
    const [pair = "", ...attributes] = line.split(";");
    const index = pair.indexOf("=");
    cookies.set(pair.slice(0, index).trim(), {
      value: pair.slice(index + 1),
      attributes: attributes.join(";"),
    });
  }
  return cookies;
}

const ACCESS = "__Host-borde_access";
const REFRESH = "__Secure-borde_refresh";

function cookieFetch(path: string, cookie: string, init: RequestInit = {}) {
  return SELF.fetch(`${BASE}${path}`, {
    ...init,
    headers: { cookie, origin: BASE, "cf-connecting-ip": randomIp(), ...(init.headers ?? {}) },
  });
}

describe("sign-in with a password", () => {
  it("refuses the password with a NUL character appended", async () => {
    const owner = await registerTenant();
    const login = await postJson("/api/v1/auth/login", {
      email: owner.email,
      password: `${owner.password}\u0000`,
    });
    expect(login.status).not.toBe(200);
    expect(login.headers.get("content-type")).toContain("application/problem+json");
    const correct = await postJson("/api/v1/auth/login", { email: owner.email, password: owner.password });
    expect(correct.status).toBe(200);
  });
});

describe("sessions with Bearer tokens", () => {
  it("register → me → refresh → rotate → reuse detected → family revoked → logout", async () => {
    const owner = await registerTenant();
    const me = await callAs(owner, "GET", "/api/v1/auth/me");
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ user: { id: owner.userId }, role: "owner" });

    const first = await postJson("/api/v1/auth/refresh", { refresh_token: owner.refreshToken });
    expect(first.status).toBe(200);
    const rotated = await first.json<Session>();
    expect(rotated.refresh_token).not.toBe(owner.refreshToken);
    expect(
      (
        await SELF.fetch(`${BASE}/api/v1/auth/me`, {
          headers: bearer({ ...owner, accessToken: rotated.access_token }),
        })
      ).status,
    ).toBe(200);

    // The first token again: a replay. It fails, and so does every token of its family.
    const replay = await postJson("/api/v1/auth/refresh", { refresh_token: owner.refreshToken });
    expect(replay.status).toBe(401);
    const afterReplay = await postJson("/api/v1/auth/refresh", { refresh_token: rotated.refresh_token });
    expect(afterReplay.status).toBe(401);

    // A fresh login is a new family, unaffected; logging out ends it.
    const login = await postJson("/api/v1/auth/login", { email: owner.email, password: owner.password });
    expect(login.status).toBe(200);
    const session = await login.json<Session>();
    const logout = await postJson(
      "/api/v1/auth/logout",
      { refresh_token: session.refresh_token },
      { authorization: `Bearer ${session.access_token}` },
    );
    expect(logout.status).toBe(204);
    expect((await postJson("/api/v1/auth/refresh", { refresh_token: session.refresh_token })).status).toBe(
      401,
    );
  });

  it("gives the same answer for an unknown email and a wrong password", async () => {
    const owner = await registerTenant();
    const wrongPassword = await postJson("/api/v1/auth/login", {
      email: owner.email,
      password: "not-the-password",
    });
    const unknownEmail = await postJson("/api/v1/auth/login", {
      email: `nobody-${crypto.randomUUID()}@example.com`,
      password: "not-the-password",
    });
    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    const a = await wrongPassword.json<{ detail: string }>();
    const b = await unknownEmail.json<{ detail: string }>();
    expect(a.detail).toBe(b.detail);
  });

  it("refuses a second account with the same email in another case", async () => {
    const owner = await registerTenant();
    const response = await postJson("/api/v1/auth/register", {
      email: owner.email.toUpperCase(),
      password: "another-long-password",
      name: "Twin",
      tenant_name: "Twin",
      tenant_slug: `twin-${crypto.randomUUID().slice(0, 8)}`,
    });
    expect(response.status).toBe(409);
  });

  it("changing the password signs out every other session and keeps this one", async () => {
    const owner = await registerTenant();
    const other = await (
      await postJson("/api/v1/auth/login", { email: owner.email, password: owner.password })
    ).json<Session>();
    const change = await callAs(owner, "POST", "/api/v1/auth/password", {
      current_password: owner.password,
      new_password: "a-brand-new-password",
    });
    expect(change.status).toBe(204);
    expect((await postJson("/api/v1/auth/refresh", { refresh_token: other.refresh_token })).status).toBe(401);
    expect((await postJson("/api/v1/auth/refresh", { refresh_token: owner.refreshToken })).status).toBe(200);
    expect(
      (await postJson("/api/v1/auth/login", { email: owner.email, password: owner.password })).status,
    ).toBe(401);
    expect(
      (await postJson("/api/v1/auth/login", { email: owner.email, password: "a-brand-new-password" })).status,
    ).toBe(200);
  });

  it("refuses a password change with the wrong current password, naming the field", async () => {
    const owner = await registerTenant();
    const response = await callAs(owner, "POST", "/api/v1/auth/password", {
      current_password: "wrong-password",
      new_password: "a-brand-new-password",
    });
    expect(response.status).toBe(400);
    expect((await response.json<{ errors: { path: string }[] }>()).errors[0]?.path).toBe(
      "body.current_password",
    );
  });
});

describe("sessions with cookies", () => {
  it("sets HttpOnly, Secure, SameSite=Lax cookies with __Host-/__Secure- names over https", async () => {
    const owner = await registerTenant();
    const login = await postJson("/api/v1/auth/login", { email: owner.email, password: owner.password });
    const cookies = setCookies(login);
    const access = cookies.get(ACCESS);
    const refresh = cookies.get(REFRESH);
    expect(access?.attributes).toMatch(/HttpOnly/);
    expect(access?.attributes).toMatch(/Secure/);
    expect(access?.attributes).toMatch(/SameSite=Lax/);
    expect(access?.attributes).toMatch(/Path=\/(;|$)/);
    expect(refresh?.attributes).toMatch(/Path=\/api\/v1\/auth/);
    expect(refresh?.attributes).toMatch(/HttpOnly/);
  });

  it("uses plain cookie names on http://localhost", async () => {
    const owner = await registerTenant();
    const login = await SELF.fetch("http://localhost/api/v1/auth/login", {
      method: "POST",
      headers: { "content-type": "application/json", "cf-connecting-ip": randomIp() },
      body: JSON.stringify({ email: owner.email, password: owner.password }),
    });
    const names = [...setCookies(login).keys()];
    expect(names).toEqual(expect.arrayContaining(["borde_access", "borde_refresh"]));
  });

  it("login → me → refresh (rotates) → reuse detected → logout clears the cookies", async () => {
    const owner = await registerTenant();
    const login = setCookies(
      await postJson("/api/v1/auth/login", { email: owner.email, password: owner.password }),
    );
    const access = `${ACCESS}=${login.get(ACCESS)?.value}`;
    const refresh = `${REFRESH}=${login.get(REFRESH)?.value}`;

    const me = await cookieFetch("/api/v1/auth/me", access);
    expect(me.status).toBe(200);

    const refreshed = await cookieFetch("/api/v1/auth/refresh", refresh, { method: "POST" });
    expect(refreshed.status).toBe(200);
    const next = setCookies(refreshed);
    expect(next.get(REFRESH)?.value).not.toBe(login.get(REFRESH)?.value);

    const replay = await cookieFetch("/api/v1/auth/refresh", refresh, { method: "POST" });
    expect(replay.status).toBe(401);
    const nextRefresh = `${REFRESH}=${next.get(REFRESH)?.value}`;
    expect((await cookieFetch("/api/v1/auth/refresh", nextRefresh, { method: "POST" })).status).toBe(401);

    const again = setCookies(
      await postJson("/api/v1/auth/login", { email: owner.email, password: owner.password }),
    );
    const logout = await cookieFetch(
      "/api/v1/auth/logout",
      `${ACCESS}=${again.get(ACCESS)?.value}; ${REFRESH}=${again.get(REFRESH)?.value}`,
      { method: "POST" },
    );
    expect(logout.status).toBe(204);
    const cleared = setCookies(logout);
    expect(cleared.get(ACCESS)?.attributes).toMatch(/Max-Age=0/);
    expect(cleared.get(REFRESH)?.attributes).toMatch(/Max-Age=0/);
    const afterLogout = await cookieFetch("/api/v1/auth/refresh", `${REFRESH}=${again.get(REFRESH)?.value}`, {
      method: "POST",
    });
    expect(afterLogout.status).toBe(401);
  });
});
