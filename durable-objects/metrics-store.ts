import { DurableObject } from "cloudflare:workers";
import type { Env } from "../workers/config/env.ts";
import { addToTotals, createTotalsTable, readTotals } from "../workers/metrics/totals.ts";
import type { Samples } from "../workers/observability/series.ts";

/**
 * One shard of the metrics' totals, across every isolate: isolates add their deltas, the /metrics
 * route reads every shard and adds them up. The totals live in SQLite storage, so they outlive the object.
 */
export class MetricsStore extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    createTotalsTable(ctx.storage.sql);
  }

  add(deltas: Samples): void {
    addToTotals(this.ctx.storage.sql, deltas);
  }

  totals(): Samples {
    return readTotals(this.ctx.storage.sql);
  }
}
