import { SELF } from "cloudflare:test";
import { and, asc, eq, sql } from "drizzle-orm";
import { expect } from "vitest";
import { twilioSignature } from "../../../workers/channels/twilio/signature.ts";
import { conversationEvents, conversations, messages } from "../../../workers/conversations/tables.ts";
import { TEST_TWILIO_ACCOUNT_SID, TEST_TWILIO_AUTH_TOKEN } from "../../support/constants.ts";
import { withTestDatabase } from "../support/database.ts";
import { BASE, callAs, randomIp, registerTenant, type TestAccount } from "../support/identity.ts";

const hex = (length: number) =>
  Array.from(crypto.getRandomValues(new Uint8Array(length / 2)), (byte) =>
    byte.toString(16).padStart(2, "0"),
  ).join("");

export const newCallSid = () => `CA${hex(32)}`;

/** The form Twilio posts to the voice webhook when a call comes in (to a number no tenant has, by default). */
export const incomingCallForm = (callSid = newCallSid(), to = "+14155550199") => ({
  CallSid: callSid,
  AccountSid: TEST_TWILIO_ACCOUNT_SID,
  From: "+14155550100",
  To: to,
  CallStatus: "ringing",
  Direction: "inbound",
  ApiVersion: "2010-04-01",
});

/** POSTs a form to a Twilio webhook route, signed as Twilio would (unless a signature is given). */
export async function postTwilioWebhook(
  path: string,
  form: Record<string, string>,
  options: { signature?: string | null; signedUrl?: string; signedForm?: Record<string, string> } = {},
  worker: { fetch: (request: Request) => Promise<Response> } = SELF,
): Promise<Response> {
  const url = `${BASE}${path}`;
  const signature =
    options.signature === undefined
      ? await twilioSignature(
          TEST_TWILIO_AUTH_TOKEN,
          options.signedUrl ?? url,
          Object.entries(options.signedForm ?? form),
        )
      : options.signature;
  const headers: Record<string, string> = {
    "content-type": "application/x-www-form-urlencoded",
    "cf-connecting-ip": randomIp(),
  };
  if (signature !== null) headers["x-twilio-signature"] = signature;
  return worker.fetch(new Request(url, { method: "POST", headers, body: new URLSearchParams(form) }));
}

/** A fresh E.164 number, so tests running in parallel never claim the same one. */
export const newPhoneNumber = () => `+1${String(2_000_000_000 + Math.floor(Math.random() * 7_999_999_999))}`;

export const newMessageSid = () => `SM${hex(32)}`;

/** A tenant with a voice number routed to it. */
export async function voiceLine(): Promise<{ account: TestAccount; number: string }> {
  const account = await registerTenant();
  const number = newPhoneNumber();
  const response = await callAs(account, "POST", "/api/v1/channels/numbers", {
    channel: "voice",
    phone_number: number,
  });
  expect(response.status).toBe(201);
  return { account, number };
}

type EventData = Record<string, unknown>;

/**
 * What Postgres holds of a call: its conversation, its events (a `call_event` named by its `name`) in
 * order, and its transcript; null when the call was never recorded.
 */
export async function callRecord(callSid: string) {
  return withTestDatabase(async (db) => {
    const [started] = await db
      .select()
      .from(conversationEvents)
      .where(
        and(
          eq(conversationEvents.type, "call_started"),
          sql`${conversationEvents.data}->>'call_sid' = ${callSid}`,
        ),
      );
    if (!started) return null;
    const [conversation] = await db
      .select()
      .from(conversations)
      .where(eq(conversations.id, started.conversationId));
    const events = await db
      .select()
      .from(conversationEvents)
      .where(eq(conversationEvents.conversationId, started.conversationId))
      .orderBy(asc(conversationEvents.id));
    const transcript = await db
      .select()
      .from(messages)
      .where(eq(messages.conversationId, started.conversationId))
      .orderBy(asc(messages.id));
    const data = started.data as EventData;
    const ended = events.find((event) => event.type === "call_ended")?.data as EventData | undefined;
    return {
      conversation,
      tenant_id: started.tenantId,
      call_sid: data.call_sid,
      from: data.from,
      to: data.to,
      answered_with: data.answered_with,
      ended: ended ?? null,
      events: events.map((event) => {
        const { name, ...detail } = event.data as EventData;
        return { type: event.type === "call_event" ? String(name) : event.type, detail };
      }),
      transcript: transcript.map((message) => ({ role: message.role, text: message.text })),
    };
  });
}
