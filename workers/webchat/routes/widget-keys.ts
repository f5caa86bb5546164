import { IdParamSchema } from "../../http/api-schemas.ts";
import { jsonBody, jsonResponse } from "../../http/openapi.ts";
import { ListQuerySchema, pageSchema, toPage } from "../../http/pagination.ts";
import { notFound } from "../../http/problem.ts";
import { RouteGroup, tenantRead, tenantWrite } from "../../http/route-kit.ts";
import {
  renderWidgetKey,
  WidgetKeyCreateSchema,
  WidgetKeySchema,
  WidgetKeyUpdateSchema,
} from "../api-schemas.ts";
import { createWidgetKey, listWidgetKeys, revokeWidgetKey, updateWidgetKey } from "../widget-keys.ts";

const ADMIN = { role: "admin" } as const;

const routes = new RouteGroup("Widget keys");

routes.add(
  {
    method: "get",
    path: "/api/v1/widget-keys",
    operationId: "listWidgetKeys",
    summary: "The tenant's live widget keys and their allowed origins",
    access: ADMIN,
    request: { query: ListQuerySchema },
    responses: { 200: jsonResponse(pageSchema(WidgetKeySchema, "WidgetKeyPage"), "A page of widget keys") },
  },
  async (c) => {
    const page = c.req.valid("query");
    const rows = await tenantRead(c, (db, tenantId) => listWidgetKeys(db, tenantId, page));
    return c.json(toPage(rows, page, renderWidgetKey), 200);
  },
);

routes.add(
  {
    method: "post",
    path: "/api/v1/widget-keys",
    operationId: "createWidgetKey",
    summary: "Create a publishable widget key for the pages on the given origins",
    access: ADMIN,
    idempotent: true,
    request: { body: jsonBody(WidgetKeyCreateSchema) },
    responses: { 201: jsonResponse(WidgetKeySchema, "The widget key") },
  },
  async (c) => {
    const body = c.req.valid("json");
    const values = { name: body.name, allowedOrigins: [...new Set(body.allowed_origins)] };
    const widgetKey = await tenantWrite(c, (db, tenantId) => createWidgetKey(db, tenantId, values));
    c.header("Location", `/api/v1/widget-keys/${widgetKey.id}`);
    return c.json(renderWidgetKey(widgetKey), 201);
  },
);

routes.add(
  {
    method: "patch",
    path: "/api/v1/widget-keys/{id}",
    operationId: "updateWidgetKey",
    summary: "Rename a widget key or change its allowed origins",
    access: ADMIN,
    request: { params: IdParamSchema, body: jsonBody(WidgetKeyUpdateSchema) },
    responses: { 200: jsonResponse(WidgetKeySchema, "The updated widget key") },
    problems: [404],
  },
  async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const widgetKey = await tenantWrite(c, (db, tenantId) =>
      updateWidgetKey(db, tenantId, id, {
        name: body.name,
        allowedOrigins: body.allowed_origins ? [...new Set(body.allowed_origins)] : undefined,
      }),
    );
    if (!widgetKey) throw notFound("widget key");
    return c.json(renderWidgetKey(widgetKey), 200);
  },
);

routes.add(
  {
    method: "delete",
    path: "/api/v1/widget-keys/{id}",
    operationId: "revokeWidgetKey",
    summary: "Revoke a widget key; new connections with it are refused at once",
    access: ADMIN,
    request: { params: IdParamSchema },
    responses: { 204: { description: "Revoked" } },
    problems: [404],
  },
  async (c) => {
    const { id } = c.req.valid("param");
    const revoked = await tenantWrite(c, (db, tenantId) => revokeWidgetKey(db, tenantId, id));
    if (!revoked) throw notFound("widget key");
    return c.body(null, 204);
  },
);

export const registerWidgetKeyRoutes = routes.register;
