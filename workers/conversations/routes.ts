import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../http/app-env.ts";
import { AUTHENTICATED, jsonBody, jsonResponse, SIGNED_IN } from "../http/openapi.ts";
import { problemResponses } from "../http/openapi-responses.ts";
import { ListQuerySchema, pageSchema, toPage } from "../http/pagination.ts";
import { HttpProblem, notFound } from "../http/problem.ts";
import { IdParamSchema } from "../identity/api-schemas.ts";
import { authorize, principalOf, userOf } from "../identity/authorize.ts";
import { AckSchema, MessageSchema, OutgoingMessageSchema } from "../webchat/api-schemas.ts";
import { messageRefused } from "../webchat/message-outcomes.ts";
import { PARTICIPANT_HEADER, type Participant, sessionStub } from "../webchat/participants.ts";
import { renderMessage } from "../webchat/protocol.ts";
import { ConversationFilterSchema, ConversationSchema, renderConversation } from "./api-schemas.ts";
import { closeConversation, getConversation, listConversations } from "./conversations.ts";
import { transcriptPage } from "./messages.ts";

const TAGS = ["Conversations"];

const originOf = (url: string) => new URL(url).origin;

const listRoute = createRoute({
  method: "get",
  path: "/api/v1/conversations",
  operationId: "listConversations",
  tags: TAGS,
  summary: "The tenant's conversations, optionally by status and channel",
  security: AUTHENTICATED,
  middleware: [authorize({ role: "viewer", scope: "conversations:read" })] as const,
  request: { query: ListQuerySchema.extend(ConversationFilterSchema.shape) },
  responses: {
    200: jsonResponse(pageSchema(ConversationSchema, "ConversationPage"), "A page of conversations"),
    ...problemResponses(401, 403),
  },
});

const getRoute = createRoute({
  method: "get",
  path: "/api/v1/conversations/{id}",
  operationId: "getConversation",
  tags: TAGS,
  summary: "One conversation",
  security: AUTHENTICATED,
  middleware: [authorize({ role: "viewer", scope: "conversations:read" })] as const,
  request: { params: IdParamSchema },
  responses: {
    200: jsonResponse(ConversationSchema, "The conversation"),
    ...problemResponses(401, 403, 404),
  },
});

const transcriptRoute = createRoute({
  method: "get",
  path: "/api/v1/conversations/{id}/messages",
  operationId: "listConversationMessages",
  tags: TAGS,
  summary: "A conversation's transcript, oldest first",
  security: AUTHENTICATED,
  middleware: [authorize({ role: "viewer", scope: "conversations:read" })] as const,
  request: { params: IdParamSchema, query: ListQuerySchema },
  responses: {
    200: jsonResponse(pageSchema(MessageSchema, "MessagePage"), "A page of messages"),
    ...problemResponses(401, 403, 404),
  },
});

const sendRoute = createRoute({
  method: "post",
  path: "/api/v1/conversations/{id}/messages",
  operationId: "sendAgentMessage",
  tags: TAGS,
  summary: "Answer as a person: this takes the conversation over, and the assistant stays quiet",
  description: "In a WhatsApp conversation the message also goes to the contact through Twilio.",
  security: SIGNED_IN,
  middleware: [authorize({ role: "analyst" })] as const,
  request: { params: IdParamSchema, body: jsonBody(OutgoingMessageSchema) },
  responses: {
    201: jsonResponse(AckSchema, "Stored and sent to the conversation's sockets"),
    200: jsonResponse(AckSchema, "Already stored under this client message id"),
    ...problemResponses(401, 403, 404, 409),
  },
});

const liveRoute = createRoute({
  method: "get",
  path: "/api/v1/conversations/{id}/live",
  operationId: "joinConversationLive",
  tags: TAGS,
  summary: "Join a conversation live over a WebSocket (same protocol as the widget); this takes it over",
  security: SIGNED_IN,
  middleware: [authorize({ role: "analyst" })] as const,
  request: { params: IdParamSchema },
  responses: {
    101: { description: "Switching to the WebSocket protocol" },
    ...problemResponses(401, 403, 404, 426),
  },
});

const closeRoute = createRoute({
  method: "post",
  path: "/api/v1/conversations/{id}/close",
  operationId: "closeConversation",
  tags: TAGS,
  summary: "Close a conversation; its sockets are told and closed",
  security: SIGNED_IN,
  middleware: [authorize({ role: "analyst" })] as const,
  request: { params: IdParamSchema },
  responses: {
    200: jsonResponse(ConversationSchema, "The closed conversation"),
    ...problemResponses(401, 403, 404),
  },
});

export function registerConversationRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(listRoute, async (c) => {
    const { tenantId } = principalOf(c);
    const { status, channel, ...page } = c.req.valid("query");
    const rows = await c
      .get("database")
      .tenant(tenantId, (db) => listConversations(db, tenantId, { status, channel }, page), {
        readOnly: true,
      });
    return c.json(toPage(rows, page, renderConversation), 200);
  });

  app.openapi(getRoute, async (c) => {
    const { tenantId } = principalOf(c);
    const { id } = c.req.valid("param");
    const conversation = await c
      .get("database")
      .tenant(tenantId, (db) => getConversation(db, tenantId, id), { readOnly: true });
    if (!conversation) throw notFound("conversation");
    return c.json(renderConversation(conversation), 200);
  });

  app.openapi(transcriptRoute, async (c) => {
    const { tenantId } = principalOf(c);
    const { id } = c.req.valid("param");
    const page = c.req.valid("query");
    const result = await c.get("database").tenant(
      tenantId,
      async (db) => {
        const conversation = await getConversation(db, tenantId, id);
        return conversation ? transcriptPage(db, tenantId, id, page) : null;
      },
      { readOnly: true },
    );
    if (!result) throw notFound("conversation");
    return c.json(toPage(result, page, renderMessage), 200);
  });

  app.openapi(sendRoute, async (c) => {
    const { tenantId, userId } = userOf(c);
    const { id } = c.req.valid("param");
    const message = c.req.valid("json");
    const agent: Participant = {
      role: "agent",
      tenantId,
      conversationId: id,
      userId,
      origin: originOf(c.req.url),
    };
    const outcome = await sessionStub(c.env.WEBCHAT_SESSION, id).sendMessage(agent, message);
    if (outcome.type === "error") throw messageRefused(outcome);
    return c.json(outcome, outcome.duplicate ? 200 : 201);
  });

  app.openapi(liveRoute, async (c) => {
    const { tenantId, userId } = userOf(c);
    const { id } = c.req.valid("param");
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
      throw new HttpProblem("upgrade-required", "Connect with a WebSocket.", {
        headers: { Upgrade: "websocket" },
      });
    }
    // A cookie rides along on a cross-site WebSocket too: only this API's own pages may open one with it.
    const origin = c.req.header("origin");
    if (origin && origin !== new URL(c.req.url).origin && !c.get("config").allowedOrigins.includes(origin)) {
      throw new HttpProblem(
        "cross-site-request",
        `Cross-site WebSocket refused: the Origin ${origin} is not allowed (this is ${new URL(c.req.url).origin}).`,
      );
    }
    const conversation = await c
      .get("database")
      .tenant(tenantId, (db) => getConversation(db, tenantId, id), { readOnly: true });
    if (!conversation) throw notFound("conversation");
    const agent: Participant = {
      role: "agent",
      tenantId,
      conversationId: id,
      userId,
      origin: originOf(c.req.url),
    };
    const headers = new Headers(c.req.raw.headers);
    headers.set(PARTICIPANT_HEADER, JSON.stringify(agent));
    const upstream = await sessionStub(c.env.WEBCHAT_SESSION, id).fetch(c.req.url, { headers });
    return new Response(upstream.body, { status: upstream.status, webSocket: upstream.webSocket });
  });

  app.openapi(closeRoute, async (c) => {
    const { tenantId, userId } = userOf(c);
    const { id } = c.req.valid("param");
    const conversation = await c
      .get("database")
      .tenant(tenantId, (db) => closeConversation(db, tenantId, id, userId));
    if (!conversation) throw notFound("conversation");
    await sessionStub(c.env.WEBCHAT_SESSION, id).conversationClosed();
    return c.json(renderConversation(conversation), 200);
  });
}
