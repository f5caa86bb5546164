import { RouteGroup } from "../../http/route-kit.ts";
import {
  renderWidgetKey,
  WidgetKeyCreateSchema,
  WidgetKeySchema,
  WidgetKeyUpdateSchema,
} from "../api-schemas.ts";
import { createWidgetKey, listWidgetKeys, revokeWidgetKey, updateWidgetKey } from "../widget-keys.ts";

const routes = new RouteGroup("Widget keys", { module: "webchat" });

const widgetKey = routes.resource("widget key", {
  path: "/api/v1/widget-keys",
  schema: WidgetKeySchema,
  render: renderWidgetKey,
  access: { role: "admin" },
});

widgetKey.list({ summary: "The tenant's live widget keys and their allowed origins" }, listWidgetKeys);

widgetKey.create(
  {
    summary: "Create a publishable widget key for the pages on the given origins",
    body: WidgetKeyCreateSchema,
  },
  (db, tenantId, body) =>
    createWidgetKey(db, tenantId, { name: body.name, allowedOrigins: [...new Set(body.allowed_origins)] }),
);

widgetKey.update(
  {
    summary: "Rename a widget key or change its allowed origins",
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
    responseDescription: "Revoked",
  },
  revokeWidgetKey,
);

export const registerWidgetKeyRoutes = routes.register;
