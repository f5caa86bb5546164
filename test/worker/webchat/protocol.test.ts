import { env, evictDurableObject } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { MAX_FRAME_BYTES } from "../../../workers/conversations/live-protocol.ts";
import { sessionStub } from "../../../workers/conversations/participants.ts";
import { messages } from "../../../workers/conversations/tables.ts";
import { withTestDatabase } from "../support/database.ts";
import { callAs } from "../support/identity.ts";
import { connectVisitor, sleep, webchatTenant } from "./support.ts";

const storedRows = (conversationId: string) =>
  withTestDatabase((db) => db.select().from(messages).where(eq(messages.conversationId, conversationId)));

describe("webchat protocol", () => {
  it("acknowledges a visitor message only once its row is in the database, with the stored id", async () => {
    const { widgetKey } = await webchatTenant({ assistant: false });
    const { visitor, ready } = await connectVisitor(widgetKey);
    visitor.send({ type: "message", client_message_id: "c-1", text: "Hello there" });
    const ack = await visitor.next("ack");
    const [row] = await withTestDatabase((db) =>
      db.select().from(messages).where(eq(messages.id, ack.message_id)),
    );
    expect(row).toMatchObject({
      conversationId: ready.conversation_id,
      role: "visitor",
      text: "Hello there",
      clientMessageId: "c-1",
    });
    expect(ack).toMatchObject({ client_message_id: "c-1", duplicate: false });
  });

  it("acknowledges a repeated client message id again without storing a second row", async () => {
    const { widgetKey } = await webchatTenant({ assistant: false });
    const { visitor, ready } = await connectVisitor(widgetKey);
    visitor.send({ type: "message", client_message_id: "same", text: "once" });
    const first = await visitor.next("ack");
    visitor.send({ type: "message", client_message_id: "same", text: "once" });
    const second = await visitor.next("ack", (ack) => ack.duplicate);
    expect(second.message_id).toBe(first.message_id);
    expect(await storedRows(ready.conversation_id)).toHaveLength(1);
  });

  it("stores a client message id sent from two tabs at once a single time, and acks both with its id", async () => {
    const { widgetKey } = await webchatTenant({ assistant: false });
    const tabOne = await connectVisitor(widgetKey);
    const tabTwo = await connectVisitor(widgetKey, { token: tabOne.ready.visitor_token });
    const frame = { type: "message", client_message_id: "racing", text: "sent twice" };
    tabOne.visitor.send(frame);
    tabTwo.visitor.send(frame);
    const [first, second] = await Promise.all([tabOne.visitor.next("ack"), tabTwo.visitor.next("ack")]);
    expect(first.message_id).toBe(second.message_id);
    expect([first.duplicate, second.duplicate].sort()).toEqual([false, true]);
    expect(await storedRows(tabOne.ready.conversation_id)).toHaveLength(1);
  });

  it("resumes a returning visitor's conversation and sends what they missed, in order", async () => {
    const { widgetKey } = await webchatTenant({ assistant: false });
    const first = await connectVisitor(widgetKey);
    first.visitor.send({ type: "message", client_message_id: "m1", text: "one" });
    const seen = await first.visitor.next("ack");
    first.visitor.close();
    // Meanwhile the visitor's other tab goes on talking.
    const other = await connectVisitor(widgetKey, { token: first.ready.visitor_token });
    other.visitor.send({ type: "message", client_message_id: "m2", text: "two" });
    await other.visitor.next("ack");
    other.visitor.send({ type: "message", client_message_id: "m3", text: "three" });
    await other.visitor.next("ack", (ack) => ack.client_message_id === "m3");

    const back = await connectVisitor(widgetKey, {
      token: first.ready.visitor_token,
      lastSeenId: seen.message_id,
    });
    expect(back.ready.conversation_id).toBe(first.ready.conversation_id);
    await back.visitor.next("message", (frame) => frame.message.text === "three");
    expect(back.visitor.of("message").map((frame) => frame.message.text)).toEqual(["two", "three"]);
  });

  it("fans every message out to all sockets of the conversation", async () => {
    const { widgetKey } = await webchatTenant({ assistant: false });
    const tabOne = await connectVisitor(widgetKey);
    const tabTwo = await connectVisitor(widgetKey, { token: tabOne.ready.visitor_token });
    tabOne.visitor.send({ type: "message", client_message_id: "fan", text: "to everyone" });
    const ack = await tabOne.visitor.next("ack");
    const delivered = await tabTwo.visitor.next("message");
    expect(delivered.message).toMatchObject({ id: ack.message_id, text: "to everyone", role: "visitor" });
    await tabOne.visitor.next("message");
    tabOne.visitor.send({ type: "typing" });
    await tabTwo.visitor.next("typing");
  });

  it("answers malformed and unknown frames with an error frame and keeps the socket open", async () => {
    const { widgetKey } = await webchatTenant({ assistant: false });
    const { visitor } = await connectVisitor(widgetKey);
    visitor.send("not json");
    expect((await visitor.next("error")).code).toBe("invalid_frame");
    visitor.send({ type: "dance" });
    await visitor.next("error", (frame) => frame.code === "unknown_type");
    visitor.send({ type: "message", client_message_id: "x" });
    await visitor.next("error", (frame) => frame.code === "invalid_frame" && frame.detail.includes("text"));
    visitor.send({ type: "message", client_message_id: "ok", text: "still here" });
    expect((await visitor.next("ack")).client_message_id).toBe("ok");
  });

  it("refuses an oversize frame without storing it", async () => {
    const { widgetKey } = await webchatTenant({ assistant: false });
    const { visitor, ready } = await connectVisitor(widgetKey);
    visitor.send({ type: "message", client_message_id: "big", text: "x".repeat(MAX_FRAME_BYTES) });
    expect((await visitor.next("error")).code).toBe("frame_too_large");
    expect(await storedRows(ready.conversation_id)).toHaveLength(0);
  });

  it("keeps sockets and who is on them when the object is evicted (hibernation)", async () => {
    const { widgetKey } = await webchatTenant({ assistant: false });
    const tabOne = await connectVisitor(widgetKey);
    const tabTwo = await connectVisitor(widgetKey, { token: tabOne.ready.visitor_token });
    await evictDurableObject(sessionStub(env.WEBCHAT_SESSION, tabOne.ready.conversation_id));
    tabOne.visitor.send({ type: "message", client_message_id: "after", text: "after eviction" });
    const ack = await tabOne.visitor.next("ack");
    expect((await tabTwo.visitor.next("message")).message.id).toBe(ack.message_id);
    const [row] = await storedRows(tabOne.ready.conversation_id);
    expect(row?.conversationId).toBe(tabOne.ready.conversation_id);
  });

  it("marks what the other side sent as read when the visitor says so", async () => {
    const { owner, widgetKey } = await webchatTenant({ assistant: false });
    const { visitor, ready } = await connectVisitor(widgetKey);
    const sent = await callAs(owner, "POST", `/api/v1/conversations/${ready.conversation_id}/messages`, {
      client_message_id: "agent-hello",
      text: "Hello, how can I help?",
    });
    const { message_id } = await sent.json<{ message_id: string }>();
    expect((await visitor.next("message")).message.delivery).toBe("stored");
    visitor.send({ type: "read", up_to_id: message_id });
    for (let attempt = 0; attempt < 50; attempt++) {
      const [row] = await withTestDatabase((db) =>
        db.select().from(messages).where(eq(messages.id, message_id)),
      );
      if (row?.delivery === "read") return;
      await sleep(50);
    }
    throw new Error("the message was never marked read");
  });
});
