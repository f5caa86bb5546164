import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BASE, bearer, callAs, createApiKey, randomIp } from "../support/identity.ts";
import { connectVisitor, webchatTenant } from "./support.ts";

type Listed = { data: { id: string }[] };

describe("webchat tenant isolation", () => {
  it("gives tenant B a 404 for every route that names tenant A's assistants, keys and conversations", async () => {
    const a = await webchatTenant();
    const b = await webchatTenant({ assistant: false });
    const { visitor, ready } = await connectVisitor(a.widgetKey);
    visitor.send({ type: "message", client_message_id: "secret", text: "A's secret" });
    await visitor.next("ack");
    const assistantId = (await (await callAs(a.owner, "GET", "/api/v1/assistants")).json<Listed>()).data[0]
      ?.id;
    const widgetKeyId = (await (await callAs(a.owner, "GET", "/api/v1/widget-keys")).json<Listed>()).data[0]
      ?.id;
    const conversationId = ready.conversation_id;

    const attempts: [string, string, unknown?][] = [
      ["GET", `/api/v1/assistants/${assistantId}`],
      ["PATCH", `/api/v1/assistants/${assistantId}`, { enabled: false }],
      ["DELETE", `/api/v1/assistants/${assistantId}`],
      ["PATCH", `/api/v1/widget-keys/${widgetKeyId}`, { allowed_origins: ["https://b.example"] }],
      ["DELETE", `/api/v1/widget-keys/${widgetKeyId}`],
      ["GET", `/api/v1/conversations/${conversationId}`],
      ["GET", `/api/v1/conversations/${conversationId}/messages`],
      [
        "POST",
        `/api/v1/conversations/${conversationId}/messages`,
        { client_message_id: "b", text: "hijack" },
      ],
      ["POST", `/api/v1/conversations/${conversationId}/close`],
    ];
    for (const [method, path, body] of attempts) {
      const response = await callAs(b.owner, method, path, body);
      expect(response.status, `${method} ${path}`).toBe(404);
    }
    const live = await SELF.fetch(`${BASE}/api/v1/conversations/${conversationId}/live`, {
      headers: { Upgrade: "websocket", ...bearer(b.owner), "cf-connecting-ip": randomIp() },
    });
    expect(live.status).toBe(404);

    for (const path of ["/api/v1/assistants", "/api/v1/widget-keys", "/api/v1/conversations"]) {
      const listed = await (await callAs(b.owner, "GET", path)).json<Listed>();
      expect(
        listed.data.map((row) => row.id),
        path,
      ).not.toContain(
        path.endsWith("assistants") ? assistantId : path.endsWith("keys") ? widgetKeyId : conversationId,
      );
    }
    // Nothing of A's changed: its assistant still answers, its key still connects, the transcript is whole.
    expect((await callAs(a.owner, "GET", `/api/v1/assistants/${assistantId}`)).status).toBe(200);
    expect((await connectVisitor(a.widgetKey)).ready.conversation_id).toBeTruthy();
    const transcript = await callAs(a.owner, "GET", `/api/v1/conversations/${conversationId}/messages`);
    expect((await transcript.json<{ data: { text: string }[] }>()).data.map((row) => row.text)).toContain(
      "A's secret",
    );
  });
});

describe("assistants, widget keys and conversations for the tenant's people", () => {
  it("manages assistants through the API: create, read, change, delete", async () => {
    const { owner } = await webchatTenant({ assistant: false });
    const created = await callAs(owner, "POST", "/api/v1/assistants", {
      name: "Sales",
      model: "gpt-4o-mini",
      instructions: "Be kind.",
      temperature: 0.7,
    });
    expect(created.status).toBe(201);
    const assistant = await created.json<{ id: string }>();
    expect(created.headers.get("location")).toBe(`/api/v1/assistants/${assistant.id}`);
    const changed = await callAs(owner, "PATCH", `/api/v1/assistants/${assistant.id}`, { enabled: false });
    expect(await changed.json()).toMatchObject({ enabled: false, name: "Sales", temperature: 0.7 });
    expect((await callAs(owner, "PATCH", `/api/v1/assistants/${assistant.id}`, {})).status).toBe(400);
    const invalid = await callAs(owner, "POST", "/api/v1/assistants", {
      name: "",
      model: "m",
      temperature: 9,
    });
    expect(invalid.status).toBe(400);
    expect((await callAs(owner, "DELETE", `/api/v1/assistants/${assistant.id}`)).status).toBe(204);
    expect((await callAs(owner, "GET", `/api/v1/assistants/${assistant.id}`)).status).toBe(404);
  });

  it("lets API keys read assistants and conversations only with the scopes for it", async () => {
    const { owner } = await webchatTenant();
    const reader = await createApiKey(owner, ["assistants:read", "conversations:read"]);
    expect((await callAs({ apiKey: reader.key }, "GET", "/api/v1/assistants")).status).toBe(200);
    expect((await callAs({ apiKey: reader.key }, "GET", "/api/v1/conversations")).status).toBe(200);
    const write = await callAs({ apiKey: reader.key }, "POST", "/api/v1/assistants", {
      name: "x",
      model: "m",
      instructions: "y",
    });
    expect(write.status).toBe(403);
  });

  it("lists conversations by status and pages through a transcript", async () => {
    const { owner, widgetKey } = await webchatTenant({ assistant: false });
    const { visitor, ready } = await connectVisitor(widgetKey);
    for (const n of [1, 2, 3]) {
      visitor.send({ type: "message", client_message_id: `p${n}`, text: `message ${n}` });
      await visitor.next("ack", (ack) => ack.client_message_id === `p${n}`);
    }
    const open = await (
      await callAs(owner, "GET", "/api/v1/conversations?status=open&channel=webchat")
    ).json<Listed>();
    expect(open.data.map((row) => row.id)).toContain(ready.conversation_id);
    const closed = await (await callAs(owner, "GET", "/api/v1/conversations?status=closed")).json<Listed>();
    expect(closed.data).toEqual([]);

    const path = `/api/v1/conversations/${ready.conversation_id}/messages`;
    const first = await (await callAs(owner, "GET", `${path}?limit=2`)).json<{
      data: { text: string }[];
      next_cursor: string;
    }>();
    expect(first.data.map((row) => row.text)).toEqual(["message 1", "message 2"]);
    const second = await (await callAs(owner, "GET", `${path}?limit=2&cursor=${first.next_cursor}`)).json<{
      data: { text: string }[];
      next_cursor: string | null;
    }>();
    expect(second).toMatchObject({ data: [{ text: "message 3" }], next_cursor: null });
  });

  it("tells the conversation's sockets when it is closed", async () => {
    const { owner, widgetKey } = await webchatTenant({ assistant: false });
    const { visitor, ready } = await connectVisitor(widgetKey);
    expect((await callAs(owner, "POST", `/api/v1/conversations/${ready.conversation_id}/close`)).status).toBe(
      200,
    );
    await visitor.next("closed");
  });

  it("refuses widget keys with origins that are not origins", async () => {
    const { owner } = await webchatTenant({ assistant: false });
    const response = await callAs(owner, "POST", "/api/v1/widget-keys", {
      name: "bad",
      allowed_origins: ["https://shop.example/path"],
    });
    expect(response.status).toBe(400);
  });
});
