import { env } from "cloudflare:test";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { FALLBACK_REPLY, streamAssistantReply } from "../../../workers/assistants/replies.ts";
import { loadConfig } from "../../../workers/config/config.ts";
import { messages } from "../../../workers/conversations/tables.ts";
import { Logger } from "../../../workers/lib/log.ts";
import { withTestDatabase } from "../support/database.ts";
import { callAs } from "../support/identity.ts";
import { connectAgent, connectVisitor, sleep, webchatTenant } from "./support.ts";

const assistantRows = (conversationId: string) =>
  withTestDatabase((db) =>
    db
      .select()
      .from(messages)
      .where(and(eq(messages.conversationId, conversationId), eq(messages.role, "assistant"))),
  );

describe("webchat assistant replies", () => {
  it("streams the assistant's reply as deltas, then stores and sends it whole", async () => {
    const { widgetKey } = await webchatTenant();
    const { visitor, ready } = await connectVisitor(widgetKey);
    visitor.send({ type: "message", client_message_id: "q", text: "What are your hours?" });
    const reply = await visitor.next("message", (frame) => frame.message.role === "assistant");
    expect(reply.message).toMatchObject({
      source: "openai",
      text: "Fake assistant reply to: What are your hours?",
    });
    const deltas = visitor.of("delta").filter((delta) => delta.reply_id === reply.reply_id);
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.map((delta) => delta.text).join("")).toBe(reply.message.text);
    const [row] = await assistantRows(ready.conversation_id);
    expect(row).toMatchObject({ id: reply.message.id, source: "openai", text: reply.message.text });
  });

  it("answers from the tenant's instructions and the conversation's history", async () => {
    const instructions = `You are the shop's helper ${crypto.randomUUID()}`;
    const { widgetKey } = await webchatTenant({ instructions });
    const { visitor } = await connectVisitor(widgetKey);
    visitor.send({ type: "message", client_message_id: "a", text: "first question" });
    await visitor.next("message", (frame) => frame.message.role === "assistant");
    visitor.send({ type: "message", client_message_id: "b", text: "second question" });
    await visitor.next(
      "message",
      (frame) => frame.message.text === "Fake assistant reply to: second question",
    );
    const requests = await fetch(`${loadConfig(env).openai.baseUrl?.replace(/\/v1$/, "")}/__requests`);
    const recorded = await requests.json<{ body: { messages: { role: string; content: string }[] } }[]>();
    const sent = recorded.find(
      (request) => request.body.messages[0]?.content === instructions && request.body.messages.length > 2,
    );
    expect(sent?.body.messages).toEqual([
      { role: "system", content: instructions },
      { role: "user", content: "first question" },
      { role: "assistant", content: "Fake assistant reply to: first question" },
      { role: "user", content: "second question" },
    ]);
  });

  it("stores a labelled fallback when the stream is cut off midway", async () => {
    const { widgetKey } = await webchatTenant();
    const { visitor, ready } = await connectVisitor(widgetKey);
    visitor.send({ type: "message", client_message_id: "cut", text: "please fake-openai:cut now" });
    const reply = await visitor.next("message", (frame) => frame.message.role === "assistant");
    expect(reply.message).toMatchObject({ source: "fallback", text: FALLBACK_REPLY });
    expect(visitor.of("delta").length).toBeGreaterThan(0);
    const rows = await assistantRows(ready.conversation_id);
    expect(rows.map((row) => [row.source, row.text])).toEqual([["fallback", FALLBACK_REPLY]]);
  });

  it("falls back, labelled as such, when the model answers with an error", async () => {
    const { widgetKey } = await webchatTenant();
    const { visitor } = await connectVisitor(widgetKey);
    visitor.send({ type: "message", client_message_id: "err", text: "fake-openai:error" });
    const reply = await visitor.next("message", (frame) => frame.message.role === "assistant");
    expect(reply.message.source).toBe("fallback");
  });

  it("falls back without calling anyone when no OpenAI key is configured", async () => {
    const config = loadConfig(env);
    const withoutKey = { ...config, openai: { ...config.openai, apiKey: undefined } };
    const assistant = {
      id: crypto.randomUUID(),
      tenantId: crypto.randomUUID(),
      name: "Helper",
      model: "gpt-4o-mini",
      instructions: "Answer.",
      temperature: 0.3,
      enabled: true,
      createdAt: new Date(),
      updatedAt: new Date(),
    };
    const deltas: string[] = [];
    const reply = await streamAssistantReply(
      withoutKey,
      assistant,
      [],
      (text) => deltas.push(text),
      new Logger(),
    );
    expect(reply).toEqual({ text: FALLBACK_REPLY, source: "fallback" });
    expect(deltas).toEqual([]);
  });

  it("stays quiet while a person has joined the conversation", async () => {
    const { owner, widgetKey } = await webchatTenant();
    const { visitor, ready } = await connectVisitor(widgetKey);
    const agent = await connectAgent(owner, ready.conversation_id);
    await visitor.next("agent_joined");
    visitor.send({ type: "message", client_message_id: "human?", text: "Is a person there?" });
    await agent.next("message", (frame) => frame.message.text === "Is a person there?");
    agent.send({ type: "message", client_message_id: "agent-1", text: "Yes, I am here." });
    expect((await agent.next("ack")).duplicate).toBe(false);
    const answer = await visitor.next("message", (frame) => frame.message.role === "agent");
    expect(answer.message.text).toBe("Yes, I am here.");
    await sleep(300);
    expect(visitor.of("delta")).toEqual([]);
    expect(await assistantRows(ready.conversation_id)).toEqual([]);
  });

  it("stays quiet once a person has answered through the REST route", async () => {
    const { owner, widgetKey } = await webchatTenant();
    const { visitor, ready } = await connectVisitor(widgetKey);
    const sent = await callAs(owner, "POST", `/api/v1/conversations/${ready.conversation_id}/messages`, {
      client_message_id: "rest-1",
      text: "Hello from a person",
    });
    expect(sent.status, await sent.clone().text()).toBe(201);
    await visitor.next("agent_joined");
    await visitor.next("message", (frame) => frame.message.role === "agent");
    visitor.send({ type: "message", client_message_id: "v", text: "thanks" });
    await visitor.next("ack");
    await sleep(300);
    expect(await assistantRows(ready.conversation_id)).toEqual([]);
  });
});
