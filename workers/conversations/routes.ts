import type { Context } from "hono";
import { areaAccess, userOf } from "../access/authorize.ts";
import { IdParamSchema } from "../http/api-schemas.ts";
import type { AppEnv } from "../http/app-env.ts";
import { jsonResponse } from "../http/openapi.ts";
import { ListQuerySchema, pageSchema, toPage } from "../http/pagination.ts";
import { HttpProblem, notFound } from "../http/problem.ts";
import { jobContext } from "../http/request-context.ts";
import { RouteGroup, tenantRead } from "../http/route-kit.ts";
import {
  AckSchema,
  ConversationFilterSchema,
  ConversationSchema,
  MessageSchema,
  OutgoingMessageSchema,
  renderConversation,
  renderMessage,
} from "./api-schemas.ts";
import { closeConversation, getConversation, listConversations } from "./conversations.ts";
import { messageRefused } from "./message-outcomes.ts";
import { transcriptPage } from "./messages.ts";
import { PARTICIPANT_HEADER, type Participant, sessionStub } from "./participants.ts";

const { read: READ } = areaAccess("conversations");
// Taking part is for people: an agent's messages carry who wrote them.
const AGENT = { role: "analyst" } as const;

/** The signed-in person taking part in a conversation, as its session knows them. */
function agentIn(c: Context<AppEnv>, conversationId: string): Extract<Participant, { role: "agent" }> {
  const { tenantId, userId } = userOf(c);
  return { role: "agent", tenantId, conversationId, userId, origin: new URL(c.req.url).origin };
}

const routes = new RouteGroup("Conversations");

const conversation = routes.resource("conversation", {
  path: "/api/v1/conversations",
  schema: ConversationSchema,
  render: renderConversation,
  access: { read: READ, write: AGENT },
});

conversation.list(
  {
    summary: "The tenant's conversations, optionally by status and channel",
    filters: ConversationFilterSchema,
  },
  (db, tenantId, { status, channel, ...page }) => listConversations(db, tenantId, { status, channel }, page),
);

conversation.get({ summary: "One conversation" }, getConversation);

routes.add(
  {
    method: "get",
    path: "/api/v1/conversations/{id}/messages",
    operationId: "listConversationMessages",
    summary: "A conversation's transcript, oldest first",
    access: READ,
    params: IdParamSchema,
    query: ListQuerySchema,
    responses: { 200: jsonResponse(pageSchema(MessageSchema, "MessagePage"), "A page of messages") },
    problems: [404],
  },
  async (c, { params: { id }, query: page }) => {
    const result = await tenantRead(c, async (db, tenantId) => {
      const conversation = await getConversation(db, tenantId, id);
      return conversation ? transcriptPage(db, tenantId, id, page) : null;
    });
    if (!result) throw notFound("conversation");
    return c.json(toPage(result, page, renderMessage), 200);
  },
);

routes.add(
  {
    method: "post",
    path: "/api/v1/conversations/{id}/messages",
    operationId: "sendAgentMessage",
    summary: "Answer as a person: this takes the conversation over, and the assistant stays quiet",
    description: "In a WhatsApp conversation the message also goes to the contact through Twilio.",
    access: AGENT,
    params: IdParamSchema,
    body: OutgoingMessageSchema,
    responses: {
      201: jsonResponse(AckSchema, "Stored and sent to the conversation's sockets"),
      200: jsonResponse(AckSchema, "Already stored under this client message id"),
    },
    problems: [404, 409],
  },
  async (c, { params: { id }, body }) => {
    const agent = agentIn(c, id);
    const outcome = await sessionStub(c.env.WEBCHAT_SESSION, id).sendMessage(agent, body, jobContext(c));
    if (outcome.type === "error") throw messageRefused(outcome);
    return c.json(outcome, outcome.duplicate ? 200 : 201);
  },
);

routes.add(
  {
    method: "get",
    path: "/api/v1/conversations/{id}/live",
    operationId: "joinConversationLive",
    summary: "Join a conversation live over a WebSocket (same protocol as the widget); this takes it over",
    access: AGENT,
    params: IdParamSchema,
    responses: { 101: { description: "Switching to the WebSocket protocol" } },
    problems: [404, 426],
  },
  async (c, { params: { id } }) => {
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
    const agent = agentIn(c, id);
    const conversation = await tenantRead(c, (db, tenantId) => getConversation(db, tenantId, id));
    if (!conversation) throw notFound("conversation");
    const headers = new Headers(c.req.raw.headers);
    headers.set(PARTICIPANT_HEADER, JSON.stringify(agent));
    const upstream = await sessionStub(c.env.WEBCHAT_SESSION, id).fetch(c.req.url, { headers });
    return new Response(upstream.body, { status: upstream.status, webSocket: upstream.webSocket });
  },
);

conversation.action(
  "close",
  {
    summary: "Close a conversation; its sockets are told and closed",
    responseDescription: "The closed conversation",
  },
  (db, tenantId, id, c) => closeConversation(db, tenantId, id, userOf(c).userId),
  (c, closed) => sessionStub(c.env.WEBCHAT_SESSION, closed.id).conversationClosed(),
);

export const registerConversationRoutes = routes.register;
