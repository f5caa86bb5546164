import { boolean, doublePrecision, index, pgTable, text } from "drizzle-orm/pg-core";
import { id, timestamps } from "../db/columns.ts";
import { tenantIsolation } from "../db/policies.ts";
import { tenantIdColumn } from "../identity/tables.ts";

/** A tenant's assistant: its instructions are the tenant's data, set through the API. */
export const assistants = pgTable(
  "assistants",
  {
    id: id(),
    tenantId: tenantIdColumn(),
    name: text("name").notNull(),
    model: text("model").notNull(),
    instructions: text("instructions").notNull(),
    // Double precision: a real underflows (a 500) on tiny values such as 1e-50 that JSON numbers can carry.
    temperature: doublePrecision("temperature").notNull().default(0.3),
    enabled: boolean("enabled").notNull().default(true),
    ...timestamps(),
  },
  (table) => [index("assistants_tenant_idx").on(table.tenantId, table.id), tenantIsolation()],
);
