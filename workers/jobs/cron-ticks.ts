import { and, eq, isNull } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { schedulerRuns } from "./tables.ts";

/** Records a cron tick once; returns its id, or null when this tick was already recorded. */
export async function recordTick(db: Database, cron: string, scheduledAt: Date): Promise<string | null> {
  const [row] = await db
    .insert(schedulerRuns)
    .values({ cron, scheduledAt })
    .onConflictDoNothing({ target: [schedulerRuns.cron, schedulerRuns.scheduledAt] })
    .returning({ id: schedulerRuns.id });
  return row?.id ?? null;
}

/** Marks a tick's message as consumed; a redelivered message finds it consumed and changes nothing. */
export async function markTickConsumed(db: Database, runId: string): Promise<boolean> {
  const rows = await db
    .update(schedulerRuns)
    .set({ consumedAt: new Date() })
    .where(and(eq(schedulerRuns.id, runId), isNull(schedulerRuns.consumedAt)))
    .returning({ id: schedulerRuns.id });
  return rows.length > 0;
}
