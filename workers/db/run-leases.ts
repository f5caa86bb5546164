import { and, eq, lt, or, sql } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";

/**
 * The runs a consumer may claim: queued, or running on a lease of `leaseMinutes` that ran out (its
 * consumer died). The filter of a claiming UPDATE, which only one delivery of a message wins.
 */
export const claimableRun = (run: { status: PgColumn; startedAt: PgColumn }, leaseMinutes: number) =>
  or(
    eq(run.status, "queued"),
    and(eq(run.status, "running"), lt(run.startedAt, sql`now() - make_interval(mins => ${leaseMinutes})`)),
  );
