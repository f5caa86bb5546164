import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../workers/index.ts";
import { TEST_TWILIO_ACCOUNT_SID, TEST_TWILIO_AUTH_TOKEN } from "../support/constants.ts";
import { postTwilioWebhook } from "./channels/support.ts";
import { BASE, randomIp } from "./support/identity.ts";

afterEach(() => {
  vi.restoreAllMocks();
});

/** Every line written to the console from now on, structured or not. */
function captureConsole(): string[] {
  const lines: string[] = [];
  const capture = (...parts: unknown[]) => lines.push(parts.map(String).join(" "));
  for (const method of ["log", "info", "debug", "warn", "error"] as const)
    vi.spyOn(console, method).mockImplementation(capture);
  return lines;
}

/** Calls the Worker and waits for what it left running (closing the database, flushes), as logs come from it too. */
async function send(request: Request, bindings = env): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(request, bindings, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

const json = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  new Request(`${BASE}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "cf-connecting-ip": randomIp(), ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

const get = (path: string, headers: Record<string, string>) =>
  new Request(`${BASE}${path}`, { headers: { "cf-connecting-ip": randomIp(), ...headers } });

describe("logs", () => {
  it("never hold a password, token, cookie, API-key secret or Twilio credential, whatever the request carries", async () => {
    const lines = captureConsole();
    const id = crypto.randomUUID().slice(0, 8);
    const password = `correct-horse-${id}-battery`;
    const wrongPassword = `wrong-horse-${id}-battery`;
    const email = `secrets-${id}@example.com`;

    const registered = await send(
      json("/api/v1/auth/register", {
        email,
        password,
        name: "Secrets",
        tenant_name: `S ${id}`,
        tenant_slug: `s-${id}`,
      }),
    );
    expect(registered.status).toBe(201);
    const session = await registered.json<{ access_token: string; refresh_token: string }>();
    expect((await send(json("/api/v1/auth/login", { email, password: wrongPassword }))).status).toBe(401);
    // Bodies that fail validation or parsing, with the password inside.
    expect((await send(json("/api/v1/auth/login", { email: 5, password }))).status).toBe(400);
    expect(
      (await send(json("/api/v1/auth/login", `{"email":"${email}","password":"${password}"`))).status,
    ).toBe(400);
    const apiKey = await send(
      json(
        "/api/v1/api-keys",
        { name: "logs", scopes: ["projects:read"] },
        { authorization: `Bearer ${session.access_token}` },
      ),
    );
    expect(apiKey.status).toBe(201);
    const { key } = await apiKey.json<{ key: string }>();

    expect((await send(get("/api/v1/projects", { "x-api-key": key }))).status).toBe(200);
    expect((await send(get("/api/v1/projects", { "x-api-key": `${key}x` }))).status).toBe(401);
    expect(
      (await send(get("/api/v1/auth/me", { cookie: `__Host-borde_access=${session.access_token}` }))).status,
    ).toBe(200);
    expect(
      (await send(get("/api/v1/auth/me", { authorization: `Bearer ${session.access_token}x` }))).status,
    ).toBe(401);
    const refreshed = await send(json("/api/v1/auth/refresh", { refresh_token: session.refresh_token }));
    expect(refreshed.status).toBe(200);
    // The used refresh token again (the https cookie names carry their prefixes): reuse is detected and logged.
    expect(
      (
        await send(
          json("/api/v1/auth/refresh", {}, { cookie: `__Secure-borde_refresh=${session.refresh_token}` }),
        )
      ).status,
    ).toBe(401);
    const changed = await send(
      json(
        "/api/v1/auth/password",
        { current_password: password, new_password: `${password}-new` },
        { authorization: `Bearer ${(await refreshed.json<{ access_token: string }>()).access_token}` },
      ),
    );
    expect(changed.status).toBe(204);
    // With the database unreachable, the failure is logged with the request that carried the password.
    const unreachable = { ...env, DATABASE_URL: "postgres://postgres:postgres@127.0.0.1:1/postgres" };
    expect((await send(json("/api/v1/auth/login", { email, password }), unreachable)).status).toBe(503);

    const twilioBasic = btoa(`${TEST_TWILIO_ACCOUNT_SID}:${TEST_TWILIO_AUTH_TOKEN}`);
    const form = {
      From: "whatsapp:+15005550006",
      To: "whatsapp:+15005550001",
      Body: "hi",
      MessageSid: `SM${"0".repeat(32)}`,
    };
    await postTwilioWebhook(
      "/api/v1/channels/whatsapp/webhook",
      form,
      { signature: "forged" },
      { fetch: (request) => send(request) },
    );
    await send(get("/api/v1/projects", { authorization: `Basic ${twilioBasic}` }));

    const secrets = [
      password,
      wrongPassword,
      `${password}-new`,
      session.access_token,
      session.refresh_token,
      key,
      TEST_TWILIO_AUTH_TOKEN,
      twilioBasic,
    ];
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) for (const secret of secrets) expect(line).not.toContain(secret);
  }, 30_000);
});
