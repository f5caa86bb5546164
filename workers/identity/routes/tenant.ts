import { jsonResponse } from "../../http/openapi.ts";
import { notFound } from "../../http/problem.ts";
import { RouteGroup, tenantQuery, tenantWrite } from "../../http/route-kit.ts";
import { renderTenant, TenantSchema, TenantUpdateSchema } from "../api-schemas.ts";
import { renameTenant, tenantById } from "../tenants.ts";

const routes = new RouteGroup("Tenants");

routes.add(
  {
    method: "get",
    path: "/api/v1/tenants/current",
    operationId: "getCurrentTenant",
    summary: "The tenant you are signed in to",
    access: { role: "viewer", scope: "tenant:read" },
    responses: { 200: jsonResponse(TenantSchema, "The tenant") },
    problems: [404],
  },
  async (c) => {
    const [tenant] = await tenantQuery(c, (db, tenantId) => tenantById(db, tenantId), { readOnly: true });
    if (!tenant) throw notFound("tenant");
    return c.json(renderTenant(tenant), 200);
  },
);

routes.add(
  {
    method: "patch",
    path: "/api/v1/tenants/current",
    operationId: "updateCurrentTenant",
    summary: "Rename the tenant",
    access: { role: "admin" },
    body: TenantUpdateSchema,
    responses: { 200: jsonResponse(TenantSchema, "The updated tenant") },
    problems: [404],
  },
  async (c, { body }) => {
    const tenant = await tenantWrite(c, (db, tenantId) => renameTenant(db, tenantId, body.name));
    if (!tenant) throw notFound("tenant");
    return c.json(renderTenant(tenant), 200);
  },
);

export const registerTenantRoutes = routes.register;
