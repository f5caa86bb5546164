import { and, eq, getTableColumns, type SQL, sql } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import type { Database } from "../db/client.ts";
import { tenantRows } from "../db/tenant-rows.ts";
import type { Entity, RecordValues } from "./entities.ts";
import { type PartyKind, parties, products } from "./tables.ts";

export type Product = typeof products.$inferSelect;
export type Party = typeof parties.$inferSelect;
export type ProductRow = typeof products.$inferInsert;
export type PartyRow = typeof parties.$inferInsert;

export const KIND_OF: Record<Exclude<Entity, "products">, PartyKind> = {
  clients: "client",
  suppliers: "supplier",
};

/** A record's field names and the columns holding them. */
const PRODUCT_COLUMNS = {
  sku: products.sku,
  name: products.name,
  description: products.description,
  category: products.category,
  unit_price: products.unitPrice,
  currency: products.currency,
  tax_rate: products.taxRate,
  stock: products.stock,
  active: products.active,
  external_id: products.externalId,
} satisfies Record<string, PgColumn>;

const PARTY_COLUMNS = {
  name: parties.name,
  tax_id: parties.taxId,
  country: parties.country,
  email: parties.email,
  phone: parties.phone,
  address: parties.address,
  external_id: parties.externalId,
} satisfies Record<string, PgColumn>;

/**
 * How bulk work reaches one entity's rows: its table, the columns of its fields, and the filter of the
 * tenant's rows of that entity (parties are clients or suppliers).
 */
export type EntityStore = {
  table: typeof products | typeof parties;
  columns: Record<string, PgColumn>;
  scope: (tenantId: string) => SQL | undefined;
  /** The insert row of a record. */
  row: (tenantId: string, values: RecordValues) => ProductRow | PartyRow;
  /** The columns, beyond its fields, that every record of the store holds, by column name. */
  owner: (tenantId: string) => Record<string, string>;
};

/** Drizzle's property name of each column, to build insert and update rows from field values. */
function rowOf(
  columns: Record<string, PgColumn>,
  table: typeof products | typeof parties,
  values: RecordValues,
) {
  const property = new Map(Object.entries(getTableColumns(table)).map(([key, column]) => [column.name, key]));
  return Object.fromEntries(
    Object.entries(columns)
      .filter(([field]) => field in values)
      .map(([field, column]) => [property.get(column.name), values[field]]),
  );
}

export function storeOf(entity: Entity): EntityStore {
  if (entity === "products")
    return {
      table: products,
      columns: PRODUCT_COLUMNS,
      scope: (tenantId) => eq(products.tenantId, tenantId),
      row: (tenantId, values) => ({ ...rowOf(PRODUCT_COLUMNS, products, values), tenantId }) as ProductRow,
      owner: (tenantId) => ({ [products.tenantId.name]: tenantId }),
    };
  const kind = KIND_OF[entity];
  return {
    table: parties,
    columns: PARTY_COLUMNS,
    scope: (tenantId) => tenantRows(parties, tenantId, eq(parties.kind, kind)),
    row: (tenantId, values) => ({ ...rowOf(PARTY_COLUMNS, parties, values), tenantId, kind }) as PartyRow,
    owner: (tenantId) => ({ [parties.tenantId.name]: tenantId, [parties.kind.name]: kind }),
  };
}

/** A stored row as field values, in the same forms `readRecord` gives (decimals at the column's scale). */
export function valuesOf(store: EntityStore, row: Record<string, unknown>): RecordValues {
  const property = new Map(
    Object.entries(getTableColumns(store.table)).map(([key, column]) => [column.name, key]),
  );
  return Object.fromEntries(
    Object.entries(store.columns).map(([field, column]) => [
      field,
      (row[property.get(column.name) ?? ""] ?? null) as RecordValues[string],
    ]),
  );
}

/** The tenant's existing records whose `matchOn` field is one of `keys`, by that key, with their ids. */
export async function existingByKey(
  db: Database,
  tenantId: string,
  store: EntityStore,
  matchOn: string,
  keys: string[],
): Promise<Map<string, { id: string; values: RecordValues }>> {
  const column = store.columns[matchOn];
  if (!column) throw new Error(`no field ${matchOn}`);
  if (keys.length === 0) return new Map();
  // The keys as one JSON parameter, joined as a set: the planner probes the key's unique index per key
  // instead of weighing a list of a thousand literals against a scan of the whole table.
  const wanted = sql`(SELECT jsonb_array_elements_text(${JSON.stringify(keys)}::jsonb))`;
  const rows = (await db
    .select()
    .from(store.table)
    .where(and(store.scope(tenantId), sql`${column} IN ${wanted}`))) as Record<string, unknown>[];
  return new Map(
    rows.map((row) => {
      const values = valuesOf(store, row);
      return [String(values[matchOn]), { id: String(row.id), values }];
    }),
  );
}

/** Whether applying `incoming` would change nothing of `existing` (fields the record leaves out stay). */
export const unchanged = (existing: RecordValues, incoming: RecordValues) =>
  Object.entries(incoming).every(([field, value]) => existing[field] === value);
