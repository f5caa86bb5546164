import { eq } from "drizzle-orm";
import type { Role } from "../access/roles.ts";
import type { Database, DatabaseSession } from "../db/client.ts";
import { keysetPage, type Page } from "../http/pagination.ts";
import { HttpProblem } from "../http/problem.ts";
import { addMembership } from "./memberships.ts";
import { memberships, tenants } from "./tables.ts";
import { createTenant, findTenantBySlug, type Tenant } from "./tenants.ts";

/** An organization is a tenant as one of its members sees it: with the member's role. */
export type Organization = { id: string; tenant: Tenant; role: Role };

/** A page of the organizations a person belongs to, in the order they joined (membership ids are UUID v7). */
export function organizationsOfUser(db: Database, userId: string, page: Page): Promise<Organization[]> {
  const query = db
    .select({ id: memberships.id, tenant: tenants, role: memberships.role })
    .from(memberships)
    .innerJoin(tenants, eq(tenants.id, memberships.tenantId))
    .$dynamic();
  return keysetPage(query, memberships.id, page, eq(memberships.userId, userId));
}

/** A new tenant owned by the person who creates it. */
export function createOrganization(
  session: DatabaseSession,
  userId: string,
  input: { name: string; slug: string },
): Promise<Organization> {
  return session.db.transaction(async (db) => {
    if (await findTenantBySlug(db, input.slug)) {
      throw new HttpProblem("conflict", `The organization slug "${input.slug}" is taken.`);
    }
    const tenant = await createTenant(db, input);
    const membership = await addMembership(db, { tenantId: tenant.id, userId, role: "owner" });
    if (!membership) throw new Error("a new tenant already had the membership");
    return { id: membership.id, tenant, role: "owner" };
  });
}
