import { beforeAll, describe, expect, it } from "vitest";
import {
  addMember,
  callAs,
  createApiKey,
  memberIdOf,
  postJson,
  registerTenant,
  type TestAccount,
} from "../support/identity.ts";

const ROLES = ["owner", "admin", "analyst", "viewer"] as const;
type Role = (typeof ROLES)[number];

/** What each role may do: the status each route answers it (a route's target is made fresh per call). */
type Case = {
  name: string;
  allowed: Role[];
  okStatus: number;
  call: (caller: TestAccount, owner: TestAccount) => Promise<Response>;
};

const everyone: Role[] = ["owner", "admin", "analyst", "viewer"];
const admins: Role[] = ["owner", "admin"];

const freshMemberId = async (owner: TestAccount) => memberIdOf(owner, await addMember(owner, "viewer"));

const cases: Case[] = [
  {
    name: "GET /auth/me",
    allowed: everyone,
    okStatus: 200,
    call: (c) => callAs(c, "GET", "/api/v1/auth/me"),
  },
  {
    name: "GET /tenants/current",
    allowed: everyone,
    okStatus: 200,
    call: (c) => callAs(c, "GET", "/api/v1/tenants/current"),
  },
  {
    name: "PATCH /tenants/current",
    allowed: admins,
    okStatus: 200,
    call: (c) => callAs(c, "PATCH", "/api/v1/tenants/current", { name: "Renamed" }),
  },
  {
    name: "GET /tenants/current/members",
    allowed: everyone,
    okStatus: 200,
    call: (c) => callAs(c, "GET", "/api/v1/tenants/current/members"),
  },
  {
    name: "POST /tenants/current/members",
    allowed: admins,
    okStatus: 202,
    call: (c) =>
      callAs(c, "POST", "/api/v1/tenants/current/members", {
        email: `new-${crypto.randomUUID().slice(0, 8)}@example.com`,
        role: "viewer",
      }),
  },
  {
    name: "PATCH /tenants/current/members/{id}",
    allowed: admins,
    okStatus: 200,
    call: async (c, owner) =>
      callAs(c, "PATCH", `/api/v1/tenants/current/members/${await freshMemberId(owner)}`, {
        role: "analyst",
      }),
  },
  {
    name: "DELETE /tenants/current/members/{id}",
    allowed: admins,
    okStatus: 204,
    call: async (c, owner) =>
      callAs(c, "DELETE", `/api/v1/tenants/current/members/${await freshMemberId(owner)}`),
  },
  {
    name: "GET /tenants/current/invitations",
    allowed: admins,
    okStatus: 200,
    call: (c) => callAs(c, "GET", "/api/v1/tenants/current/invitations"),
  },
  {
    name: "GET /api-keys",
    allowed: admins,
    okStatus: 200,
    call: (c) => callAs(c, "GET", "/api/v1/api-keys"),
  },
  {
    name: "POST /api-keys",
    allowed: admins,
    okStatus: 201,
    call: (c) => callAs(c, "POST", "/api/v1/api-keys", { name: "k", scopes: ["tenant:read"] }),
  },
  {
    name: "DELETE /api-keys/{id}",
    allowed: admins,
    okStatus: 204,
    call: async (c, owner) =>
      callAs(c, "DELETE", `/api/v1/api-keys/${(await createApiKey(owner, ["tenant:read"])).id}`),
  },
];

describe("role matrix: every identity route × every role", () => {
  let owner: TestAccount;
  const accounts = new Map<Role, TestAccount>();

  beforeAll(async () => {
    owner = await registerTenant();
    accounts.set("owner", owner);
    for (const role of ["admin", "analyst", "viewer"] as const)
      accounts.set(role, await addMember(owner, role));
  });

  for (const routeCase of cases) {
    for (const role of ROLES) {
      const expected = routeCase.allowed.includes(role) ? routeCase.okStatus : 403;
      it(`${routeCase.name} as ${role} → ${expected}`, async () => {
        const caller = accounts.get(role);
        if (!caller) throw new Error(`no ${role} account`);
        const response = await routeCase.call(caller, owner);
        expect(response.status, await response.clone().text()).toBe(expected);
      });
    }
  }
});

describe("the owner role is guarded", () => {
  it("lets only an owner grant or take away ownership, and keeps the last owner", async () => {
    const owner = await registerTenant();
    const admin = await addMember(owner, "admin");
    const ownerMemberId = await memberIdOf(owner, owner);
    const adminMemberId = await memberIdOf(owner, admin);

    const inviteOwner = await callAs(admin, "POST", "/api/v1/tenants/current/members", {
      email: `o-${crypto.randomUUID().slice(0, 8)}@example.com`,
      role: "owner",
    });
    expect(inviteOwner.status).toBe(403);
    expect(
      (await callAs(admin, "PATCH", `/api/v1/tenants/current/members/${ownerMemberId}`, { role: "viewer" }))
        .status,
    ).toBe(403);
    expect(
      (await callAs(admin, "PATCH", `/api/v1/tenants/current/members/${adminMemberId}`, { role: "owner" }))
        .status,
    ).toBe(403);
    expect((await callAs(admin, "DELETE", `/api/v1/tenants/current/members/${ownerMemberId}`)).status).toBe(
      403,
    );

    const demoteLast = await callAs(owner, "PATCH", `/api/v1/tenants/current/members/${ownerMemberId}`, {
      role: "admin",
    });
    expect(demoteLast.status).toBe(409);
    expect((await callAs(owner, "DELETE", `/api/v1/tenants/current/members/${ownerMemberId}`)).status).toBe(
      409,
    );
  });

  it("refuses to invite someone who is a member already", async () => {
    const owner = await registerTenant();
    const response = await callAs(owner, "POST", "/api/v1/tenants/current/members", {
      email: owner.email,
      role: "viewer",
    });
    expect(response.status).toBe(409);
  });

  it("lets a person with an account accept an invitation and sign in to the new tenant", async () => {
    const first = await registerTenant();
    const second = await registerTenant();
    const invited = await callAs(second, "POST", "/api/v1/tenants/current/members", {
      email: first.email,
      role: "analyst",
    });
    const { token } = await invited.json<{ token: string }>();
    const accepted = await callAs(first, "POST", "/api/v1/invitations/accept", { token });
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toMatchObject({ user_id: first.userId, role: "analyst" });
    expect((await callAs(first, "POST", "/api/v1/invitations/accept", { token })).status).toBe(400);
    const me = await (await callAs(first, "GET", "/api/v1/auth/me")).json<{
      memberships: { tenant_id: string }[];
    }>();
    expect(me.memberships.map((membership) => membership.tenant_id)).toEqual(
      expect.arrayContaining([first.tenantId, second.tenantId]),
    );
  });

  it("ends a removed member's sessions in the tenant", async () => {
    const owner = await registerTenant();
    const member = await addMember(owner, "viewer");
    const memberId = await memberIdOf(owner, member);
    expect((await callAs(owner, "DELETE", `/api/v1/tenants/current/members/${memberId}`)).status).toBe(204);
    const refresh = await postJson("/api/v1/auth/refresh", { refresh_token: member.refreshToken });
    expect(refresh.status).toBe(401);
  });
});
