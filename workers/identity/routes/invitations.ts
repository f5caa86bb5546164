import { userOf } from "../../access/authorize.ts";
import { IdParamSchema } from "../../http/api-schemas.ts";
import { jsonBody, jsonResponse } from "../../http/openapi.ts";
import { ListQuerySchema, pageSchema, toPage } from "../../http/pagination.ts";
import { HttpProblem, notFound } from "../../http/problem.ts";
import { RouteGroup, tenantRead, tenantWrite } from "../../http/route-kit.ts";
import {
  InvitationAcceptSchema,
  InvitationSchema,
  MemberSchema,
  renderInvitation,
  renderMember,
} from "../api-schemas.ts";
import { getInvitation, listInvitations, revokeInvitation } from "../invitations.ts";
import { joinByInvitation } from "../sessions.ts";

const ADMIN = { role: "admin" } as const;

const routes = new RouteGroup("Members");

routes.add(
  {
    method: "get",
    path: "/api/v1/tenants/current/invitations",
    operationId: "listInvitations",
    summary: "Invitations not yet withdrawn, pending and accepted",
    description: "Invitations are made with `POST /api/v1/tenants/current/members`.",
    access: ADMIN,
    request: { query: ListQuerySchema },
    responses: { 200: jsonResponse(pageSchema(InvitationSchema, "InvitationPage"), "A page of invitations") },
  },
  async (c) => {
    const page = c.req.valid("query");
    const rows = await tenantRead(c, (db, tenantId) => listInvitations(db, tenantId, page));
    return c.json(toPage(rows, page, renderInvitation), 200);
  },
);

routes.add(
  {
    method: "get",
    path: "/api/v1/tenants/current/invitations/{id}",
    operationId: "getInvitation",
    summary: "One invitation (its token is never shown again)",
    access: ADMIN,
    request: { params: IdParamSchema },
    responses: { 200: jsonResponse(InvitationSchema, "The invitation") },
    problems: [404],
  },
  async (c) => {
    const { id } = c.req.valid("param");
    const invitation = await tenantRead(c, (db, tenantId) => getInvitation(db, tenantId, id));
    if (!invitation) throw notFound("invitation");
    return c.json(renderInvitation(invitation), 200);
  },
);

routes.add(
  {
    method: "delete",
    path: "/api/v1/tenants/current/invitations/{id}",
    operationId: "revokeInvitation",
    summary: "Withdraw an invitation",
    access: ADMIN,
    request: { params: IdParamSchema },
    responses: { 204: { description: "Withdrawn" } },
    problems: [404],
  },
  async (c) => {
    const { id } = c.req.valid("param");
    const revoked = await tenantWrite(c, (db, tenantId) => revokeInvitation(db, tenantId, id));
    if (!revoked) throw notFound("invitation");
    return c.body(null, 204);
  },
);

routes.add(
  {
    method: "post",
    path: "/api/v1/invitations/accept",
    operationId: "acceptInvitation",
    summary: "Join the inviting tenant with the account you are signed in to",
    description:
      "For people who already have an account (new people register with `invitation_token`). The invitation must be for your email. Sign in with `tenant_slug` to switch to the tenant.",
    access: { role: "viewer" },
    request: { body: jsonBody(InvitationAcceptSchema) },
    responses: { 200: jsonResponse(MemberSchema, "Your membership of the tenant") },
    problems: [409],
  },
  async (c) => {
    const { token } = c.req.valid("json");
    const member = await joinByInvitation(c.get("database"), userOf(c).userId, token);
    if (!member) throw new HttpProblem("conflict", "You are already a member of this tenant.");
    return c.json(renderMember(member), 200);
  },
);

export const registerInvitationRoutes = routes.register;
