import { boolean, index, pgTable, real, text, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, updatedAt } from "../db/columns.ts";
import { tenantIsolation } from "../db/policies.ts";
import { tenants } from "../identity/tables.ts";

/** A tenant's assistant: its instructions are the tenant's data, set through the API. */
export const assistants = pgTable(
  "assistants",
  {
    id: id(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    model: text("model").notNull(),
    instructions: text("instructions").notNull(),
    temperature: real("temperature").notNull().default(0.3),
    enabled: boolean("enabled").notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [index("assistants_tenant_idx").on(table.tenantId, table.id), tenantIsolation()],
);
