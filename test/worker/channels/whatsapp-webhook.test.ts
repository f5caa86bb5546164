import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { FALLBACK_REPLY } from "../../../workers/assistants/replies.ts";
import { messages } from "../../../workers/conversations/tables.ts";
import worker from "../../../workers/index.ts";
import type { JobMessage } from "../../../workers/jobs/registry.ts";
import { TEST_TWILIO_ACCOUNT_SID } from "../../support/constants.ts";
import { withTestDatabase } from "../support/database.ts";
import { callAs, registerTenant, type TestAccount } from "../support/identity.ts";
import { connectAgent } from "../webchat/support.ts";
import { newMessageSid, newPhoneNumber, postTwilioWebhook } from "./support.ts";

type RecordedTwilioRequest = { form: Record<string, string>; status: number; at: number };

/** What the local Twilio server received for messages to `contact`. */
async function twilioRequestsTo(contact: string): Promise<RecordedTwilioRequest[]> {
  const response = await fetch(`${env.TWILIO_API_BASE_URL}/__requests`);
  return (await response.json<RecordedTwilioRequest[]>()).filter(
    (request) => request.form.To === `whatsapp:${contact}`,
  );
}

const inbound = (to: string, from: string, body: string, sid = newMessageSid()) => ({
  MessageSid: sid,
  SmsMessageSid: sid,
  AccountSid: TEST_TWILIO_ACCOUNT_SID,
  From: `whatsapp:${from}`,
  To: `whatsapp:${to}`,
  Body: body,
  NumMedia: "0",
  ProfileName: "Ada",
  ApiVersion: "2010-04-01",
});

const postInbound = (form: Record<string, string>) =>
  postTwilioWebhook("/api/v1/channels/whatsapp/webhook", form);

const storedBySid = (sid: string) =>
  withTestDatabase((db) => db.select().from(messages).where(eq(messages.externalId, sid)));

const conversationMessages = (conversationId: string) =>
  withTestDatabase((db) =>
    db
      .select()
      .from(messages)
      .where(and(eq(messages.conversationId, conversationId)))
      .orderBy(messages.id),
  );

/** A tenant with an enabled assistant and a WhatsApp number routed to it. */
async function tenantWithNumber(): Promise<{ account: TestAccount; number: string }> {
  const account = await registerTenant();
  const number = newPhoneNumber();
  const assistant = await callAs(account, "POST", "/api/v1/assistants", {
    name: "Support",
    model: "gpt-4o-mini",
    instructions: "Answer briefly.",
  });
  expect(assistant.status).toBe(201);
  const created = await callAs(account, "POST", "/api/v1/channels/numbers", {
    channel: "whatsapp",
    phone_number: number,
  });
  expect(created.status).toBe(201);
  return { account, number };
}

async function whatsappConversations(account: TestAccount): Promise<{ id: string; channel: string }[]> {
  const response = await callAs(account, "GET", "/api/v1/conversations?channel=whatsapp&limit=100");
  expect(response.status).toBe(200);
  return ((await response.json()) as { data: { id: string; channel: string }[] }).data;
}

let tenantA: { account: TestAccount; number: string };
let tenantB: { account: TestAccount; number: string };
beforeAll(async () => {
  [tenantA, tenantB] = await Promise.all([tenantWithNumber(), tenantWithNumber()]);
});

describe("WhatsApp inbound webhook", () => {
  it("stores the message in the tenant that owns the To number, answering with empty TwiML", async () => {
    const contact = newPhoneNumber();
    const sid = newMessageSid();
    const response = await postInbound(inbound(tenantB.number, contact, "Hello B", sid));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/xml");
    expect(await response.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
    const [row] = await storedBySid(sid);
    expect(row).toMatchObject({ tenantId: tenantB.account.tenantId, role: "visitor", text: "Hello B" });
    const conversations = await whatsappConversations(tenantB.account);
    expect(conversations.map((conversation) => conversation.id)).toContain(row?.conversationId);
    expect((await whatsappConversations(tenantA.account)).map((c) => c.id)).not.toContain(
      row?.conversationId,
    );
  });

  it("keeps writing into the contact's open conversation", async () => {
    const contact = newPhoneNumber();
    const first = newMessageSid();
    const second = newMessageSid();
    expect((await postInbound(inbound(tenantA.number, contact, "one", first))).status).toBe(200);
    expect((await postInbound(inbound(tenantA.number, contact, "two", second))).status).toBe(200);
    const [a] = await storedBySid(first);
    const [b] = await storedBySid(second);
    expect(a?.conversationId).toBe(b?.conversationId);
  });

  it("stores a redelivered MessageSid once and still answers 200", async () => {
    const contact = newPhoneNumber();
    const form = inbound(tenantA.number, contact, "Only once please");
    const [first, second] = [await postInbound(form), await postInbound(form)];
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(await second.text()).toContain("<Response></Response>");
    expect(await storedBySid(form.MessageSid)).toHaveLength(1);
  });

  it("keeps media as references", async () => {
    const form = {
      ...inbound(tenantA.number, newPhoneNumber(), ""),
      NumMedia: "1",
      MediaUrl0: "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1",
      MediaContentType0: "image/jpeg",
    };
    expect((await postInbound(form)).status).toBe(200);
    const [row] = await storedBySid(form.MessageSid);
    expect(row?.media).toEqual([{ url: form.MediaUrl0, content_type: "image/jpeg" }]);
  });

  it("answers 404 for a number no tenant has, and stores nothing", async () => {
    const form = inbound(newPhoneNumber(), newPhoneNumber(), "Anyone there?");
    const response = await postInbound(form);
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toContain("application/problem+json");
    expect(await storedBySid(form.MessageSid)).toHaveLength(0);
  });

  it("refuses an unsigned request and stores nothing", async () => {
    const form = inbound(tenantA.number, newPhoneNumber(), "forged");
    const response = await postTwilioWebhook("/api/v1/channels/whatsapp/webhook", form, { signature: null });
    expect(response.status).toBe(403);
    expect(await storedBySid(form.MessageSid)).toHaveLength(0);
  });

  it("keeps another tenant out of the conversation it created", async () => {
    const form = inbound(tenantA.number, newPhoneNumber(), "private to A");
    await postInbound(form);
    const [row] = await storedBySid(form.MessageSid);
    const path = `/api/v1/conversations/${row?.conversationId}`;
    expect((await callAs(tenantA.account, "GET", path)).status).toBe(200);
    expect((await callAs(tenantB.account, "GET", path)).status).toBe(404);
    expect((await callAs(tenantB.account, "GET", `${path}/messages`)).status).toBe(404);
    expect(
      (await callAs(tenantB.account, "POST", `${path}/messages`, { client_message_id: "x", text: "hi" }))
        .status,
    ).toBe(404);
  });
});

describe("WhatsApp replies", () => {
  it("sends the assistant's reply through Twilio from the tenant's number and stores its sid", async () => {
    const contact = newPhoneNumber();
    const form = inbound(tenantA.number, contact, "What are your opening hours?");
    await postInbound(form);
    const [request] = await vi.waitFor(
      async () => {
        const requests = await twilioRequestsTo(contact);
        expect(requests).toHaveLength(1);
        return requests;
      },
      { timeout: 10_000, interval: 100 },
    );
    expect(request?.form).toMatchObject({
      From: `whatsapp:${tenantA.number}`,
      Body: "Fake assistant reply to: What are your opening hours?",
      StatusCallback: "https://borde.test/api/v1/channels/whatsapp/status",
    });
    const [visitor] = await storedBySid(form.MessageSid);
    const reply = await vi.waitFor(
      async () => {
        const rows = await conversationMessages(visitor?.conversationId ?? "");
        const assistant = rows.find((row) => row.role === "assistant");
        expect(assistant?.externalId).toMatch(/^SM/);
        return assistant;
      },
      { timeout: 5_000, interval: 100 },
    );
    expect(reply).toMatchObject({ source: "openai", externalStatus: "queued" });
  });

  it("retries the send when Twilio answers 429, then 5xx, and sends each reply once", async () => {
    const contact = newPhoneNumber();
    const sentTimes = async (count: number) =>
      vi.waitFor(
        async () => {
          const received = await twilioRequestsTo(contact);
          expect(received.filter((request) => request.status === 201)).toHaveLength(count);
          return received;
        },
        { timeout: 15_000, interval: 200 },
      );
    // One after the other: the fake assistant quotes the latest message, which sets the Twilio marker.
    await postInbound(inbound(tenantA.number, contact, "fake-twilio:429-once please"));
    await sentTimes(1);
    await postInbound(inbound(tenantA.number, contact, "fake-twilio:500-once please"));
    const requests = await sentTimes(2);
    expect(requests.map((request) => request.status)).toEqual([429, 201, 500, 201]);
    // Twilio's Retry-After (1 s) was honoured before the second attempt.
    expect((requests[1]?.at ?? 0) - (requests[0]?.at ?? 0)).toBeGreaterThanOrEqual(900);
  });

  it("sends an agent's answer through Twilio, and the assistant then stays quiet", async () => {
    const contact = newPhoneNumber();
    const first = inbound(tenantB.number, contact, "I want a person");
    await postInbound(first);
    await vi.waitFor(async () => expect(await twilioRequestsTo(contact)).toHaveLength(1), {
      timeout: 10_000,
      interval: 100,
    });
    const [visitor] = await storedBySid(first.MessageSid);
    const sent = await callAs(
      tenantB.account,
      "POST",
      `/api/v1/conversations/${visitor?.conversationId}/messages`,
      {
        client_message_id: "agent-1",
        text: "Hi, this is Sam from support.",
      },
    );
    expect(sent.status).toBe(201);
    await vi.waitFor(
      async () => {
        const bodies = (await twilioRequestsTo(contact)).map((request) => request.form.Body);
        expect(bodies).toContain("Hi, this is Sam from support.");
      },
      { timeout: 10_000, interval: 100 },
    );
    const later = inbound(tenantB.number, contact, "Thanks Sam");
    await postInbound(later);
    // The queue has had time to run the reply job, which must have stayed quiet.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await twilioRequestsTo(contact)).toHaveLength(2);
    const rows = await conversationMessages(visitor?.conversationId ?? "");
    expect(rows.map((row) => row.role)).toEqual(["visitor", "assistant", "agent", "visitor"]);
  });
});

/** Delivers one job to the JOBS consumer (or its dead-letter queue) as the queue would. */
async function deliver(job: JobMessage, queue = "borde-jobs") {
  const batch = createMessageBatch(queue, [
    { id: crypto.randomUUID(), timestamp: new Date(), attempts: 1, body: job },
  ]);
  await worker.queue(batch, env);
  return getQueueResult(batch, createExecutionContext());
}

describe("WhatsApp reply jobs", () => {
  it("send the labelled fallback when the model cannot answer", async () => {
    const contact = newPhoneNumber();
    await postInbound(inbound(tenantA.number, contact, "fake-openai:error"));
    await vi.waitFor(
      async () => {
        const [request] = await twilioRequestsTo(contact);
        expect(request?.form.Body).toBe(FALLBACK_REPLY);
      },
      { timeout: 10_000, interval: 100 },
    );
  });

  it("neither answer nor send twice when a reply job is delivered again", async () => {
    const contact = newPhoneNumber();
    const form = inbound(tenantA.number, contact, "Just once");
    await postInbound(form);
    await vi.waitFor(async () => expect(await twilioRequestsTo(contact)).toHaveLength(1), {
      timeout: 10_000,
      interval: 100,
    });
    const [visitor] = await storedBySid(form.MessageSid);
    const result = await deliver({
      type: "whatsapp.reply",
      tenant_id: tenantA.account.tenantId,
      conversation_id: visitor?.conversationId ?? "",
      message_id: visitor?.id ?? "",
      status_callback: "https://borde.test/api/v1/channels/whatsapp/status",
    });
    expect(result.explicitAcks).toHaveLength(1);
    expect(await twilioRequestsTo(contact)).toHaveLength(1);
    const rows = await conversationMessages(visitor?.conversationId ?? "");
    expect(rows.map((row) => row.role)).toEqual(["visitor", "assistant"]);
  });

  it("mark a message failed when its send ran out of retries", async () => {
    const form = inbound(tenantA.number, newPhoneNumber(), "hello");
    await postInbound(form);
    const [visitor] = await storedBySid(form.MessageSid);
    // An agent's message whose send job is dead-lettered (stored here without a job of its own).
    const [agent] = await withTestDatabase((db) =>
      db
        .insert(messages)
        .values({
          tenantId: tenantA.account.tenantId,
          conversationId: visitor?.conversationId ?? "",
          role: "agent",
          text: "never delivered",
        })
        .returning(),
    );
    const result = await deliver(
      {
        type: "whatsapp.send",
        tenant_id: tenantA.account.tenantId,
        message_id: agent?.id ?? "",
        status_callback: "https://borde.test/api/v1/channels/whatsapp/status",
      },
      "borde-jobs-dlq",
    );
    expect(result.explicitAcks).toHaveLength(1);
    const [row] = await withTestDatabase((db) =>
      db
        .select()
        .from(messages)
        .where(eq(messages.id, agent?.id ?? "")),
    );
    expect(row?.externalStatus).toBe("failed");
  });
});

describe("WhatsApp agents live", () => {
  it("send what an agent types on the live socket to the contact through Twilio", async () => {
    const contact = newPhoneNumber();
    const form = inbound(tenantB.number, contact, "Live help please");
    await postInbound(form);
    const [visitor] = await storedBySid(form.MessageSid);
    const agent = await connectAgent(tenantB.account, visitor?.conversationId ?? "");
    agent.send({ type: "hello" });
    await agent.next("ready");
    agent.send({ type: "message", client_message_id: "live-1", text: "Typing live from the inbox." });
    await agent.next("ack");
    await vi.waitFor(
      async () => {
        const bodies = (await twilioRequestsTo(contact)).map((request) => request.form.Body);
        expect(bodies).toContain("Typing live from the inbox.");
      },
      { timeout: 10_000, interval: 100 },
    );
    agent.close();
  });
});

describe("WhatsApp status callbacks", () => {
  async function sentMessageSid(): Promise<string> {
    const contact = newPhoneNumber();
    const form = inbound(tenantA.number, contact, "status please");
    await postInbound(form);
    const [visitor] = await storedBySid(form.MessageSid);
    return vi.waitFor(
      async () => {
        const rows = await conversationMessages(visitor?.conversationId ?? "");
        const sid = rows.find((row) => row.role === "assistant")?.externalId;
        expect(sid).toBeTruthy();
        return sid as string;
      },
      { timeout: 10_000, interval: 100 },
    );
  }

  const postStatus = (sid: string, status: string) =>
    postTwilioWebhook("/api/v1/channels/whatsapp/status", {
      MessageSid: sid,
      AccountSid: TEST_TWILIO_ACCOUNT_SID,
      MessageStatus: status,
      ChannelPrefix: "whatsapp",
    });

  it("moves a message forward and never backwards, whatever order the callbacks come in", async () => {
    const sid = await sentMessageSid();
    const answers: string[] = [];
    for (const status of ["delivered", "sent", "read", "delivered", "failed"]) {
      const response = await postStatus(sid, status);
      expect(response.status).toBe(200);
      answers.push(((await response.json()) as { status: string }).status);
    }
    expect(answers).toEqual(["delivered", "delivered", "read", "read", "read"]);
    const [row] = await storedBySid(sid);
    expect(row).toMatchObject({ externalStatus: "read", delivery: "read" });
  });

  it("keeps a failure final", async () => {
    const sid = await sentMessageSid();
    expect(((await (await postStatus(sid, "failed")).json()) as { status: string }).status).toBe("failed");
    expect(((await (await postStatus(sid, "delivered")).json()) as { status: string }).status).toBe("failed");
  });

  it("answers 404 for a MessageSid Borde did not send, and 400 for an unknown status", async () => {
    expect((await postStatus(newMessageSid(), "delivered")).status).toBe(404);
    expect((await postStatus(newMessageSid(), "lost")).status).toBe(400);
  });
});
