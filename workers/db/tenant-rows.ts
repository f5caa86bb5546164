import { and, eq, getTableColumns, isNull, type SQL } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import type { Database } from "./client.ts";

/**
 * What every tenant table has. Row-level security already keeps work to its tenant; these filters say so
 * again (and use the tenant index) and name the row.
 */
export type TenantColumns = { id: PgColumn; tenantId: PgColumn };

type TenantTable = PgTable & TenantColumns;

/** What a caller gives for a new row: the table's columns but those the database or the tenant fill. */
export type TenantRowInput<T extends PgTable> = Omit<
  T["$inferInsert"],
  "id" | "tenantId" | "createdAt" | "updatedAt"
>;

/** The tenant's rows matching `filters` (each left out when undefined): the filter of its other queries. */
export const tenantRows = (
  table: Pick<TenantColumns, "tenantId">,
  tenantId: string,
  ...filters: (SQL | undefined)[]
) => and(eq(table.tenantId, tenantId), ...filters);

/**
 * The tenant's rows whose columns hold `values` (and matching `filters`): a lookup by its own columns,
 * `{ brandId, inputHash }`, one equality each in the order given.
 */
export const tenantRowsWith = <
  T extends PgTable & Pick<TenantColumns, "tenantId">,
  K extends keyof T["$inferSelect"] & string,
>(
  table: T,
  tenantId: string,
  values: { [P in K]: NonNullable<T["$inferSelect"][P]> },
  ...filters: (SQL | undefined)[]
) => {
  const columns: Record<string, PgColumn> = getTableColumns(table);
  const equalities = Object.entries(values).map(([key, value]) => eq(columns[key] as PgColumn, value));
  return tenantRows(table, tenantId, ...equalities, ...filters);
};

/** The row `id` of the tenant (and matching `filters`): the filter of every by-id read, change and delete. */
export const tenantRow = (table: TenantColumns, tenantId: string, id: string, ...filters: SQL[]) =>
  tenantRows(table, tenantId, eq(table.id, id), ...filters);

// drizzle types a query from its table's literal type; on a table type left generic here it cannot, so
// the queries below run on PgTable and their rows are typed back as the table's own.

/** The tenant's row `id` (matching `filters`); null when it has none. */
export async function findTenantRow<T extends TenantTable>(
  db: Database,
  table: T,
  tenantId: string,
  id: string,
  ...filters: SQL[]
): Promise<T["$inferSelect"] | null> {
  const [row] = await db
    .select()
    .from(table as PgTable)
    .where(tenantRow(table, tenantId, id, ...filters))
    .limit(1);
  return (row as T["$inferSelect"] | undefined) ?? null;
}

/** Adds a row to the tenant's table; the row as stored. */
export async function insertTenantRow<T extends TenantTable>(
  db: Database,
  table: T,
  tenantId: string,
  values: TenantRowInput<T>,
): Promise<T["$inferSelect"]> {
  const [row] = await db
    .insert(table as PgTable)
    .values({ ...values, tenantId })
    .returning();
  if (!row) throw new Error("insert returned no row");
  return row as T["$inferSelect"];
}

/** Applies `changes` to the tenant's row `id` (matching `filters`); the row as changed, null when none. */
export async function updateTenantRow<T extends TenantTable>(
  db: Database,
  table: T,
  tenantId: string,
  id: string,
  changes: Partial<T["$inferInsert"]>,
  ...filters: SQL[]
): Promise<T["$inferSelect"] | null> {
  const [row] = await db
    .update(table as PgTable)
    .set(changes)
    .where(tenantRow(table, tenantId, id, ...filters))
    .returning();
  return (row as T["$inferSelect"] | undefined) ?? null;
}

/** Revokes the tenant's live row `id` (`revoked_at` now): keys and invitations; false when none is live. */
export async function revokeTenantRow(
  db: Database,
  table: TenantTable & { revokedAt: PgColumn },
  tenantId: string,
  id: string,
): Promise<boolean> {
  const rows = await db
    .update(table as PgTable)
    .set({ revokedAt: new Date() })
    .where(tenantRow(table, tenantId, id, isNull(table.revokedAt)))
    .returning({ id: table.id });
  return rows.length > 0;
}

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

/**
 * One equality filter per given value, in the order of `columns`: a list's optional filters (`?status=`),
 * each left out (undefined) when the query does not set it.
 */
export const equalTo = <K extends string>(
  columns: Record<K, PgColumn>,
  values: NoInfer<Partial<Record<K, string | number | boolean | undefined>>>,
): (SQL | undefined)[] =>
  (Object.keys(columns) as K[]).map((key) => {
    const value = values[key];
    return value === undefined ? undefined : eq(columns[key], value);
  });

/**
 * The by-id work on one tenant table, for a domain whose rows need nothing more, exported under its own
 * names: `export const { find: findChannel, ... } = byIdWork(alertChannels)`.
 */
export const byIdWork = <T extends TenantTable>(table: T) => ({
  find: (db: Database, tenantId: string, id: string) => findTenantRow(db, table, tenantId, id),
  insert: (db: Database, tenantId: string, values: TenantRowInput<T>) =>
    insertTenantRow(db, table, tenantId, values),
  update: (db: Database, tenantId: string, id: string, changes: Partial<TenantRowInput<T>>) =>
    updateTenantRow(db, table, tenantId, id, changes as Partial<T["$inferInsert"]>),
  delete: (db: Database, tenantId: string, id: string) => deleteTenantRow(db, table, tenantId, id),
});
