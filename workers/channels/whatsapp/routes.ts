import { z } from "@hono/zod-openapi";
import { HttpProblem } from "../../http/problem.ts";
import { jobContext } from "../../http/request-context.ts";
import { RouteGroup } from "../../http/route-kit.ts";
import { enqueue } from "../../queue/enqueue.ts";
import { emptyTwiml, TWIML_CONTENT_TYPE } from "../twilio/twiml.ts";
import { twilioForm, twilioWebhook } from "../twilio/webhook.ts";
import { receiveWhatsApp } from "./inbound.ts";
import { whatsAppReplyJob } from "./jobs.ts";
import { applyDeliveryStatus } from "./messages.ts";
import { statusCallbackUrl } from "./status.ts";
import { InboundMessageSchema, MESSAGE_STATUSES, StatusCallbackSchema } from "./wire.ts";

const EmptyTwimlSchema = z.string().openapi("EmptyTwiML", {
  example: '<?xml version="1.0" encoding="UTF-8"?><Response></Response>',
});

const routes = new RouteGroup("Channels", { module: "channels" });

routes.add(
  {
    method: "post",
    path: "/api/v1/channels/whatsapp/webhook",
    operationId: "receiveWhatsAppMessage",
    summary: "Twilio WhatsApp webhook: an inbound message",
    description:
      "Set as the WhatsApp sender's incoming-message webhook (HTTP POST); requests must carry a valid " +
      "`X-Twilio-Signature`. The message is stored in the contact's `whatsapp` conversation of the tenant " +
      "that registered the `To` number (404 for a number no tenant has), once per `MessageSid`; the " +
      "answer is empty TwiML, and the assistant's reply is sent afterwards through Twilio.",
    access: "public",
    middleware: [twilioWebhook()],
    request: { body: twilioForm(InboundMessageSchema) },
    responses: {
      200: {
        description: "Stored (or already stored)",
        content: { "text/xml": { schema: EmptyTwimlSchema } },
      },
    },
    problems: [403, 404, 503],
  },
  async (c) => {
    const received = await receiveWhatsApp(c.get("database"), c.req.valid("form"));
    if (received.outcome === "unknown_number") {
      throw new HttpProblem("not-found", "No tenant has this WhatsApp number.");
    }
    if (received.outcome === "stored") {
      const { tenantId, conversationId } = received;
      c.set("log", c.get("log").with({ tenant_id: tenantId, conversation_id: conversationId }));
      const reply = {
        tenant_id: tenantId,
        conversation_id: conversationId,
        message_id: received.messageId,
        status_callback: statusCallbackUrl(c.req.url),
      };
      await enqueue(c.env, whatsAppReplyJob, reply, jobContext(c));
    }
    return c.body(emptyTwiml(), 200, { "content-type": TWIML_CONTENT_TYPE });
  },
);

routes.add(
  {
    method: "post",
    path: "/api/v1/channels/whatsapp/status",
    operationId: "receiveWhatsAppStatus",
    summary: "Twilio status callback: the delivery status of a message Borde sent",
    description:
      "Given to Twilio as each outbound message's StatusCallback; requests must carry a valid " +
      "`X-Twilio-Signature`. A status only moves forward (queued, sent, delivered, read; failed and " +
      "undelivered end it): a late or repeated callback changes nothing.",
    access: "public",
    middleware: [twilioWebhook()],
    request: { body: twilioForm(StatusCallbackSchema) },
    responses: {
      200: {
        description: "The status the message now has",
        content: {
          "application/json": {
            schema: z.object({ message_sid: z.string(), status: z.enum(MESSAGE_STATUSES) }),
          },
        },
      },
    },
    problems: [403, 404, 503],
  },
  async (c) => {
    const callback = c.req.valid("form");
    const status = await applyDeliveryStatus(c.get("database").db, callback.message_sid, callback.status);
    if (!status) throw new HttpProblem("not-found", "No message with this MessageSid.");
    return c.json({ message_sid: callback.message_sid, status }, 200);
  },
);

export const registerWhatsAppRoutes = routes.register;
