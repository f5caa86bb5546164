import { userOf } from "../../access/authorize.ts";
import { jsonBody, jsonResponse } from "../../http/openapi.ts";
import { ListQuerySchema, pageSchema, toPage } from "../../http/pagination.ts";
import { RouteGroup } from "../../http/route-kit.ts";
import { OrganizationCreateSchema, OrganizationSchema, renderOrganization } from "../api-schemas.ts";
import { createOrganization, organizationsOfUser } from "../organizations.ts";

// A person's organizations span tenants, so these are for signed-in people; an API key has one tenant.
const SIGNED_IN_MEMBER = { role: "viewer" } as const;

const routes = new RouteGroup("Organizations");

routes.add(
  {
    method: "get",
    path: "/api/v1/organizations",
    operationId: "listOrganizations",
    summary: "The organizations (tenants) you belong to, with your role in each",
    access: SIGNED_IN_MEMBER,
    request: { query: ListQuerySchema },
    responses: {
      200: jsonResponse(pageSchema(OrganizationSchema, "OrganizationPage"), "A page of organizations"),
    },
  },
  async (c) => {
    const query = c.req.valid("query");
    const rows = await organizationsOfUser(c.get("database").db, userOf(c).userId, query);
    return c.json(toPage(rows, query, renderOrganization), 200);
  },
);

routes.add(
  {
    method: "post",
    path: "/api/v1/organizations",
    operationId: "createOrganization",
    summary: "Create an organization you own; switch to it with POST /api/v1/auth/switch",
    access: SIGNED_IN_MEMBER,
    idempotent: true,
    request: { body: jsonBody(OrganizationCreateSchema) },
    responses: { 201: jsonResponse(OrganizationSchema, "The new organization") },
  },
  async (c) => {
    const body = c.req.valid("json");
    const organization = await createOrganization(c.get("database"), userOf(c).userId, body);
    c.header("Location", "/api/v1/organizations");
    return c.json(renderOrganization(organization), 201);
  },
);

export const registerOrganizationRoutes = routes.register;
