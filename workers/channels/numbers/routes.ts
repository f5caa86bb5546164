import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../http/app-env.ts";
import { AUTHENTICATED, jsonBody, jsonResponse } from "../../http/openapi.ts";
import { problemResponses } from "../../http/openapi-responses.ts";
import { ListQuerySchema, pageSchema, toPage } from "../../http/pagination.ts";
import { HttpProblem, notFound, validationProblem } from "../../http/problem.ts";
import { IdParamSchema } from "../../identity/api-schemas.ts";
import { authorize, principalOf } from "../../identity/authorize.ts";
import {
  ChannelNumberCreateSchema,
  ChannelNumberSchema,
  ChannelNumberUpdateSchema,
  renderChannelNumber,
} from "./api-schemas.ts";
import {
  createChannelNumber,
  deleteChannelNumber,
  getChannelNumber,
  listChannelNumbers,
  type NumberWrite,
  updateChannelNumber,
} from "./numbers.ts";

const TAGS = ["Channels"];

const listRoute = createRoute({
  method: "get",
  path: "/api/v1/channels/numbers",
  operationId: "listChannelNumbers",
  tags: TAGS,
  summary: "The tenant's Twilio numbers, per channel",
  security: AUTHENTICATED,
  middleware: [authorize({ role: "viewer", scope: "channels:read" })] as const,
  request: { query: ListQuerySchema },
  responses: {
    200: jsonResponse(pageSchema(ChannelNumberSchema, "ChannelNumberPage"), "A page of numbers"),
    ...problemResponses(401, 403),
  },
});

const createNumberRoute = createRoute({
  method: "post",
  path: "/api/v1/channels/numbers",
  operationId: "createChannelNumber",
  tags: TAGS,
  summary: "Route a Twilio number's WhatsApp messages or calls to this tenant",
  description:
    "A number belongs to one tenant per channel: 409 when another tenant (or this one) has it already.",
  security: AUTHENTICATED,
  middleware: [authorize({ role: "admin", scope: "channels:write" })] as const,
  request: { body: jsonBody(ChannelNumberCreateSchema) },
  responses: {
    201: jsonResponse(ChannelNumberSchema, "The number"),
    ...problemResponses(401, 403, 409),
  },
});

const getRoute = createRoute({
  method: "get",
  path: "/api/v1/channels/numbers/{id}",
  operationId: "getChannelNumber",
  tags: TAGS,
  summary: "One number",
  security: AUTHENTICATED,
  middleware: [authorize({ role: "viewer", scope: "channels:read" })] as const,
  request: { params: IdParamSchema },
  responses: { 200: jsonResponse(ChannelNumberSchema, "The number"), ...problemResponses(401, 403, 404) },
});

const updateRoute = createRoute({
  method: "patch",
  path: "/api/v1/channels/numbers/{id}",
  operationId: "updateChannelNumber",
  tags: TAGS,
  summary: "Change a number, its assistant, or whether it is enabled",
  security: AUTHENTICATED,
  middleware: [authorize({ role: "admin", scope: "channels:write" })] as const,
  request: { params: IdParamSchema, body: jsonBody(ChannelNumberUpdateSchema) },
  responses: {
    200: jsonResponse(ChannelNumberSchema, "The updated number"),
    ...problemResponses(401, 403, 404, 409),
  },
});

const deleteRoute = createRoute({
  method: "delete",
  path: "/api/v1/channels/numbers/{id}",
  operationId: "deleteChannelNumber",
  tags: TAGS,
  summary: "Stop routing a number to this tenant",
  security: AUTHENTICATED,
  middleware: [authorize({ role: "admin", scope: "channels:write" })] as const,
  request: { params: IdParamSchema },
  responses: { 204: { description: "Deleted" }, ...problemResponses(401, 403, 404) },
});

function savedNumber(write: NumberWrite) {
  switch (write.outcome) {
    case "saved":
      return write.number;
    case "not_found":
      throw notFound("channel number");
    case "number_taken":
      throw new HttpProblem("conflict", "This number is already routed for this channel.");
    case "unknown_assistant":
      throw validationProblem([{ path: "body.assistant_id", message: "no assistant with this id" }]);
  }
}

export function registerChannelNumberRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(listRoute, async (c) => {
    const { tenantId } = principalOf(c);
    const page = c.req.valid("query");
    const rows = await c
      .get("database")
      .tenant(tenantId, (db) => listChannelNumbers(db, tenantId, page), { readOnly: true });
    return c.json(toPage(rows, page, renderChannelNumber), 200);
  });

  app.openapi(createNumberRoute, async (c) => {
    const { tenantId } = principalOf(c);
    const body = c.req.valid("json");
    const number = savedNumber(
      await c.get("database").tenant(tenantId, (db) =>
        createChannelNumber(db, tenantId, {
          channel: body.channel,
          phoneNumber: body.phone_number,
          assistantId: body.assistant_id,
          enabled: body.enabled,
        }),
      ),
    );
    c.header("Location", `/api/v1/channels/numbers/${number.id}`);
    return c.json(renderChannelNumber(number), 201);
  });

  app.openapi(getRoute, async (c) => {
    const { tenantId } = principalOf(c);
    const { id } = c.req.valid("param");
    const number = await c
      .get("database")
      .tenant(tenantId, (db) => getChannelNumber(db, tenantId, id), { readOnly: true });
    if (!number) throw notFound("channel number");
    return c.json(renderChannelNumber(number), 200);
  });

  app.openapi(updateRoute, async (c) => {
    const { tenantId } = principalOf(c);
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const number = savedNumber(
      await c.get("database").tenant(tenantId, (db) =>
        updateChannelNumber(db, tenantId, id, {
          phoneNumber: body.phone_number,
          assistantId: body.assistant_id,
          enabled: body.enabled,
        }),
      ),
    );
    return c.json(renderChannelNumber(number), 200);
  });

  app.openapi(deleteRoute, async (c) => {
    const { tenantId } = principalOf(c);
    const { id } = c.req.valid("param");
    const deleted = await c.get("database").tenant(tenantId, (db) => deleteChannelNumber(db, tenantId, id));
    if (!deleted) throw notFound("channel number");
    return c.body(null, 204);
  });
}
