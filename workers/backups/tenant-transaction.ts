import type { Config } from "../config/config.ts";
import { type Database, tenantScope, withDatabase } from "../db/client.ts";
import type { Logger } from "../lib/log.ts";

export type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];

/**
 * A transaction of the tenant under row-level security, on a connection of its own and without the
 * request deadline of `DatabaseSession.tenant()`: a backup reads, and a restore writes, a whole tenant in
 * one transaction (one snapshot; all or nothing), each statement still bounded by the query timeout. Its
 * own session keeps it off the connection the batch's other jobs share.
 */
export function inLongTenantTransaction<T>(
  config: Config,
  log: Logger,
  tenantId: string,
  work: (tx: Transaction) => Promise<T>,
  options: { readOnly: boolean },
): Promise<T> {
  return withDatabase(
    config,
    ({ db }) =>
      db.transaction(
        async (tx) => {
          for (const statement of tenantScope(tenantId)) await tx.execute(statement);
          return work(tx);
        },
        options.readOnly
          ? { isolationLevel: "repeatable read", accessMode: "read only" }
          : { isolationLevel: "read committed" },
      ),
    log,
  );
}
