import { jsonBody, jsonResponse } from "../http/openapi.ts";
import { RouteGroup, tenantQuery } from "../http/route-kit.ts";
import {
  ModuleListSchema,
  ModuleParamSchema,
  ModuleSchema,
  ModuleSwitchSchema,
  renderModules,
} from "./api-schemas.ts";
import { forgetModules, selectSwitched, upsertModule } from "./modules.ts";

const routes = new RouteGroup("Modules");

routes.add(
  {
    method: "get",
    path: "/api/v1/modules",
    operationId: "listModules",
    summary: "Borde's modules and which the tenant has on",
    access: { role: "viewer", scope: "tenant:read" },
    responses: { 200: jsonResponse(ModuleListSchema, "Every module, on or off") },
  },
  async (c) => {
    const rows = await tenantQuery(c, selectSwitched, { readOnly: true });
    return c.json(renderModules(rows), 200);
  },
);

routes.add(
  {
    method: "put",
    path: "/api/v1/modules/{key}",
    operationId: "switchModule",
    summary: "Switch a module on or off for the tenant (owners)",
    description:
      "A module switched off answers 403 `module-disabled` on its routes; its data stays and is there again when it is switched back on.",
    access: { role: "owner" },
    request: { params: ModuleParamSchema, body: jsonBody(ModuleSwitchSchema) },
    responses: { 200: jsonResponse(ModuleSchema, "The module's new state") },
  },
  async (c) => {
    const { key } = c.req.valid("param");
    const { enabled } = c.req.valid("json");
    const [row] = await tenantQuery(c, (db, tenantId) => upsertModule(db, tenantId, key, enabled));
    if (!row) throw new Error("upsert returned no module");
    forgetModules(row.tenantId);
    return c.json({ key: row.module, enabled: row.enabled }, 200);
  },
);

export const registerModuleRoutes = routes.register;
