import { sql } from "drizzle-orm";
import { pgPolicy } from "drizzle-orm/pg-core";

/**
 * The row-level security of a tenant table, declared beside it so drizzle-kit writes it (and enables
 * row-level security) with the table's migration. Tenant-scoped work runs as borde_app with app.tenant_id
 * set (DatabaseSession.tenant): it sees and writes only its tenant's rows, and none without the setting.
 * System work runs as the tables' owner, which the policy does not bind. test/worker/row-level-security
 * fails for a tenant table without it.
 */
export const tenantIsolation = (tenantColumn = "tenant_id") =>
  pgPolicy("tenant_isolation", {
    as: "permissive",
    for: "all",
    to: "borde_app",
    using: sql`${sql.identifier(tenantColumn)} = nullif(current_setting('app.tenant_id', true), '')::uuid`,
  });
