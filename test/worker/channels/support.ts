import { env, SELF } from "cloudflare:test";
import { twilioSignature } from "../../../workers/channels/twilio/signature.ts";
import { TEST_TWILIO_ACCOUNT_SID, TEST_TWILIO_AUTH_TOKEN } from "../../support/constants.ts";
import { BASE, randomIp } from "../support/identity.ts";

const hex = (length: number) =>
  Array.from(crypto.getRandomValues(new Uint8Array(length / 2)), (byte) =>
    byte.toString(16).padStart(2, "0"),
  ).join("");

export const newCallSid = () => `CA${hex(32)}`;

/** The form Twilio posts to the voice webhook when a call comes in. */
export const incomingCallForm = (callSid = newCallSid()) => ({
  CallSid: callSid,
  AccountSid: TEST_TWILIO_ACCOUNT_SID,
  From: "+14155550100",
  To: "+14155550199",
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

export const voiceCallStub = (callSid: string) => env.VOICE_CALL.get(env.VOICE_CALL.idFromName(callSid));

/** A fresh E.164 number, so tests running in parallel never claim the same one. */
export const newPhoneNumber = () => `+1${String(2_000_000_000 + Math.floor(Math.random() * 7_999_999_999))}`;

export const newMessageSid = () => `SM${hex(32)}`;
