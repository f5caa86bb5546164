import { z } from "@hono/zod-openapi";

// The forms Twilio posts for WhatsApp (https://www.twilio.com/docs/messaging/guides/webhook-request).
// Only what Borde uses is named; the rest of Twilio's parameters are dropped.

const MessageSidSchema = z
  .string()
  .regex(/^(SM|MM)[0-9a-fA-F]{32}$/, "must be a Twilio message SID (SM or MM followed by 32 hex digits)");

const AccountSidSchema = z.string().regex(/^AC[0-9a-fA-F]{32}$/, "must be a Twilio account SID");

/** `whatsapp:+14155550100` → `+14155550100`: conversations are keyed by the E.164 number. */
const WhatsAppAddressSchema = z
  .string()
  .regex(/^whatsapp:\+[1-9]\d{6,14}$/, "must be whatsapp: followed by an E.164 number")
  .transform((address) => address.slice("whatsapp:".length));

/** Twilio sends at most 10 media per message, as MediaUrl0…9 with MediaContentType0…9. */
const MAX_MEDIA = 10;

export const InboundMessageSchema = z
  .looseObject({
    MessageSid: MessageSidSchema,
    AccountSid: AccountSidSchema,
    From: WhatsAppAddressSchema,
    To: WhatsAppAddressSchema,
    Body: z.string().max(4096).default(""),
    ProfileName: z.string().max(256).optional(),
    NumMedia: z.coerce.number().int().min(0).max(MAX_MEDIA).default(0),
  })
  .transform((form, ctx) => {
    const media: { url: string; content_type: string }[] = [];
    for (let index = 0; index < form.NumMedia; index++) {
      const url = z.url({ protocol: /^https?$/ }).safeParse(form[`MediaUrl${index}`]);
      const contentType = z.string().min(1).safeParse(form[`MediaContentType${index}`]);
      if (!url.success || !contentType.success) {
        ctx.addIssue({
          code: "custom",
          path: [`MediaUrl${index}`],
          message: "a media URL and content type are required for each of NumMedia",
        });
        return z.NEVER;
      }
      media.push({ url: url.data, content_type: contentType.data });
    }
    if (!form.Body && media.length === 0) {
      ctx.addIssue({ code: "custom", path: ["Body"], message: "a message needs a Body or media" });
      return z.NEVER;
    }
    return {
      message_sid: form.MessageSid,
      account_sid: form.AccountSid,
      from: form.From,
      to: form.To,
      body: form.Body,
      profile_name: form.ProfileName ?? null,
      media,
    };
  });
export type InboundMessage = z.output<typeof InboundMessageSchema>;

/** Twilio's delivery states of an outbound message. */
export const MESSAGE_STATUSES = [
  "accepted",
  "scheduled",
  "queued",
  "sending",
  "sent",
  "delivered",
  "read",
  "undelivered",
  "failed",
  "canceled",
] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

export const StatusCallbackSchema = z
  .looseObject({
    MessageSid: MessageSidSchema,
    AccountSid: AccountSidSchema,
    MessageStatus: z.enum(MESSAGE_STATUSES),
    ErrorCode: z.coerce.number().int().optional(),
  })
  .transform((form) => ({
    message_sid: form.MessageSid,
    account_sid: form.AccountSid,
    status: form.MessageStatus,
    error_code: form.ErrorCode ?? null,
  }));
export type StatusCallback = z.output<typeof StatusCallbackSchema>;
