import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../http/app-env.ts";
import { jsonBody, jsonResponse, SIGNED_IN } from "../../http/openapi.ts";
import { problemResponses } from "../../http/openapi-responses.ts";
import { ListQuerySchema, pageSchema, toPage } from "../../http/pagination.ts";
import { HttpProblem, notFound } from "../../http/problem.ts";
import {
  IdParamSchema,
  InvitationSchema,
  MemberSchema,
  renderInvitation,
  renderMember,
} from "../api-schemas.ts";
import { authorize, userOf } from "../authorize.ts";
import { getInvitation, listInvitations, revokeInvitation } from "../invitations.ts";
import { joinByInvitation } from "../sessions.ts";

const TAGS = ["Members"];

const listRoute = createRoute({
  method: "get",
  path: "/api/v1/tenants/current/invitations",
  operationId: "listInvitations",
  tags: TAGS,
  summary: "Invitations not yet withdrawn, pending and accepted",
  description: "Invitations are made with `POST /api/v1/tenants/current/members`.",
  security: SIGNED_IN,
  middleware: [authorize({ role: "admin" })] as const,
  request: { query: ListQuerySchema },
  responses: {
    200: jsonResponse(pageSchema(InvitationSchema, "InvitationPage"), "A page of invitations"),
    ...problemResponses(401, 403),
  },
});

const getRoute = createRoute({
  method: "get",
  path: "/api/v1/tenants/current/invitations/{id}",
  operationId: "getInvitation",
  tags: TAGS,
  summary: "One invitation (its token is never shown again)",
  security: SIGNED_IN,
  middleware: [authorize({ role: "admin" })] as const,
  request: { params: IdParamSchema },
  responses: { 200: jsonResponse(InvitationSchema, "The invitation"), ...problemResponses(401, 403, 404) },
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

const AcceptSchema = z
  .object({
    token: z.string().min(1).max(200).openapi({ description: "The invitation token you were sent." }),
  })
  .openapi("InvitationAccept");

const acceptRoute = createRoute({
  method: "post",
  path: "/api/v1/invitations/accept",
  operationId: "acceptInvitation",
  tags: TAGS,
  summary: "Join the inviting tenant with the account you are signed in to",
  description:
    "For people who already have an account (new people register with `invitation_token`). The invitation must be for your email. Sign in with `tenant_slug` to switch to the tenant.",
  security: SIGNED_IN,
  middleware: [authorize({ role: "viewer" })] as const,
  request: { body: jsonBody(AcceptSchema) },
  responses: {
    200: jsonResponse(MemberSchema, "Your membership of the tenant"),
    ...problemResponses(401, 403, 409),
  },
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

  app.openapi(getRoute, async (c) => {
    const { tenantId } = userOf(c);
    const { id } = c.req.valid("param");
    const invitation = await c
      .get("database")
      .tenant(tenantId, (db) => getInvitation(db, tenantId, id), { readOnly: true });
    if (!invitation) throw notFound("invitation");
    return c.json(renderInvitation(invitation), 200);
  });

  app.openapi(revokeRoute, async (c) => {
    const { tenantId } = userOf(c);
    const { id } = c.req.valid("param");
    const revoked = await c.get("database").tenant(tenantId, (db) => revokeInvitation(db, tenantId, id));
    if (!revoked) throw notFound("invitation");
    return c.body(null, 204);
  });

  app.openapi(acceptRoute, async (c) => {
    const { token } = c.req.valid("json");
    const member = await joinByInvitation(c.get("database"), userOf(c).userId, token);
    if (!member) throw new HttpProblem("conflict", "You are already a member of this tenant.");
    return c.json(renderMember(member), 200);
  });
}
