import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../http/app-env.ts";
import { jsonBody, jsonResponse, SIGNED_IN } from "../../http/openapi.ts";
import { problemResponses } from "../../http/openapi-responses.ts";
import { ListQuerySchema, pageSchema, toPage } from "../../http/pagination.ts";
import { HttpProblem, notFound } from "../../http/problem.ts";
import {
  EmailSchema,
  IdParamSchema,
  InvitationSchema,
  RoleSchema,
  renderInvitation,
} from "../api-schemas.ts";
import { authorize, userOf } from "../authorize.ts";
import { createInvitation, listInvitations, revokeInvitation } from "../invitations.ts";

const InvitationCreateSchema = z.object({ email: EmailSchema, role: RoleSchema }).openapi("InvitationCreate");

const CreatedInvitationSchema = InvitationSchema.extend({
  token: z
    .string()
    .openapi({ description: "Shown once: the invitee registers with it as invitation_token." }),
}).openapi("CreatedInvitation");

const TAGS = ["Members"];

const listRoute = createRoute({
  method: "get",
  path: "/api/v1/tenants/current/invitations",
  operationId: "listInvitations",
  tags: TAGS,
  summary: "Pending and accepted invitations",
  security: SIGNED_IN,
  middleware: [authorize({ role: "admin" })] as const,
  request: { query: ListQuerySchema },
  responses: {
    200: jsonResponse(pageSchema(InvitationSchema, "InvitationPage"), "A page of invitations"),
    ...problemResponses(401, 403),
  },
});

const createRouteDef = createRoute({
  method: "post",
  path: "/api/v1/tenants/current/invitations",
  operationId: "createInvitation",
  tags: TAGS,
  summary: "Invite someone to the tenant with a role",
  description: "New members join through invitations: nobody is added to a tenant without accepting.",
  security: SIGNED_IN,
  middleware: [authorize({ role: "admin" })] as const,
  request: { body: jsonBody(InvitationCreateSchema) },
  responses: {
    201: jsonResponse(CreatedInvitationSchema, "The invitation, with its token"),
    ...problemResponses(401, 403),
  },
});

const revokeRoute = createRoute({
  method: "delete",
  path: "/api/v1/tenants/current/invitations/{id}",
  operationId: "revokeInvitation",
  tags: TAGS,
  summary: "Withdraw an invitation",
  security: SIGNED_IN,
  middleware: [authorize({ role: "admin" })] as const,
  request: { params: IdParamSchema },
  responses: { 204: { description: "Withdrawn" }, ...problemResponses(401, 403, 404) },
});

export function registerInvitationRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(listRoute, async (c) => {
    const { tenantId } = userOf(c);
    const page = c.req.valid("query");
    const rows = await c
      .get("database")
      .tenant(tenantId, (db) => listInvitations(db, tenantId, page), { readOnly: true });
    return c.json(toPage(rows, page, renderInvitation), 200);
  });

  app.openapi(createRouteDef, async (c) => {
    const caller = userOf(c);
    const body = c.req.valid("json");
    if (body.role === "owner" && caller.role !== "owner") {
      throw new HttpProblem(403, "Forbidden", "Only an owner can invite an owner.");
    }
    const { invitation, token } = await c
      .get("database")
      .tenant(caller.tenantId, (db) =>
        createInvitation(db, caller.tenantId, { ...body, invitedBy: caller.userId }),
      );
    c.header("Location", `/api/v1/tenants/current/invitations/${invitation.id}`);
    return c.json({ ...renderInvitation(invitation), token }, 201);
  });

  app.openapi(revokeRoute, async (c) => {
    const { tenantId } = userOf(c);
    const { id } = c.req.valid("param");
    const revoked = await c.get("database").tenant(tenantId, (db) => revokeInvitation(db, tenantId, id));
    if (!revoked) throw notFound("invitation");
    return c.body(null, 204);
  });
}
