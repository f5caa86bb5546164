import { z } from "@hono/zod-openapi";
import { HttpProblem } from "../../http/problem.ts";
import { RouteGroup } from "../../http/route-kit.ts";
import { TWIML_CONTENT_TYPE } from "../twilio/twiml.ts";
import { twilioForm, twilioWebhook } from "../twilio/webhook.ts";
import { answerIncomingCall, voiceCall } from "./calls.ts";
import { IncomingCallSchema, StreamPathSchema } from "./wire.ts";

const TwimlSchema = z.string().openapi("TwiML", {
  example:
    '<?xml version="1.0" encoding="UTF-8"?><Response><Connect><Stream url="wss://borde.example/api/v1/channels/voice/stream/CA…"><Parameter name="token" value="…"/></Stream></Connect></Response>',
});

const routes = new RouteGroup("Channels", { module: "channels" });

routes.add(
  {
    method: "post",
    path: "/api/v1/channels/voice/incoming",
    operationId: "answerIncomingCall",
    summary: "Twilio voice webhook: answer an incoming call",
    description:
      "Set as the number's voice webhook (HTTP POST). Requests must carry a valid `X-Twilio-Signature`. " +
      "The call is recorded as a `voice` conversation of the tenant that registered the `To` number. " +
      "With an OpenAI key the call is connected to a media stream bridged to the Realtime API; without " +
      "one it hears a short spoken fallback (`X-Borde-Source: fallback`). A number no tenant has gets a " +
      "short message and a hang-up (`X-Borde-Source: unknown_number`), and nothing is recorded.",
    access: "public",
    middleware: [twilioWebhook()],
    request: { body: twilioForm(IncomingCallSchema) },
    responses: {
      200: {
        description: "TwiML for the call",
        headers: z.object({ "X-Borde-Source": z.enum(["assistant", "fallback", "unknown_number"]) }),
        content: { "text/xml": { schema: TwimlSchema } },
      },
    },
    problems: [403, 503],
  },
  async (c) => {
    const answer = await answerIncomingCall(
      c.get("database"),
      c.get("config"),
      c.req.valid("form"),
      c.req.url,
    );
    return c.body(answer.twiml, 200, { "content-type": TWIML_CONTENT_TYPE, "x-borde-source": answer.source });
  },
);

routes.add(
  {
    method: "get",
    path: "/api/v1/channels/voice/stream/{call_sid}",
    operationId: "connectCallMediaStream",
    summary: "Twilio media stream of a call (WebSocket)",
    description:
      "Opened by Twilio from the TwiML of the incoming-call webhook. The stream is accepted only if its " +
      "`start` event carries the token that TwiML gave for this call; otherwise it is closed (1008).",
    access: "public",
    request: { params: StreamPathSchema },
    responses: { 101: { description: "Switching to the WebSocket protocol" } },
    problems: [426],
  },
  async (c) => {
    const { call_sid } = c.req.valid("param");
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
      throw new HttpProblem("upgrade-required", "This route only accepts a WebSocket upgrade.", {
        headers: { Upgrade: "websocket" },
      });
    }
    const response = await voiceCall(c.env, call_sid).fetch(`https://voice-call/${call_sid}`, {
      headers: { Upgrade: "websocket" },
    });
    // A fresh response, so the middleware after this handler may still add its headers.
    return new Response(response.body, {
      status: response.status,
      headers: response.headers,
      webSocket: response.webSocket,
    });
  },
);

export const registerVoiceRoutes = routes.register;
