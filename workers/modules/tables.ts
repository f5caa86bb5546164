import { boolean, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { MODULES } from "../access/modules.ts";
import { updatedAt } from "../db/columns.ts";
import { tenantIsolation } from "../db/policies.ts";
import { tenantIdColumn } from "../identity/tables.ts";

/** A module a tenant's owner switched; a module without a row is on. */
export const tenantModules = pgTable(
  "tenant_modules",
  {
    tenantId: tenantIdColumn(),
    module: text("module", { enum: MODULES }).notNull(),
    enabled: boolean("enabled").notNull(),
    updatedAt: updatedAt(),
  },
  (table) => [primaryKey({ columns: [table.tenantId, table.module] }), tenantIsolation()],
);
