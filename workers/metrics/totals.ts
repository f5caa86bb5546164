import type { Samples } from "../observability/series.ts";

/** The totals a MetricsStore object keeps: one row per sample key, in its SQLite storage. */
export function createTotalsTable(sql: SqlStorage): void {
  sql.exec("CREATE TABLE IF NOT EXISTS totals (key TEXT PRIMARY KEY, value REAL NOT NULL)");
}

/**
 * Adds an isolate's deltas to the totals. Synchronous, with no await, so concurrent flushes are applied
 * one after another and no increment is lost.
 */
export function addToTotals(sql: SqlStorage, deltas: Samples): void {
  for (const [key, value] of Object.entries(deltas)) {
    sql.exec(
      "INSERT INTO totals (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = value + excluded.value",
      key,
      value,
    );
  }
}

export function readTotals(sql: SqlStorage): Samples {
  const totals: Samples = {};
  for (const row of sql.exec<{ key: string; value: number }>("SELECT key, value FROM totals"))
    totals[row.key] = row.value;
  return totals;
}
