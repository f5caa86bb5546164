import { is } from "drizzle-orm";
import { getTableConfig, PgTable } from "drizzle-orm/pg-core";
import * as schema from "../db/tables.ts";

/**
 * Tenant tables a backup leaves out, each with why restoring it would be wrong. Every other table with a
 * `tenant_id` column is backed up, so a new domain's tables are included without anyone listing them.
 */
export const NOT_BACKED_UP: Readonly<Record<string, string>> = {
  memberships: "who may enter the tenant: a restore must never readmit a member removed since",
  invitations: "invitation tokens: a restore must never revive one revoked or used since",
  api_keys: "credentials: a restore must never revive a key revoked since",
  refresh_tokens: "sessions: a restore must never revive one signed out or rotated since",
  idempotency_keys: "24-hour replays of responses, not data; restored, they would answer new requests",
  telemetry_usage: "ingest counted against this minute's quota: a restore must not give back what was spent",
  rank_upstream_usage:
    "SerpApi calls counted against the daily cap: a restore must not give back what was spent",
  backups:
    "the record of the backups themselves: restoring it would forget those taken since, whose files stay",
};

/** A table a backup writes and a restore replaces, with the tables its rows reference. */
export type TenantTable = { name: string; references: string[] };

function tenantTablesOf(tables: Iterable<unknown>): TenantTable[] {
  const found: TenantTable[] = [];
  for (const table of tables) {
    if (!is(table, PgTable)) continue;
    const config = getTableConfig(table);
    if (!config.columns.some((column) => column.name === "tenant_id") || config.name in NOT_BACKED_UP)
      continue;
    const references = config.foreignKeys
      .map((key) => getTableConfig(key.reference().foreignTable).name)
      .filter((name) => name !== config.name);
    found.push({ name: config.name, references: [...new Set(references)] });
  }
  return found;
}

/**
 * Orders tables so each comes after every backed-up table it references: the order a restore inserts in
 * (and, reversed, deletes in). Ties go by name, so every backup lists its files in the same order.
 */
export function inDependencyOrder(tables: TenantTable[]): TenantTable[] {
  const byName = new Map(tables.map((table) => [table.name, table]));
  const ordered: TenantTable[] = [];
  const placed = new Set<string>();
  const visiting = new Set<string>();
  const place = (table: TenantTable) => {
    if (placed.has(table.name)) return;
    if (visiting.has(table.name)) throw new Error(`foreign keys form a cycle through ${table.name}`);
    visiting.add(table.name);
    for (const name of [...table.references].sort()) {
      const referenced = byName.get(name);
      if (referenced) place(referenced);
    }
    visiting.delete(table.name);
    placed.add(table.name);
    ordered.push(table);
  };
  for (const table of [...tables].sort((a, b) => a.name.localeCompare(b.name))) place(table);
  return ordered;
}

/** Every table a backup holds, parents before children. */
export const BACKED_UP_TABLES: readonly TenantTable[] = inDependencyOrder(
  tenantTablesOf(Object.values(schema)),
);

/** The names of the backed-up tables: what a table named in a request or a manifest must be. */
export const BACKED_UP_NAMES: ReadonlySet<string> = new Set(BACKED_UP_TABLES.map((table) => table.name));
