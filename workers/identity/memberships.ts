import { asc, count, eq, isNull, type SQL, sql } from "drizzle-orm";
import type { Role } from "../access/roles.ts";
import type { Database } from "../db/client.ts";
import { firstRow } from "../db/first-row.ts";
import { tenantRow, tenantRows } from "../db/tenant-rows.ts";
import { type Page, tenantPage } from "../http/pagination.ts";
import { memberships, refreshTokens, tenants, users } from "./tables.ts";

export type Member = {
  id: string;
  userId: string;
  email: string;
  name: string;
  role: Role;
  createdAt: Date;
};

const memberColumns = {
  id: memberships.id,
  userId: memberships.userId,
  email: users.email,
  name: users.name,
  role: memberships.role,
  createdAt: memberships.createdAt,
};

/** Members as the API shows them: the membership with its person's email and name. */
const selectMembers = (db: Database) =>
  db.select(memberColumns).from(memberships).innerJoin(users, eq(users.id, memberships.userId));

/** The tenants a user belongs to, oldest membership first (system context: used at login). */
export function tenantsOfUser(db: Database, userId: string) {
  return db
    .select({ tenant: tenants, role: memberships.role })
    .from(memberships)
    .innerJoin(tenants, eq(tenants.id, memberships.tenantId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(memberships.createdAt));
}

/** The new membership; null when the user is a member already. */
export const addMembership = (db: Database, values: { tenantId: string; userId: string; role: Role }) =>
  firstRow(db.insert(memberships).values(values).onConflictDoNothing().returning());

export function listMembers(db: Database, tenantId: string, page: Page): Promise<Member[]> {
  return tenantPage(selectMembers(db).$dynamic(), memberships, tenantId, page);
}

/** The tenant's member matching `filter`; null when it has none. */
const findMember = (db: Database, tenantId: string, filter: SQL): Promise<Member | null> =>
  firstRow(
    selectMembers(db)
      .where(tenantRows(memberships, tenantId, filter))
      .limit(1),
  );

export const getMember = (db: Database, tenantId: string, memberId: string) =>
  findMember(db, tenantId, eq(memberships.id, memberId));

/** Emails match whatever their case. */
export const findMemberByEmail = (db: Database, tenantId: string, email: string) =>
  findMember(db, tenantId, sql`lower(${users.email}) = lower(${email})`);

export async function setMemberRole(
  db: Database,
  tenantId: string,
  memberId: string,
  role: Role,
): Promise<void> {
  await db
    .update(memberships)
    .set({ role })
    .where(tenantRow(memberships, tenantId, memberId));
}

/** Removes a member and ends their sessions in this tenant (an access token lapses within 15 minutes). */
export async function removeMember(db: Database, tenantId: string, memberId: string): Promise<void> {
  const [removed] = await db
    .delete(memberships)
    .where(tenantRow(memberships, tenantId, memberId))
    .returning({ userId: memberships.userId });
  if (!removed) return;
  await db
    .update(refreshTokens)
    .set({ revokedAt: new Date() })
    .where(
      tenantRows(
        refreshTokens,
        tenantId,
        eq(refreshTokens.userId, removed.userId),
        isNull(refreshTokens.revokedAt),
      ),
    );
}

export async function countOwners(db: Database, tenantId: string): Promise<number> {
  const [row] = await db
    .select({ owners: count() })
    .from(memberships)
    .where(tenantRows(memberships, tenantId, eq(memberships.role, "owner")));
  return row?.owners ?? 0;
}
