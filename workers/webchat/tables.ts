import { index, text } from "drizzle-orm/pg-core";
import { at, timestamps } from "../db/columns.ts";
import { tenantTable } from "../identity/tables.ts";

/**
 * A publishable key for the widget (`wk_…`): it is public by design, so it is stored as is. It only names
 * the tenant; what protects it is the list of origins whose pages may use it.
 */
export const widgetKeys = tenantTable(
  "widget_keys",
  {
    name: text("name").notNull(),
    key: text("key").notNull().unique(),
    allowedOrigins: text("allowed_origins").array().notNull(),
    revokedAt: at("revoked_at"),
    ...timestamps(),
  },
  (table) => [index("widget_keys_tenant_idx").on(table.tenantId)],
);
