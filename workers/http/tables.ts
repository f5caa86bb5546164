import { index, integer, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { at, createdAt } from "../db/columns.ts";
import { tenantIsolation } from "../db/policies.ts";

/**
 * The first answer to a creating request sent with an Idempotency-Key, kept 24 hours so a client's retry
 * gets it again instead of a duplicate. A row whose `status` is null is a request still in progress; its
 * reservation lapses at `locked_until`, so a request that died mid-way never blocks the key for good.
 */
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    // No foreign key to tenants: the HTTP layer depends on no domain, and every row expires in 24 hours.
    tenantId: uuid("tenant_id").notNull(),
    /** The operationId the key was used for: one key may serve different operations independently. */
    operation: text("operation").notNull(),
    key: text("key").notNull(),
    /** SHA-256 of the request body, so the same key with another body is refused. */
    requestHash: text("request_hash").notNull(),
    status: integer("status"),
    /** The response (body and Location), sealed with a key derived from the Idempotency-Key itself. */
    sealedResponse: text("sealed_response"),
    lockedUntil: at("locked_until").notNull(),
    createdAt: createdAt(),
  },
  (table) => [
    primaryKey({ columns: [table.tenantId, table.operation, table.key] }),
    index("idempotency_keys_created_idx").on(table.createdAt),
    tenantIsolation(),
  ],
);
