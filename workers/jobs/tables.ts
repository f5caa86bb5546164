import { pgTable, text, timestamp, unique } from "drizzle-orm/pg-core";
import { createdAt, id } from "../db/columns.ts";

/**
 * One row per cron tick. The unique (cron, scheduled_at) key makes a retried or overlapping tick a no-op,
 * and consumed_at shows that the tick's message made it through the queue.
 */
export const schedulerRuns = pgTable(
  "scheduler_runs",
  {
    id: id(),
    cron: text("cron").notNull(),
    scheduledAt: timestamp("scheduled_at", { withTimezone: true }).notNull(),
    consumedAt: timestamp("consumed_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (table) => [unique("scheduler_runs_cron_slot_key").on(table.cron, table.scheduledAt)],
);
