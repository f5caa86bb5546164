import { userOf } from "../../access/authorize.ts";
import { IdParamSchema } from "../../http/api-schemas.ts";
import { jsonResponse } from "../../http/openapi.ts";
import { HttpProblem, notFound } from "../../http/problem.ts";
import { RouteGroup, tenantWrite } from "../../http/route-kit.ts";
import {
  CreatedInvitationSchema,
  MemberInviteSchema,
  MemberSchema,
  MemberUpdateSchema,
  renderInvitation,
  renderMember,
} from "../api-schemas.ts";
import { createInvitation } from "../invitations.ts";
import {
  countOwners,
  findMemberByEmail,
  getMember,
  listMembers,
  removeMember,
  setMemberRole,
} from "../memberships.ts";

const ADMIN = { role: "admin" } as const;

const lastOwner = () => new HttpProblem("conflict", "A tenant keeps at least one owner.");

const routes = new RouteGroup("Members");

routes.add(
  {
    method: "post",
    path: "/api/v1/tenants/current/members",
    operationId: "inviteMember",
    summary: "Add a member: invite them by email with a role",
    description:
      "Nobody joins a tenant without accepting, so this answers 202 with the invitation; the membership exists once the invitee accepts. Only an owner can invite an owner.",
    access: ADMIN,
    idempotent: true,
    body: MemberInviteSchema,
    responses: { 202: jsonResponse(CreatedInvitationSchema, "Invited; the token is shown once") },
    problems: [409],
  },
  async (c, { body }) => {
    const caller = userOf(c);
    if (body.role === "owner" && caller.role !== "owner") {
      throw new HttpProblem("forbidden", "Only an owner can invite an owner.");
    }
    const { invitation, token } = await tenantWrite(c, async (db, tenantId) => {
      if (await findMemberByEmail(db, tenantId, body.email)) {
        throw new HttpProblem("conflict", `${body.email} is a member already.`);
      }
      return createInvitation(db, tenantId, { ...body, invitedBy: caller.userId });
    });
    c.header("Location", `/api/v1/tenants/current/invitations/${invitation.id}`);
    return c.json({ ...renderInvitation(invitation), token }, 202);
  },
);

const member = routes.resource("member", {
  path: "/api/v1/tenants/current/members",
  schema: MemberSchema,
  render: renderMember,
  access: { role: "viewer", scope: "members:read" },
});

member.list({ summary: "The tenant's members" }, listMembers);

routes.add(
  {
    method: "patch",
    path: "/api/v1/tenants/current/members/{id}",
    operationId: "updateMember",
    summary: "Change a member's role",
    description: "Only an owner can grant or take away the owner role, and the last owner stays an owner.",
    access: ADMIN,
    params: IdParamSchema,
    body: MemberUpdateSchema,
    responses: { 200: jsonResponse(MemberSchema, "The member") },
    problems: [404, 409],
  },
  async (c, { params: { id }, body: { role } }) => {
    const caller = userOf(c);
    const member = await tenantWrite(c, async (db, tenantId) => {
      const current = await getMember(db, tenantId, id);
      if (!current) throw notFound("member");
      if ((current.role === "owner" || role === "owner") && caller.role !== "owner") {
        throw new HttpProblem("forbidden", "Only an owner can grant or take away the owner role.");
      }
      if (current.role === "owner" && role !== "owner" && (await countOwners(db, tenantId)) <= 1)
        throw lastOwner();
      await setMemberRole(db, tenantId, id, role);
      return { ...current, role };
    });
    return c.json(renderMember(member), 200);
  },
);

routes.add(
  {
    method: "delete",
    path: "/api/v1/tenants/current/members/{id}",
    operationId: "removeMember",
    summary: "Remove a member from the tenant",
    access: ADMIN,
    params: IdParamSchema,
    responses: { 204: { description: "Removed" } },
    problems: [404, 409],
  },
  async (c, { params: { id } }) => {
    const caller = userOf(c);
    await tenantWrite(c, async (db, tenantId) => {
      const current = await getMember(db, tenantId, id);
      if (!current) throw notFound("member");
      if (current.role === "owner" && caller.role !== "owner") {
        throw new HttpProblem("forbidden", "Only an owner can remove an owner.");
      }
      if (current.role === "owner" && (await countOwners(db, tenantId)) <= 1) throw lastOwner();
      await removeMember(db, tenantId, id);
    });
    return c.body(null, 204);
  },
);

export const registerMemberRoutes = routes.register;
