import { and, eq, ilike, or, type SQL } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { keysetPage, type Page } from "../http/pagination.ts";
import type { Entity, RecordValues } from "./entities.ts";
import { type EntityStore, storeOf } from "./records.ts";
import { parties, products } from "./tables.ts";

/** What a write to one record came to. */
export type RecordWrite<Row> =
  | { outcome: "saved"; row: Row }
  | { outcome: "taken" }
  | { outcome: "not_found" };

const UNIQUE_VIOLATION = "23505";

function isUniqueViolation(error: unknown): boolean {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    if ((cause as { code?: unknown }).code === UNIQUE_VIOLATION) return true;
  }
  return false;
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (char) => `\\${char}`);

export type ProductFilters = { sku?: string; category?: string; active?: boolean; q?: string };
export type PartyFilters = { country?: string; tax_id?: string; q?: string };

/** The list filters of an entity as SQL; `q` finds text in the name (and a product's sku). */
export function filtersOf(entity: Entity, filters: ProductFilters & PartyFilters): (SQL | undefined)[] {
  const contains = filters.q ? `%${escapeLike(filters.q)}%` : undefined;
  if (entity === "products")
    return [
      filters.sku === undefined ? undefined : eq(products.sku, filters.sku),
      filters.category === undefined ? undefined : eq(products.category, filters.category),
      filters.active === undefined ? undefined : eq(products.active, filters.active),
      contains ? or(ilike(products.name, contains), ilike(products.sku, contains)) : undefined,
    ];
  return [
    filters.country === undefined ? undefined : eq(parties.country, filters.country),
    filters.tax_id === undefined ? undefined : eq(parties.taxId, filters.tax_id),
    contains ? ilike(parties.name, contains) : undefined,
  ];
}

const byId = (store: EntityStore, tenantId: string, id: string) =>
  and(store.scope(tenantId), eq(store.table.id, id));

export function listRecords<Row>(
  db: Database,
  tenantId: string,
  entity: Entity,
  page: Page,
  filters: (SQL | undefined)[],
): Promise<Row[]> {
  const store = storeOf(entity);
  return keysetPage(
    db.select().from(store.table).$dynamic(),
    store.table.id,
    page,
    store.scope(tenantId),
    ...filters,
  ) as Promise<Row[]>;
}

export async function findRecord<Row>(db: Database, tenantId: string, entity: Entity, id: string) {
  const store = storeOf(entity);
  const [row] = await db
    .select()
    .from(store.table)
    .where(byId(store, tenantId, id))
    .limit(1);
  return (row ?? null) as Row | null;
}

/** Creates a record; "taken" when its key (sku, tax id, external id) is already the tenant's. */
export async function createRecord<Row>(
  db: Database,
  tenantId: string,
  entity: Entity,
  values: RecordValues,
): Promise<RecordWrite<Row>> {
  const store = storeOf(entity);
  const [row] = await db
    .insert(store.table)
    .values(store.row(tenantId, values) as never)
    .onConflictDoNothing()
    .returning();
  return row ? { outcome: "saved", row: row as Row } : { outcome: "taken" };
}

export async function updateRecord<Row>(
  db: Database,
  tenantId: string,
  entity: Entity,
  id: string,
  values: RecordValues,
): Promise<RecordWrite<Row>> {
  const store = storeOf(entity);
  const {
    tenantId: _tenant,
    kind: _kind,
    ...changes
  } = store.row(tenantId, values) as Record<string, unknown>;
  try {
    const [row] = await db
      .update(store.table)
      .set({ ...changes, updatedAt: new Date() })
      .where(byId(store, tenantId, id))
      .returning();
    return row ? { outcome: "saved", row: row as Row } : { outcome: "not_found" };
  } catch (error) {
    if (isUniqueViolation(error)) return { outcome: "taken" };
    throw error;
  }
}

export async function deleteRecord(db: Database, tenantId: string, entity: Entity, id: string) {
  const store = storeOf(entity);
  const rows = await db
    .delete(store.table)
    .where(byId(store, tenantId, id))
    .returning({ id: store.table.id });
  return rows.length > 0;
}
