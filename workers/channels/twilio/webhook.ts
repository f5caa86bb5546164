import type { z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../../http/app-env.ts";
import { HttpProblem } from "../../http/problem.ts";
import { isValidTwilioSignature } from "./signature.ts";

/**
 * Guards a Twilio webhook: answers 503 when Twilio is not configured, 403 unless the request carries the
 * X-Twilio-Signature Twilio computes over this URL and these form parameters with the auth token, and 403
 * when it names another account. Runs before anything is parsed for storage, so a refused request leaves
 * no trace. The URL is the one the request arrived at: behind Cloudflare that is the public URL Twilio
 * was given.
 */
export function twilioWebhook(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const { accountSid, authToken } = c.get("config").twilio;
    const missing = [!accountSid && "TWILIO_ACCOUNT_SID", !authToken && "TWILIO_AUTH_TOKEN"].filter(Boolean);
    if (!accountSid || !authToken) {
      throw new HttpProblem(
        "service-unavailable",
        `Twilio channels are not configured on this deployment: ${missing.join(" and ")} missing.`,
      );
    }
    const signature = c.req.header("x-twilio-signature");
    if (!signature) throw forbidden("The X-Twilio-Signature header is missing.");
    const contentType = c.req.header("content-type") ?? "";
    const params = contentType.startsWith("application/x-www-form-urlencoded")
      ? [...new URLSearchParams(new TextDecoder().decode(await c.req.arrayBuffer()))]
      : [];
    if (!(await isValidTwilioSignature(authToken, c.req.url, params, signature))) {
      throw forbidden("The X-Twilio-Signature does not match this request.");
    }
    const account = params.find(([name]) => name === "AccountSid")?.[1];
    if (account !== undefined && account !== accountSid) {
      throw forbidden("The request is for another Twilio account.");
    }
    await next();
  };
}

const forbidden = (detail: string) => new HttpProblem("twilio-signature", detail);

/** The request body of a Twilio webhook's declaration: Twilio posts a form. */
export const twilioForm = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { "application/x-www-form-urlencoded": { schema } },
});
