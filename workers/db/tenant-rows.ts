import { and, eq, type SQL } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import type { Database } from "./client.ts";

/**
 * What every tenant table has. Row-level security already keeps work to its tenant; these filters say so
 * again (and use the tenant index) and name the row.
 */
export type TenantColumns = { id: PgColumn; tenantId: PgColumn };

/** The row `id` of the tenant (and matching `filters`): the filter of every by-id read, change and delete. */
export const tenantRow = (table: TenantColumns, tenantId: string, id: string, ...filters: SQL[]) =>
  and(eq(table.tenantId, tenantId), eq(table.id, id), ...filters);

/** Deletes the tenant's row `id`; false when it has none. */
export async function deleteTenantRow(
  db: Database,
  table: PgTable & TenantColumns,
  tenantId: string,
  id: string,
) {
  const rows = await db
    .delete(table)
    .where(tenantRow(table, tenantId, id))
    .returning({ id: table.id });
  return rows.length > 0;
}
