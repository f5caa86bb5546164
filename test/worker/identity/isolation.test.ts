import { sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { beforeAll, describe, expect, it } from "vitest";
import type { DatabaseSession, QueryBuilder } from "../../../workers/db/client.ts";
import { apiKeys, invitations, memberships, tenants } from "../../../workers/identity/tables.ts";
import { withTestDatabase, withTestSession } from "../support/database.ts";
import {
  addMember,
  callAs,
  createApiKey,
  memberIdOf,
  postJson,
  registerTenant,
  type TestAccount,
} from "../support/identity.ts";

/** One tenant with something of every kind: a second member, a pending invitation and an API key. */
type Fixture = {
  owner: TestAccount;
  member: TestAccount;
  memberId: string;
  invitationId: string;
  invitationToken: string;
  apiKey: { id: string; key: string };
};

async function tenantWithData(): Promise<Fixture> {
  const owner = await registerTenant();
  const member = await addMember(owner, "analyst");
  const memberId = await memberIdOf(owner, member);
  const invited = await callAs(owner, "POST", "/api/v1/tenants/current/members", {
    email: `pending-${crypto.randomUUID().slice(0, 8)}@example.com`,
    role: "viewer",
  });
  const invitation = await invited.json<{ id: string; token: string }>();
  const apiKey = await createApiKey(owner, ["tenant:read", "members:read"]);
  return { owner, member, memberId, invitationId: invitation.id, invitationToken: invitation.token, apiKey };
}

const ids = (page: { data: { id: string }[] }) => page.data.map((row) => row.id);

describe("tenant isolation: tenant A calling every identity route with tenant B's ids", () => {
  let a: Fixture;
  let b: Fixture;
  let bBefore: unknown;

  /** B's rows as the database holds them, to prove nothing A did changed them. */
  const snapshotOf = (fixture: Fixture) =>
    withTestDatabase(async (db) => ({
      tenant: await db.select().from(tenants).where(sql`${tenants.id} = ${fixture.owner.tenantId}`),
      memberships: await db
        .select()
        .from(memberships)
        .where(sql`${memberships.tenantId} = ${fixture.owner.tenantId}`)
        .orderBy(memberships.id),
      invitations: await db
        .select()
        .from(invitations)
        .where(sql`${invitations.tenantId} = ${fixture.owner.tenantId}`),
      apiKeys: await db
        .select({ id: apiKeys.id, revokedAt: apiKeys.revokedAt, name: apiKeys.name })
        .from(apiKeys)
        .where(sql`${apiKeys.tenantId} = ${fixture.owner.tenantId}`),
    }));

  beforeAll(async () => {
    a = await tenantWithData();
    b = await tenantWithData();
    bBefore = await snapshotOf(b);
  });

  it("reads and renames only its own tenant", async () => {
    const current = await (await callAs(a.owner, "GET", "/api/v1/tenants/current")).json<{ id: string }>();
    expect(current.id).toBe(a.owner.tenantId);
    const renamed = await callAs(a.owner, "PATCH", "/api/v1/tenants/current", { name: "A renamed" });
    expect((await renamed.json<{ id: string }>()).id).toBe(a.owner.tenantId);
  });

  it("lists only its own members, invitations and keys", async () => {
    const members = ids(await (await callAs(a.owner, "GET", "/api/v1/tenants/current/members")).json());
    expect(members).toContain(a.memberId);
    expect(members).not.toContain(b.memberId);
    const pending = ids(await (await callAs(a.owner, "GET", "/api/v1/tenants/current/invitations")).json());
    expect(pending).toContain(a.invitationId);
    expect(pending).not.toContain(b.invitationId);
    const keys = ids(await (await callAs(a.owner, "GET", "/api/v1/api-keys")).json());
    expect(keys).toContain(a.apiKey.id);
    expect(keys).not.toContain(b.apiKey.id);
    const byKey = ids(
      await (await callAs({ apiKey: a.apiKey.key }, "GET", "/api/v1/tenants/current/members")).json(),
    );
    expect(byKey).not.toContain(b.memberId);
  });

  it.each([
    ["PATCH", "/api/v1/tenants/current/members/{member}", { role: "viewer" }],
    ["DELETE", "/api/v1/tenants/current/members/{member}", undefined],
    ["GET", "/api/v1/tenants/current/invitations/{invitation}", undefined],
    ["DELETE", "/api/v1/tenants/current/invitations/{invitation}", undefined],
    ["DELETE", "/api/v1/api-keys/{key}", undefined],
  ])("%s %s with B's id is 404", async (method, template, body) => {
    const path = template
      .replace("{member}", b.memberId)
      .replace("{invitation}", b.invitationId)
      .replace("{key}", b.apiKey.id);
    const response = await callAs(a.owner, method, path, body);
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
  });

  it("cannot use B's invitation addressed to someone else", async () => {
    const response = await callAs(a.owner, "POST", "/api/v1/invitations/accept", {
      token: b.invitationToken,
    });
    expect(response.status).toBe(400);
  });

  it("leaves B's data exactly as it was, and B's key still works", async () => {
    expect(await snapshotOf(b)).toEqual(bBefore);
    expect((await callAs({ apiKey: b.apiKey.key }, "GET", "/api/v1/tenants/current")).status).toBe(200);
    expect((await postJson("/api/v1/auth/refresh", { refresh_token: b.member.refreshToken })).status).toBe(
      200,
    );
  });
});

/** A query either way the Worker runs tenant-scoped work. */
type ScopedQuery<T> = BatchItem<"pg"> & PromiseLike<T> & { readonly _: { readonly result: T } };
type Scoped = <T>(
  session: DatabaseSession,
  tenantId: string,
  query: (db: QueryBuilder) => ScopedQuery<T>,
) => Promise<T>;

/** Both ways the Worker scopes work to a tenant: an interactive Pool transaction, and one HTTP batch. */
const SCOPED_PATHS: { name: string; scoped: Scoped }[] = [
  {
    name: "Pool transaction",
    scoped: (session, tenantId, query) => session.tenant(tenantId, async (db) => await query(db)),
  },
  { name: "one HTTP round trip", scoped: (session, tenantId, query) => session.tenantQuery(tenantId, query) },
];

describe("row-level security", () => {
  it.each(SCOPED_PATHS)(
    "shows a tenant-scoped transaction only its tenant's rows, even with no filter in the query ($name)",
    async ({ scoped }) => {
      const a = await tenantWithData();
      const b = await tenantWithData();
      const seen = await withTestSession((session) =>
        scoped(session, a.owner.tenantId, (db) => db.select({ tenantId: apiKeys.tenantId }).from(apiKeys)),
      );
      expect(seen.length).toBeGreaterThan(0);
      expect(new Set(seen.map((row) => row.tenantId))).toEqual(new Set([a.owner.tenantId]));
      expect(seen.map((row) => row.tenantId)).not.toContain(b.owner.tenantId);
    },
  );

  it("shows the application role no rows at all without the tenant setting", async () => {
    await tenantWithData();
    const counts = await withTestSession((session) =>
      session.db.transaction(async (db) => {
        await db.execute(sql`set local role borde_app`);
        const count = async (table: string) =>
          (await db.execute<{ n: number }>(sql`select count(*)::int as n from ${sql.identifier(table)}`))
            .rows[0]?.n;
        return {
          tenants: await count("tenants"),
          memberships: await count("memberships"),
          invitations: await count("invitations"),
          api_keys: await count("api_keys"),
        };
      }),
    );
    expect(counts).toEqual({ tenants: 0, memberships: 0, invitations: 0, api_keys: 0 });
  });

  it.each(SCOPED_PATHS)(
    "refuses to write a row into another tenant under the application role ($name)",
    async ({ scoped }) => {
      const a = await tenantWithData();
      const b = await tenantWithData();
      const error = await (
        withTestSession((session) =>
          scoped(session, a.owner.tenantId, (db) =>
            db.insert(apiKeys).values({
              tenantId: b.owner.tenantId,
              name: "smuggled",
              prefix: crypto.randomUUID().replace(/-/g, "").slice(0, 12),
              secretHash: "x",
              scopes: ["tenant:read"],
            }),
          ),
        ) as Promise<unknown>
      ).catch((caught: Error) => caught);
      expect(error).toBeInstanceOf(Error);
      expect(String((error as Error).cause ?? error)).toMatch(/row-level security/);
    },
  );
});
