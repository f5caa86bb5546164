import { boolean, doublePrecision, index, text } from "drizzle-orm/pg-core";
import { timestamps } from "../db/columns.ts";
import { tenantTable } from "../identity/tables.ts";

/** A tenant's assistant: its instructions are the tenant's data, set through the API. */
export const assistants = tenantTable(
  "assistants",
  {
    name: text("name").notNull(),
    model: text("model").notNull(),
    instructions: text("instructions").notNull(),
    // Double precision: a real underflows (a 500) on tiny values such as 1e-50 that JSON numbers can carry.
    temperature: doublePrecision("temperature").notNull().default(0.3),
    enabled: boolean("enabled").notNull().default(true),
    ...timestamps(),
  },
  (table) => [index("assistants_tenant_idx").on(table.tenantId, table.id)],
);
