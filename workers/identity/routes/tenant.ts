import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../http/app-env.ts";
import { AUTHENTICATED, jsonBody, jsonResponse, SIGNED_IN } from "../../http/openapi.ts";
import { problemResponses } from "../../http/openapi-responses.ts";
import { notFound } from "../../http/problem.ts";
import { renderTenant, TenantSchema } from "../api-schemas.ts";
import { authorize, principalOf } from "../authorize.ts";
import { renameTenant, tenantById } from "../tenants.ts";

const TenantUpdateSchema = z.object({ name: z.string().trim().min(1).max(120) }).openapi("TenantUpdate");

const getCurrentTenant = createRoute({
  method: "get",
  path: "/api/v1/tenants/current",
  operationId: "getCurrentTenant",
  tags: ["Tenants"],
  summary: "The tenant you are signed in to",
  security: AUTHENTICATED,
  middleware: [authorize({ role: "viewer", scope: "tenant:read" })] as const,
  responses: { 200: jsonResponse(TenantSchema, "The tenant"), ...problemResponses(401, 403, 404) },
});

const updateCurrentTenant = createRoute({
  method: "patch",
  path: "/api/v1/tenants/current",
  operationId: "updateCurrentTenant",
  tags: ["Tenants"],
  summary: "Rename the tenant",
  security: SIGNED_IN,
  middleware: [authorize({ role: "admin" })] as const,
  request: { body: jsonBody(TenantUpdateSchema) },
  responses: { 200: jsonResponse(TenantSchema, "The updated tenant"), ...problemResponses(401, 403, 404) },
});

export function registerTenantRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(getCurrentTenant, async (c) => {
    const { tenantId } = principalOf(c);
    const [tenant] = await c
      .get("database")
      .tenantQuery(tenantId, (db) => tenantById(db, tenantId), { readOnly: true });
    if (!tenant) throw notFound("tenant");
    return c.json(renderTenant(tenant), 200);
  });

  app.openapi(updateCurrentTenant, async (c) => {
    const { tenantId } = principalOf(c);
    const { name } = c.req.valid("json");
    const tenant = await c.get("database").tenant(tenantId, (db) => renameTenant(db, tenantId, name));
    if (!tenant) throw notFound("tenant");
    return c.json(renderTenant(tenant), 200);
  });
}
