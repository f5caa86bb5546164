import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../http/app-env.ts";
import { AUTHENTICATED, jsonBody, jsonResponse, SIGNED_IN } from "../../http/openapi.ts";
import { problemResponses } from "../../http/openapi-responses.ts";
import { ListQuerySchema, pageSchema, toPage } from "../../http/pagination.ts";
import { HttpProblem, notFound } from "../../http/problem.ts";
import {
  EmailSchema,
  IdParamSchema,
  InvitationSchema,
  MemberSchema,
  RoleSchema,
  renderInvitation,
  renderMember,
} from "../api-schemas.ts";
import { authorize, principalOf, userOf } from "../authorize.ts";
import { createInvitation } from "../invitations.ts";
import {
  countOwners,
  findMemberByEmail,
  getMember,
  listMembers,
  removeMember,
  setMemberRole,
} from "../memberships.ts";

const MemberUpdateSchema = z.object({ role: RoleSchema }).openapi("MemberUpdate");

const MemberInviteSchema = z.object({ email: EmailSchema, role: RoleSchema }).openapi("MemberInvite");

const CreatedInvitationSchema = InvitationSchema.extend({
  token: z.string().openapi({
    description:
      "Shown once: the invitee registers with it as `invitation_token`, or, with an account, calls `POST /api/v1/invitations/accept`.",
  }),
}).openapi("CreatedInvitation");

const inviteMemberRoute = createRoute({
  method: "post",
  path: "/api/v1/tenants/current/members",
  operationId: "inviteMember",
  tags: ["Members"],
  summary: "Add a member: invite them by email with a role",
  description:
    "Nobody joins a tenant without accepting, so this answers 202 with the invitation; the membership exists once the invitee accepts. Only an owner can invite an owner.",
  security: SIGNED_IN,
  middleware: [authorize({ role: "admin" })] as const,
  request: { body: jsonBody(MemberInviteSchema) },
  responses: {
    202: jsonResponse(CreatedInvitationSchema, "Invited; the token is shown once"),
    ...problemResponses(401, 403, 409),
  },
});

const listMembersRoute = createRoute({
  method: "get",
  path: "/api/v1/tenants/current/members",
  operationId: "listMembers",
  tags: ["Members"],
  summary: "The tenant's members",
  security: AUTHENTICATED,
  middleware: [authorize({ role: "viewer", scope: "members:read" })] as const,
  request: { query: ListQuerySchema },
  responses: {
    200: jsonResponse(pageSchema(MemberSchema, "MemberPage"), "A page of members"),
    ...problemResponses(401, 403),
  },
});

const updateMemberRoute = createRoute({
  method: "patch",
  path: "/api/v1/tenants/current/members/{id}",
  operationId: "updateMember",
  tags: ["Members"],
  summary: "Change a member's role",
  description: "Only an owner can grant or take away the owner role, and the last owner stays an owner.",
  security: SIGNED_IN,
  middleware: [authorize({ role: "admin" })] as const,
  request: { params: IdParamSchema, body: jsonBody(MemberUpdateSchema) },
  responses: { 200: jsonResponse(MemberSchema, "The member"), ...problemResponses(401, 403, 404, 409) },
});

const removeMemberRoute = createRoute({
  method: "delete",
  path: "/api/v1/tenants/current/members/{id}",
  operationId: "removeMember",
  tags: ["Members"],
  summary: "Remove a member from the tenant",
  security: SIGNED_IN,
  middleware: [authorize({ role: "admin" })] as const,
  request: { params: IdParamSchema },
  responses: { 204: { description: "Removed" }, ...problemResponses(401, 403, 404, 409) },
});

const lastOwner = () => new HttpProblem("conflict", "A tenant keeps at least one owner.");

export function registerMemberRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(inviteMemberRoute, async (c) => {
    const caller = userOf(c);
    const body = c.req.valid("json");
    if (body.role === "owner" && caller.role !== "owner") {
      throw new HttpProblem("forbidden", "Only an owner can invite an owner.");
    }
    const { invitation, token } = await c.get("database").tenant(caller.tenantId, async (db) => {
      if (await findMemberByEmail(db, caller.tenantId, body.email)) {
        throw new HttpProblem("conflict", `${body.email} is a member already.`);
      }
      return createInvitation(db, caller.tenantId, { ...body, invitedBy: caller.userId });
    });
    c.header("Location", `/api/v1/tenants/current/invitations/${invitation.id}`);
    return c.json({ ...renderInvitation(invitation), token }, 202);
  });

  app.openapi(listMembersRoute, async (c) => {
    const { tenantId } = principalOf(c);
    const page = c.req.valid("query");
    const rows = await c
      .get("database")
      .tenant(tenantId, (db) => listMembers(db, tenantId, page), { readOnly: true });
    return c.json(toPage(rows, page, renderMember), 200);
  });

  app.openapi(updateMemberRoute, async (c) => {
    const caller = userOf(c);
    const { id } = c.req.valid("param");
    const { role } = c.req.valid("json");
    const member = await c.get("database").tenant(caller.tenantId, async (db) => {
      const current = await getMember(db, caller.tenantId, id);
      if (!current) throw notFound("member");
      if ((current.role === "owner" || role === "owner") && caller.role !== "owner") {
        throw new HttpProblem("forbidden", "Only an owner can grant or take away the owner role.");
      }
      if (current.role === "owner" && role !== "owner" && (await countOwners(db, caller.tenantId)) <= 1)
        throw lastOwner();
      await setMemberRole(db, caller.tenantId, id, role);
      return { ...current, role };
    });
    return c.json(renderMember(member), 200);
  });

  app.openapi(removeMemberRoute, async (c) => {
    const caller = userOf(c);
    const { id } = c.req.valid("param");
    await c.get("database").tenant(caller.tenantId, async (db) => {
      const current = await getMember(db, caller.tenantId, id);
      if (!current) throw notFound("member");
      if (current.role === "owner" && caller.role !== "owner") {
        throw new HttpProblem("forbidden", "Only an owner can remove an owner.");
      }
      if (current.role === "owner" && (await countOwners(db, caller.tenantId)) <= 1) throw lastOwner();
      await removeMember(db, caller.tenantId, id);
    });
    return c.body(null, 204);
  });
}
