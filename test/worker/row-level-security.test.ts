import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Database } from "../../workers/db/client.ts";
import { withTestDatabase } from "./support/database.ts";

type TenantTable = {
  table_name: string;
  rls_enabled: boolean;
  owned_by_app_role: boolean;
  tenant_policies: string[];
};

/**
 * Every table of schema public that holds tenant rows (a tenant_id column, and tenants itself), with what
 * protects it: row-level security switched on, and a permissive policy for all commands that applies to
 * borde_app (the role tenant work runs as) or to PUBLIC and compares against app.tenant_id. FORCE is not
 * asked for: system work runs as the tables' owner on purpose, and borde_app must not own a table (an
 * owner is not bound by the policies).
 */
async function tenantTables(db: Database): Promise<TenantTable[]> {
  const result = await db.execute<TenantTable>(sql`
    select c.relname as table_name,
      c.relrowsecurity as rls_enabled,
      pg_get_userbyid(c.relowner) = 'borde_app' as owned_by_app_role,
      coalesce(array(
        select p.polname::text from pg_policy p
        where p.polrelid = c.oid
          and p.polpermissive
          and p.polcmd = '*'
          and (0::oid = any(p.polroles) or to_regrole('borde_app') = any(p.polroles))
          and pg_get_expr(p.polqual, p.polrelid) like '%current_setting(''app.tenant_id''%'
      ), '{}') as tenant_policies
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public'
      and c.relkind in ('r', 'p')
      and (c.relname = 'tenants' or exists (
        select from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped
      ))
    order by c.relname`);
  return result.rows;
}

const unprotected = (tables: TenantTable[]) =>
  tables.filter(
    (table) => !table.rls_enabled || table.owned_by_app_role || table.tenant_policies.length === 0,
  );

describe("row-level security on every tenant table", () => {
  it("is enabled, with a tenant policy for the application role, on every table with a tenant_id", async () => {
    const tables = await withTestDatabase(tenantTables);
    expect(tables.map((table) => table.table_name)).toEqual(
      expect.arrayContaining(["tenants", "memberships", "audits", "messages", "channel_numbers"]),
    );
    expect(unprotected(tables)).toEqual([]);
  });

  it("finds a tenant table without it, or whose only policy does not bind the application role", async () => {
    // Created and rolled back inside one transaction, so no other test ever sees it.
    const Rollback = class extends Error {};
    let found: TenantTable[] = [];
    await withTestDatabase((db) =>
      db.transaction(async (tx) => {
        await tx.execute(sql`create table rls_probe (id uuid primary key, tenant_id uuid not null)`);
        await tx.execute(
          sql`create table rls_probe_owner_only (id uuid primary key, tenant_id uuid not null)`,
        );
        await tx.execute(sql`alter table rls_probe_owner_only enable row level security`);
        await tx.execute(sql`
          create policy tenant_isolation on rls_probe_owner_only to current_user
            using (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)`);
        found = unprotected(await tenantTables(tx));
        throw new Rollback();
      }),
    ).catch((error) => {
      if (!(error instanceof Rollback)) throw error;
    });
    expect(found.map((table) => table.table_name)).toEqual(["rls_probe", "rls_probe_owner_only"]);
  });
});
