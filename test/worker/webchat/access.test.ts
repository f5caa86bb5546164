import { env, SELF } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { conversations, messages } from "../../../workers/conversations/tables.ts";
import { Logger } from "../../../workers/lib/log.ts";
import { consumeToken } from "../../../workers/ratelimit/limiter.ts";
import { VISITOR_MESSAGE_POLICY, visitorBucket } from "../../../workers/webchat/policies.ts";
import { withTestDatabase } from "../support/database.ts";
import { BASE, callAs, randomIp } from "../support/identity.ts";
import { connectRequest, connectVisitor, SHOP_ORIGIN, webchatTenant } from "./support.ts";

function visitorCall(
  method: string,
  path: string,
  options: { key: string; token?: string; body?: unknown; origin?: string; query?: Record<string, string> },
) {
  const url = new URL(`${BASE}${path}`);
  url.searchParams.set("key", options.key);
  for (const [name, value] of Object.entries(options.query ?? {})) url.searchParams.set(name, value);
  return SELF.fetch(url, {
    method,
    headers: {
      origin: options.origin ?? SHOP_ORIGIN,
      "cf-connecting-ip": randomIp(),
      ...(options.token ? { "x-visitor-token": options.token } : {}),
      ...(options.body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
}

describe("webchat access", () => {
  it("refuses the upgrade from an origin the widget key does not allow", async () => {
    const { widgetKey } = await webchatTenant({ assistant: false });
    const response = await connectRequest(widgetKey, { origin: "https://evil.example" });
    expect(response.status).toBe(403);
    expect(response.headers.get("content-type")).toContain("application/problem+json");
  });

  it("refuses an unknown or revoked widget key", async () => {
    const { owner, widgetKey } = await webchatTenant({ assistant: false });
    expect((await connectRequest("wk_000000000000000000000000")).status).toBe(401);
    expect((await connectRequest("not-a-key")).status).toBe(400);
    const list = await callAs(owner, "GET", "/api/v1/widget-keys");
    const [key] = (await list.json<{ data: { id: string }[] }>()).data;
    expect((await callAs(owner, "DELETE", `/api/v1/widget-keys/${key?.id}`)).status).toBe(204);
    expect((await connectRequest(widgetKey)).status).toBe(401);
  });

  it("asks for a WebSocket upgrade on a plain GET of the connect route", async () => {
    const { widgetKey } = await webchatTenant({ assistant: false });
    const response = await SELF.fetch(`${BASE}/api/v1/webchat/connect?key=${widgetKey}`, {
      headers: { origin: SHOP_ORIGIN },
    });
    expect(response.status).toBe(426);
  });

  it("refuses a visitor's messages past their rate limit, without storing them", async () => {
    const { widgetKey } = await webchatTenant({ assistant: false });
    const { visitor, ready } = await connectVisitor(widgetKey);
    const [conversation] = await withTestDatabase((db) =>
      db.select().from(conversations).where(eq(conversations.id, ready.conversation_id)),
    );
    const bucket = visitorBucket(conversation?.contactId ?? "");
    for (let i = 0; i < VISITOR_MESSAGE_POLICY.capacity; i++)
      await consumeToken(env, bucket, VISITOR_MESSAGE_POLICY, new Logger());
    visitor.send({ type: "message", client_message_id: "too-many", text: "one more" });
    const refused = await visitor.next("error");
    expect(refused).toMatchObject({ code: "rate_limited", client_message_id: "too-many" });
    expect(refused.retry_after_seconds).toBeGreaterThan(0);
    const rows = await withTestDatabase((db) =>
      db.select().from(messages).where(eq(messages.conversationId, ready.conversation_id)),
    );
    expect(rows).toEqual([]);
  });

  it("starts a new conversation for a token from another tenant instead of resuming it", async () => {
    const a = await webchatTenant({ assistant: false });
    const b = await webchatTenant({ assistant: false });
    const inA = await connectVisitor(a.widgetKey);
    const inB = await connectVisitor(b.widgetKey, { token: inA.ready.visitor_token });
    expect(inB.ready.conversation_id).not.toBe(inA.ready.conversation_id);
  });
});

describe("webchat REST fallback for visitors", () => {
  it("sends with the same storage and acks as the socket, and polls what came after", async () => {
    const { widgetKey } = await webchatTenant({ assistant: false });
    const opened = await visitorCall("POST", "/api/v1/webchat/sessions", { key: widgetKey, body: {} });
    expect(opened.status, await opened.clone().text()).toBe(201);
    const session = await opened.json<{ conversation_id: string; visitor_token: string }>();

    const message = { client_message_id: "rest-1", text: "over plain HTTP" };
    const sent = await visitorCall("POST", "/api/v1/webchat/messages", {
      key: widgetKey,
      token: session.visitor_token,
      body: message,
    });
    expect(sent.status, await sent.clone().text()).toBe(201);
    const ack = await sent.json<{ message_id: string; duplicate: boolean }>();
    const again = await visitorCall("POST", "/api/v1/webchat/messages", {
      key: widgetKey,
      token: session.visitor_token,
      body: message,
    });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ message_id: ack.message_id, duplicate: true });

    // The socket sees the same conversation.
    const { visitor } = await connectVisitor(widgetKey, { token: session.visitor_token });
    expect((await visitor.next("message")).message.id).toBe(ack.message_id);

    const polled = await visitorCall("GET", "/api/v1/webchat/messages", {
      key: widgetKey,
      token: session.visitor_token,
    });
    expect(polled.status).toBe(200);
    const { data } = await polled.json<{ data: { id: string; text: string }[] }>();
    expect(data.map((row) => row.text)).toEqual(["over plain HTTP"]);
    const after = await visitorCall("GET", "/api/v1/webchat/messages", {
      key: widgetKey,
      token: session.visitor_token,
      query: { after: ack.message_id },
    });
    expect((await after.json<{ data: unknown[] }>()).data).toEqual([]);
  });

  it("resumes the same conversation with the token, and refuses bad input with a problem", async () => {
    const { widgetKey } = await webchatTenant({ assistant: false });
    const first = await visitorCall("POST", "/api/v1/webchat/sessions", { key: widgetKey, body: {} });
    const session = await first.json<{ conversation_id: string; visitor_token: string }>();
    const resumed = await visitorCall("POST", "/api/v1/webchat/sessions", {
      key: widgetKey,
      body: { visitor_token: session.visitor_token },
    });
    expect((await resumed.json<{ conversation_id: string }>()).conversation_id).toBe(session.conversation_id);

    const empty = await visitorCall("POST", "/api/v1/webchat/messages", {
      key: widgetKey,
      token: session.visitor_token,
      body: { client_message_id: "", text: "   " },
    });
    expect(empty.status).toBe(400);
    expect(
      (await empty.json<{ errors: { path: string }[] }>()).errors.map((error) => error.path).sort(),
    ).toEqual(["body.client_message_id", "body.text"]);
    const forged = await visitorCall("POST", "/api/v1/webchat/messages", {
      key: widgetKey,
      token: "not-a-token",
      body: { client_message_id: "x", text: "hi" },
    });
    expect(forged.status).toBe(401);
    const wrongOrigin = await visitorCall("GET", "/api/v1/webchat/messages", {
      key: widgetKey,
      token: session.visitor_token,
      origin: "https://evil.example",
    });
    expect(wrongOrigin.status).toBe(403);
  });

  it("refuses messages to a closed conversation with 409", async () => {
    const { owner, widgetKey } = await webchatTenant({ assistant: false });
    const opened = await visitorCall("POST", "/api/v1/webchat/sessions", { key: widgetKey, body: {} });
    const session = await opened.json<{ conversation_id: string; visitor_token: string }>();
    const closed = await callAs(owner, "POST", `/api/v1/conversations/${session.conversation_id}/close`);
    expect(closed.status).toBe(200);
    expect(await closed.json()).toMatchObject({ status: "closed" });
    const sent = await visitorCall("POST", "/api/v1/webchat/messages", {
      key: widgetKey,
      token: session.visitor_token,
      body: { client_message_id: "late", text: "anyone?" },
    });
    expect(sent.status).toBe(409);
  });
});

describe("webchat same-origin pages", () => {
  it("accepts a same-origin poll without Origin when the API's own origin is allowed, and nothing else", async () => {
    const { owner, widgetKey } = await webchatTenant({ assistant: false });
    const opened = await visitorCall("POST", "/api/v1/webchat/sessions", { key: widgetKey, body: {} });
    const { visitor_token } = await opened.json<{ visitor_token: string }>();
    const poll = (headers: Record<string, string>) =>
      SELF.fetch(`${BASE}/api/v1/webchat/messages?key=${widgetKey}`, {
        headers: { "x-visitor-token": visitor_token, "cf-connecting-ip": randomIp(), ...headers },
      });
    expect((await poll({})).status).toBe(403);
    expect((await poll({ "sec-fetch-site": "same-origin" })).status).toBe(403);
    const [key] = (
      await (await callAs(owner, "GET", "/api/v1/widget-keys")).json<{ data: { id: string }[] }>()
    ).data;
    const patched = await callAs(owner, "PATCH", `/api/v1/widget-keys/${key?.id}`, {
      allowed_origins: [SHOP_ORIGIN, BASE],
    });
    expect(patched.status).toBe(200);
    expect((await poll({ "sec-fetch-site": "same-origin" })).status).toBe(200);
    expect((await poll({ "sec-fetch-site": "cross-site" })).status).toBe(403);
  });
});

describe("webchat CORS", () => {
  it("lets a tenant's site call the visitor routes from its own origin", async () => {
    const preflight = await SELF.fetch(`${BASE}/api/v1/webchat/messages?key=wk_000000000000000000000000`, {
      method: "OPTIONS",
      headers: {
        origin: SHOP_ORIGIN,
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type, x-visitor-token",
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe(SHOP_ORIGIN);
    expect(preflight.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("x-visitor-token");
  });

  it("keeps the other routes closed to origins outside ALLOWED_ORIGINS", async () => {
    const preflight = await SELF.fetch(`${BASE}/api/v1/assistants`, {
      method: "OPTIONS",
      headers: { origin: SHOP_ORIGIN, "access-control-request-method": "GET" },
    });
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
  });
});
