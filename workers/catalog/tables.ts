import { boolean, char, index, integer, numeric, text, unique } from "drizzle-orm/pg-core";
import { timestamps } from "../db/columns.ts";
import { tenantTable } from "../identity/tables.ts";

/** What a tenant sells. Money and rates are numeric, read and written as decimal strings (never floats). */
export const products = tenantTable(
  "products",
  {
    sku: text("sku").notNull(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    category: text("category").notNull().default(""),
    unitPrice: numeric("unit_price", { precision: 19, scale: 4 }).notNull(),
    /** ISO 4217. */
    currency: char("currency", { length: 3 }).notNull(),
    /** Percent, e.g. 15.000 for Ecuador's IVA, 21.000 for Spain's. */
    taxRate: numeric("tax_rate", { precision: 6, scale: 3 }).notNull().default("0"),
    stock: integer("stock").notNull().default(0),
    active: boolean("active").notNull().default(true),
    externalId: text("external_id"),
    ...timestamps(),
  },
  (table) => [
    unique("products_tenant_sku_key").on(table.tenantId, table.sku),
    unique("products_tenant_external_id_key").on(table.tenantId, table.externalId),
    index("products_tenant_idx").on(table.tenantId, table.id),
  ],
);

export const PARTY_KINDS = ["client", "supplier"] as const;
export type PartyKind = (typeof PARTY_KINDS)[number];

/**
 * A tenant's clients and suppliers: the same record, told apart by kind. A tax id is unique per kind and
 * country (a supplier may also be a client).
 */
export const parties = tenantTable(
  "parties",
  {
    kind: text("kind", { enum: PARTY_KINDS }).notNull(),
    name: text("name").notNull(),
    taxId: text("tax_id").notNull(),
    /** ISO 3166-1 alpha-2; it decides the tax id's check. */
    country: char("country", { length: 2 }).notNull(),
    email: text("email"),
    phone: text("phone"),
    address: text("address"),
    externalId: text("external_id"),
    ...timestamps(),
  },
  (table) => [
    unique("parties_tenant_kind_tax_id_key").on(table.tenantId, table.kind, table.country, table.taxId),
    unique("parties_tenant_kind_external_id_key").on(table.tenantId, table.kind, table.externalId),
    index("parties_tenant_kind_idx").on(table.tenantId, table.kind, table.id),
  ],
);
