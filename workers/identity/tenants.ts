import { eq } from "drizzle-orm";
import type { Database, QueryBuilder } from "../db/client.ts";
import { firstRow } from "../db/first-row.ts";
import { tenants } from "./tables.ts";

export type Tenant = typeof tenants.$inferSelect;

export async function createTenant(db: Database, values: { name: string; slug: string }): Promise<Tenant> {
  const [tenant] = await db.insert(tenants).values(values).returning();
  if (!tenant) throw new Error("insert returned no tenant");
  return tenant;
}

export const findTenantBySlug = (db: Database, slug: string): Promise<Tenant | null> =>
  firstRow(db.select().from(tenants).where(eq(tenants.slug, slug)).limit(1));

/** The tenant's row as a query, for either handle: awaited on the Pool, or sent over HTTP. */
export function tenantById(db: QueryBuilder, tenantId: string) {
  return db.select().from(tenants).where(eq(tenants.id, tenantId)).limit(1);
}

export const getTenant = (db: Database, tenantId: string): Promise<Tenant | null> =>
  firstRow(tenantById(db, tenantId));

export const renameTenant = (db: Database, tenantId: string, name: string): Promise<Tenant | null> =>
  firstRow(db.update(tenants).set({ name }).where(eq(tenants.id, tenantId)).returning());
