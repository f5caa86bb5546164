import { jsonBody, jsonResponse } from "../../http/openapi.ts";
import { RouteGroup, tenantWrite } from "../../http/route-kit.ts";
import {
  renderWidgetKey,
  WidgetKeyCreateSchema,
  WidgetKeySchema,
  WidgetKeyUpdateSchema,
} from "../api-schemas.ts";
import { createWidgetKey, listWidgetKeys, revokeWidgetKey, updateWidgetKey } from "../widget-keys.ts";

const ADMIN = { role: "admin" } as const;

const routes = new RouteGroup("Widget keys", { module: "webchat" });

const widgetKey = routes.resource("widget key", {
  path: "/api/v1/widget-keys",
  schema: WidgetKeySchema,
  render: renderWidgetKey,
});

widgetKey.list(
  {
    operationId: "listWidgetKeys",
    summary: "The tenant's live widget keys and their allowed origins",
    access: ADMIN,
  },
  listWidgetKeys,
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

widgetKey.update(
  {
    operationId: "updateWidgetKey",
    summary: "Rename a widget key or change its allowed origins",
    access: ADMIN,
    body: WidgetKeyUpdateSchema,
  },
  (db, tenantId, id, body) =>
    updateWidgetKey(db, tenantId, id, {
      name: body.name,
      allowedOrigins: body.allowed_origins ? [...new Set(body.allowed_origins)] : undefined,
    }),
);

widgetKey.delete(
  {
    operationId: "revokeWidgetKey",
    summary: "Revoke a widget key; new connections with it are refused at once",
    access: ADMIN,
    responseDescription: "Revoked",
  },
  revokeWidgetKey,
);

export const registerWidgetKeyRoutes = routes.register;
