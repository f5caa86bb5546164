import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import {
  type RetryPolicy,
  type TwilioClient,
  TwilioRejected,
  TwilioUnavailable,
  twilioClient,
} from "../../../workers/channels/twilio/client.ts";
import { loadConfig } from "../../../workers/config/config.ts";
import { TEST_TWILIO_ACCOUNT_SID, TEST_TWILIO_AUTH_TOKEN } from "../../support/constants.ts";

/** A request as the local Twilio server (test/support/fake-twilio.ts) records it. */
type RecordedTwilioRequest = {
  path: string;
  authorization: string | undefined;
  form: Record<string, string>;
  status: number;
  at: number;
};

const FAST_RETRY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 2_000, timeoutMs: 2_000 };

function client(): TwilioClient {
  const twilio = twilioClient(loadConfig(env), FAST_RETRY);
  if (!twilio) throw new Error("the test Worker has Twilio credentials");
  return twilio;
}

/** What the local Twilio server received for messages whose Body is `body`. */
async function requestsFor(body: string): Promise<RecordedTwilioRequest[]> {
  const response = await fetch(`${env.TWILIO_API_BASE_URL}/__requests`);
  return (await response.json<RecordedTwilioRequest[]>()).filter((request) => request.form.Body === body);
}

const message = (body: string) => ({
  from: "+14155550199",
  to: "+14155550100",
  body,
  statusCallback: "https://borde.test/api/v1/channels/whatsapp/status",
});

const unique = (text: string) => `${text} ${crypto.randomUUID()}`;

describe("Twilio client", () => {
  it("sends a WhatsApp message as Twilio's Messages API expects it", async () => {
    const body = unique("Hello from Borde");
    const sent = await client().sendWhatsApp(message(body));
    expect(sent.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(sent.status).toBe("queued");
    const [request] = await requestsFor(body);
    expect(request).toMatchObject({
      path: `/2010-04-01/Accounts/${TEST_TWILIO_ACCOUNT_SID}/Messages.json`,
      authorization: `Basic ${btoa(`${TEST_TWILIO_ACCOUNT_SID}:${TEST_TWILIO_AUTH_TOKEN}`)}`,
      form: {
        From: "whatsapp:+14155550199",
        To: "whatsapp:+14155550100",
        Body: body,
        StatusCallback: "https://borde.test/api/v1/channels/whatsapp/status",
      },
      status: 201,
    });
  });

  it("retries after a 429, waiting as long as Retry-After says", async () => {
    const body = unique("fake-twilio:429-once");
    const sent = await client().sendWhatsApp(message(body));
    expect(sent.status).toBe("queued");
    const requests = await requestsFor(body);
    expect(requests.map((request) => request.status)).toEqual([429, 201]);
    const [first, second] = requests as [RecordedTwilioRequest, RecordedTwilioRequest];
    expect(second.at - first.at).toBeGreaterThanOrEqual(950);
  });

  it("retries after a 5xx", async () => {
    const body = unique("fake-twilio:500-once");
    await client().sendWhatsApp(message(body));
    expect((await requestsFor(body)).map((request) => request.status)).toEqual([500, 201]);
  });

  it("reports Twilio as unavailable when every attempt fails", async () => {
    const body = unique("fake-twilio:503-always");
    const error = await client()
      .sendWhatsApp(message(body))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TwilioUnavailable);
    expect(error).toMatchObject({ attempts: 3, lastStatus: 503 });
    expect(await requestsFor(body)).toHaveLength(3);
  });

  it("reports a refusal at once, without retrying", async () => {
    const body = unique("fake-twilio:400");
    const error = await client()
      .sendWhatsApp(message(body))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TwilioRejected);
    expect(error).toMatchObject({ status: 400, code: 21211 });
    expect(await requestsFor(body)).toHaveLength(1);
  });

  it("is not available without credentials", () => {
    expect(twilioClient(loadConfig({ ...env, TWILIO_AUTH_TOKEN: undefined }))).toBeNull();
  });
});
