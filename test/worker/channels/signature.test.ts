import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createApp } from "../../../workers/app.ts";
import { isValidTwilioSignature, twilioSignature } from "../../../workers/channels/twilio/signature.ts";
import { callRecord, incomingCallForm, postTwilioWebhook, voiceLine } from "./support.ts";

// Twilio's published request-validation examples (twilio-ruby, spec/util/request_validator_spec.rb).
const PUBLISHED_TOKEN = "2bd9e9638872de601313dc77410d3b23";

const publishedVoiceRequest = {
  url: "http://twiliotests.heroku.com/validate/voice",
  signature: "oVb2kXoVy8GEfwBDjR8bk/ZZ6eA=",
  params: {
    ToState: "California",
    CalledState: "California",
    Direction: "inbound",
    FromState: "CA",
    AccountSid: "ACba8bc05eacf94afdae398e642c9cc32d",
    Caller: "+14153595711",
    CallerZip: "94108",
    CallerCountry: "US",
    From: "+14153595711",
    FromCity: "SAN FRANCISCO",
    CallerCity: "SAN FRANCISCO",
    To: "+14157669926",
    FromZip: "94108",
    FromCountry: "US",
    ToCity: "",
    CallStatus: "ringing",
    CalledCity: "",
    CallerState: "CA",
    CalledZip: "",
    ToZip: "",
    ToCountry: "US",
    CallSid: "CA136d09cd59a3c0ec8dbff44da5c03f31",
    CalledCountry: "US",
    Called: "+14157669926",
    ApiVersion: "2010-04-01",
    ApplicationSid: "AP44efecad51364e80b133bb7c07eb8204",
  },
};

const publishedSmsRequest = {
  url: "http://twiliotests.heroku.com/validate/sms",
  signature: "mxeiv65lEe0b8L6LdVw2jgJi8yw=",
  params: {
    ToState: "CA",
    FromState: "CA",
    AccountSid: "ACba8bc05eacf94afdae398e642c9cc32d",
    SmsMessageSid: "SM2003cbd5e6a3701999aa3e5f20ff2787",
    Body: "Orly",
    From: "+14159354345",
    FromCity: "SAN FRANCISCO",
    SmsStatus: "received",
    FromZip: "94107",
    FromCountry: "US",
    To: "+14158141819",
    ToCity: "SAN FRANCISCO",
    ToZip: "94105",
    ToCountry: "US",
    ApiVersion: "2010-04-01",
    SmsSid: "SM2003cbd5e6a3701999aa3e5f20ff2787",
  },
};

const INCOMING = "/api/v1/channels/voice/incoming";

describe("Twilio request signatures", () => {
  it("match Twilio's published example of a voice request", async () => {
    const { url, params, signature } = publishedVoiceRequest;
    expect(await twilioSignature(PUBLISHED_TOKEN, url, Object.entries(params))).toBe(signature);
    expect(await isValidTwilioSignature(PUBLISHED_TOKEN, url, Object.entries(params), signature)).toBe(true);
  });

  it("match Twilio's published example of an SMS request", async () => {
    const { url, params, signature } = publishedSmsRequest;
    expect(await twilioSignature(PUBLISHED_TOKEN, url, Object.entries(params))).toBe(signature);
  });

  it("reject the published example once a parameter, the URL or the token changes", async () => {
    const { url, params, signature } = publishedVoiceRequest;
    const valid = (token: string, at: string, values: Record<string, string>) =>
      isValidTwilioSignature(token, at, Object.entries(values), signature);
    expect(await valid(PUBLISHED_TOKEN, url, { ...params, To: "+14157669927" })).toBe(false);
    expect(await valid(PUBLISHED_TOKEN, `${url}?x=1`, params)).toBe(false);
    expect(await valid("another-token", url, params)).toBe(false);
  });

  it("do not depend on the order in which the parameters arrive", async () => {
    const { url, params, signature } = publishedSmsRequest;
    const reversed = Object.entries(params).reverse();
    expect(await isValidTwilioSignature(PUBLISHED_TOKEN, url, reversed, signature)).toBe(true);
  });
});

describe("Twilio webhook validation over HTTP", () => {
  it("accepts a correctly signed webhook", async () => {
    const line = await voiceLine();
    const form = incomingCallForm(undefined, line.number);
    const response = await postTwilioWebhook(INCOMING, form);
    expect(response.status, await response.clone().text()).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/xml");
    expect(await callRecord(form.CallSid)).toMatchObject({
      call_sid: form.CallSid,
    });
  });

  it("refuses a tampered body with 403 and stores nothing", async () => {
    const signedForm = incomingCallForm();
    const form = { ...signedForm, From: "+14155550666" };
    const response = await postTwilioWebhook(INCOMING, form, { signedForm });
    expect(response.status).toBe(403);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(await response.json()).toMatchObject({
      status: 403,
      detail: expect.stringContaining("does not match"),
    });
    expect(await callRecord(form.CallSid)).toBeNull();
  });

  it("refuses a signature made for another URL with 403 and stores nothing", async () => {
    const form = incomingCallForm();
    const response = await postTwilioWebhook(INCOMING, form, {
      signedUrl: "https://borde.test/api/v1/channels/whatsapp/webhook",
    });
    expect(response.status).toBe(403);
    expect(await callRecord(form.CallSid)).toBeNull();
  });

  it("refuses a request without X-Twilio-Signature with 403 and stores nothing", async () => {
    const form = incomingCallForm();
    const response = await postTwilioWebhook(INCOMING, form, { signature: null });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ detail: "The X-Twilio-Signature header is missing." });
    expect(await callRecord(form.CallSid)).toBeNull();
  });

  it("refuses a correctly signed request for another Twilio account", async () => {
    const form = { ...incomingCallForm(), AccountSid: "ACffffffffffffffffffffffffffffffff" };
    const response = await postTwilioWebhook(INCOMING, form);
    expect(response.status).toBe(403);
    expect(await callRecord(form.CallSid)).toBeNull();
  });

  it("answers a signed but malformed webhook with a 400 naming the field", async () => {
    const form = { ...incomingCallForm(), CallSid: "not-a-call-sid" };
    const response = await postTwilioWebhook(INCOMING, form);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errors: [{ path: "body.CallSid" }] });
  });

  it("answers 503 naming the missing settings when Twilio is not configured", async () => {
    const app = createApp();
    const ctx = createExecutionContext();
    const unconfigured = { ...env, TWILIO_ACCOUNT_SID: undefined, TWILIO_AUTH_TOKEN: undefined };
    const response = await postTwilioWebhook(
      INCOMING,
      incomingCallForm(),
      {},
      {
        fetch: (request) => Promise.resolve(app.fetch(request, unconfigured, ctx)),
      },
    );
    await waitOnExecutionContext(ctx);
    expect(response.status).toBe(503);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(await response.json()).toMatchObject({
      detail: expect.stringContaining("TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN missing"),
    });
  });
});
