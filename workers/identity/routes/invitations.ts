import { userOf } from "../../access/authorize.ts";
import { jsonResponse } from "../../http/openapi.ts";
import { HttpProblem } from "../../http/problem.ts";
import { RouteGroup } from "../../http/route-kit.ts";
import {
  InvitationAcceptSchema,
  InvitationSchema,
  MemberSchema,
  renderInvitation,
  renderMember,
} from "../api-schemas.ts";
import { getInvitation, listInvitations, revokeInvitation } from "../invitations.ts";
import { joinByInvitation } from "../sessions.ts";

const routes = new RouteGroup("Members");

const invitation = routes.resource("invitation", {
  path: "/api/v1/tenants/current/invitations",
  schema: InvitationSchema,
  render: renderInvitation,
  access: { role: "admin" },
});

invitation.list(
  {
    summary: "Invitations not yet withdrawn, pending and accepted",
    description: "Invitations are made with `POST /api/v1/tenants/current/members`.",
  },
  listInvitations,
);

invitation.get({ summary: "One invitation (its token is never shown again)" }, getInvitation);

invitation.delete(
  {
    operationId: "revokeInvitation",
    summary: "Withdraw an invitation",
    responseDescription: "Withdrawn",
  },
  revokeInvitation,
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
    body: InvitationAcceptSchema,
    responses: { 200: jsonResponse(MemberSchema, "Your membership of the tenant") },
    problems: [409],
  },
  async (c, { body }) => {
    const member = await joinByInvitation(c.get("database"), userOf(c).userId, body.token);
    if (!member) throw new HttpProblem("conflict", "You are already a member of this tenant.");
    return c.json(renderMember(member), 200);
  },
);

export const registerInvitationRoutes = routes.register;
