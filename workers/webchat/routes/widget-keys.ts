import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../http/app-env.ts";
import { jsonBody, jsonResponse, SIGNED_IN } from "../../http/openapi.ts";
import { problemResponses } from "../../http/openapi-responses.ts";
import { ListQuerySchema, pageSchema, toPage } from "../../http/pagination.ts";
import { notFound } from "../../http/problem.ts";
import { IdParamSchema } from "../../identity/api-schemas.ts";
import { authorize, userOf } from "../../identity/authorize.ts";
import {
  renderWidgetKey,
  WidgetKeyCreateSchema,
  WidgetKeySchema,
  WidgetKeyUpdateSchema,
} from "../api-schemas.ts";
import { createWidgetKey, listWidgetKeys, revokeWidgetKey, updateWidgetKey } from "../widget-keys.ts";

const TAGS = ["Widget keys"];

const listRoute = createRoute({
  method: "get",
  path: "/api/v1/widget-keys",
  operationId: "listWidgetKeys",
  tags: TAGS,
  summary: "The tenant's live widget keys and their allowed origins",
  security: SIGNED_IN,
  middleware: [authorize({ role: "admin" })] as const,
  request: { query: ListQuerySchema },
  responses: {
    200: jsonResponse(pageSchema(WidgetKeySchema, "WidgetKeyPage"), "A page of widget keys"),
    ...problemResponses(401, 403),
  },
});

const createKeyRoute = createRoute({
  method: "post",
  path: "/api/v1/widget-keys",
  operationId: "createWidgetKey",
  tags: TAGS,
  summary: "Create a publishable widget key for the pages on the given origins",
  security: SIGNED_IN,
  middleware: [authorize({ role: "admin" })] as const,
  request: { body: jsonBody(WidgetKeyCreateSchema) },
  responses: { 201: jsonResponse(WidgetKeySchema, "The widget key"), ...problemResponses(401, 403) },
});

const updateRoute = createRoute({
  method: "patch",
  path: "/api/v1/widget-keys/{id}",
  operationId: "updateWidgetKey",
  tags: TAGS,
  summary: "Rename a widget key or change its allowed origins",
  security: SIGNED_IN,
  middleware: [authorize({ role: "admin" })] as const,
  request: { params: IdParamSchema, body: jsonBody(WidgetKeyUpdateSchema) },
  responses: {
    200: jsonResponse(WidgetKeySchema, "The updated widget key"),
    ...problemResponses(401, 403, 404),
  },
});

const revokeRoute = createRoute({
  method: "delete",
  path: "/api/v1/widget-keys/{id}",
  operationId: "revokeWidgetKey",
  tags: TAGS,
  summary: "Revoke a widget key; new connections with it are refused at once",
  security: SIGNED_IN,
  middleware: [authorize({ role: "admin" })] as const,
  request: { params: IdParamSchema },
  responses: { 204: { description: "Revoked" }, ...problemResponses(401, 403, 404) },
});

export function registerWidgetKeyRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(listRoute, async (c) => {
    const { tenantId } = userOf(c);
    const page = c.req.valid("query");
    const rows = await c
      .get("database")
      .tenant(tenantId, (db) => listWidgetKeys(db, tenantId, page), { readOnly: true });
    return c.json(toPage(rows, page, renderWidgetKey), 200);
  });

  app.openapi(createKeyRoute, async (c) => {
    const { tenantId } = userOf(c);
    const body = c.req.valid("json");
    const values = { name: body.name, allowedOrigins: [...new Set(body.allowed_origins)] };
    const widgetKey = await c.get("database").tenant(tenantId, (db) => createWidgetKey(db, tenantId, values));
    c.header("Location", `/api/v1/widget-keys/${widgetKey.id}`);
    return c.json(renderWidgetKey(widgetKey), 201);
  });

  app.openapi(updateRoute, async (c) => {
    const { tenantId } = userOf(c);
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const widgetKey = await c.get("database").tenant(tenantId, (db) =>
      updateWidgetKey(db, tenantId, id, {
        name: body.name,
        allowedOrigins: body.allowed_origins ? [...new Set(body.allowed_origins)] : undefined,
      }),
    );
    if (!widgetKey) throw notFound("widget key");
    return c.json(renderWidgetKey(widgetKey), 200);
  });

  app.openapi(revokeRoute, async (c) => {
    const { tenantId } = userOf(c);
    const { id } = c.req.valid("param");
    const revoked = await c.get("database").tenant(tenantId, (db) => revokeWidgetKey(db, tenantId, id));
    if (!revoked) throw notFound("widget key");
    return c.body(null, 204);
  });
}
