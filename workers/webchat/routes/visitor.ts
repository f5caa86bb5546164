import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import {
  AckSchema,
  MessageSchema,
  OutgoingMessageSchema,
  renderMessage,
} from "../../conversations/api-schemas.ts";
import { messageRefused } from "../../conversations/message-outcomes.ts";
import { messagesAfter } from "../../conversations/messages.ts";
import { PARTICIPANT_HEADER, sessionStub } from "../../conversations/participants.ts";
import type { AppEnv } from "../../http/app-env.ts";
import { jsonBody, jsonResponse } from "../../http/openapi.ts";
import { HttpProblem } from "../../http/problem.ts";
import { jobContext } from "../../http/request-context.ts";
import { RouteGroup } from "../../http/route-kit.ts";
import {
  VisitorSessionCreateSchema,
  VisitorSessionSchema,
  VisitorTokenHeaderSchema,
  WidgetKeyQuerySchema,
} from "../api-schemas.ts";
import { existingVisitor, openVisitorSession, widgetTenant } from "../visitor-sessions.ts";

/**
 * The origin of the page calling. Browsers send Origin on upgrades and cross-origin requests, but not on a
 * same-origin GET; there Sec-Fetch-Site (which pages cannot set either) vouches for this API's own origin.
 */
function pageOrigin(c: Context<AppEnv>): string | undefined {
  const origin = c.req.header("origin");
  if (origin) return origin;
  return c.req.header("sec-fetch-site") === "same-origin" ? new URL(c.req.url).origin : undefined;
}

// The widget authenticates with its publishable key and the page's Origin (checked by widgetTenant), and the
// visitor with the token of their session, so these routes are public to the kit.
const routes = new RouteGroup("Webchat visitors");

routes.add(
  {
    method: "get",
    path: "/api/v1/webchat/connect",
    operationId: "connectWebchat",
    summary: "Open the visitor's chat socket (WebSocket upgrade); the protocol is in the README",
    description:
      "Authorised by the publishable widget key and the page's Origin, which must be one of the key's allowed origins. Send `token` (the `visitor_token` of an earlier `ready` frame) to resume that conversation.",
    access: "public",
    request: {
      query: WidgetKeyQuerySchema.extend({
        token: z.string().max(2000).optional().openapi({ description: "An earlier visitor token." }),
      }),
    },
    responses: { 101: { description: "Switching to the WebSocket protocol" } },
    problems: [401, 403, 426],
  },
  async (c) => {
    const { key, token } = c.req.valid("query");
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
      throw new HttpProblem("upgrade-required", "Connect with a WebSocket.", {
        headers: { Upgrade: "websocket" },
      });
    }
    const database = c.get("database");
    const tenantId = await widgetTenant(database, key, pageOrigin(c));
    const participant = await openVisitorSession(c.get("config"), database, tenantId, token);
    const headers = new Headers(c.req.raw.headers);
    headers.set(PARTICIPANT_HEADER, JSON.stringify(participant));
    const upstream = await sessionStub(c.env.WEBCHAT_SESSION, participant.conversationId).fetch(c.req.url, {
      headers,
    });
    // A fresh response: the middlewares add headers to it, and the one from the stub is immutable.
    return new Response(upstream.body, { status: upstream.status, webSocket: upstream.webSocket });
  },
);

routes.add(
  {
    method: "post",
    path: "/api/v1/webchat/sessions",
    operationId: "openWebchatSession",
    summary: "Open (or resume) a visitor's conversation without a WebSocket",
    access: "public",
    request: { query: WidgetKeyQuerySchema, body: jsonBody(VisitorSessionCreateSchema) },
    responses: { 201: jsonResponse(VisitorSessionSchema, "The conversation and the visitor's token") },
    problems: [401, 403],
  },
  async (c) => {
    const { key } = c.req.valid("query");
    const { visitor_token } = c.req.valid("json");
    const database = c.get("database");
    const tenantId = await widgetTenant(database, key, pageOrigin(c));
    const session = await openVisitorSession(c.get("config"), database, tenantId, visitor_token);
    return c.json({ conversation_id: session.conversationId, visitor_token: session.visitorToken }, 201);
  },
);

routes.add(
  {
    method: "post",
    path: "/api/v1/webchat/messages",
    operationId: "sendWebchatMessage",
    summary: "Send a visitor message without a WebSocket; it is stored before the ack is returned",
    access: "public",
    request: {
      query: WidgetKeyQuerySchema,
      headers: VisitorTokenHeaderSchema,
      body: jsonBody(OutgoingMessageSchema),
    },
    responses: {
      201: jsonResponse(AckSchema, "Stored"),
      200: jsonResponse(AckSchema, "Already stored under this client message id"),
    },
    problems: [401, 403, 409],
  },
  async (c) => {
    const { key } = c.req.valid("query");
    const token = c.req.valid("header")["x-visitor-token"];
    const message = c.req.valid("json");
    const tenantId = await widgetTenant(c.get("database"), key, pageOrigin(c));
    const visitor = await existingVisitor(c.get("config"), tenantId, token);
    const outcome = await sessionStub(c.env.WEBCHAT_SESSION, visitor.conversationId).sendMessage(
      visitor,
      message,
      jobContext(c),
    );
    if (outcome.type === "error") throw messageRefused(outcome);
    return c.json(outcome, outcome.duplicate ? 200 : 201);
  },
);

routes.add(
  {
    method: "get",
    path: "/api/v1/webchat/messages",
    operationId: "pollWebchatMessages",
    summary: "The conversation's messages after the last one the visitor saw, oldest first",
    access: "public",
    request: {
      query: WidgetKeyQuerySchema.extend({
        after: z.uuid().optional().openapi({ description: "The id of the last message seen." }),
        limit: z.coerce.number().int().min(1).max(100).default(50),
      }),
      headers: VisitorTokenHeaderSchema,
    },
    responses: {
      200: jsonResponse(
        z.object({ data: z.array(MessageSchema) }).openapi("WebchatMessages"),
        "New messages",
      ),
    },
    problems: [401, 403],
  },
  async (c) => {
    const { key, after, limit } = c.req.valid("query");
    const token = c.req.valid("header")["x-visitor-token"];
    const database = c.get("database");
    const tenantId = await widgetTenant(database, key, pageOrigin(c));
    const visitor = await existingVisitor(c.get("config"), tenantId, token);
    const rows = await database.tenant(
      tenantId,
      (db) => messagesAfter(db, tenantId, visitor.conversationId, after, limit),
      { readOnly: true },
    );
    return c.json({ data: rows.map(renderMessage) }, 200);
  },
);

export const registerWebchatVisitorRoutes = routes.register;
