import { pgTable, text, unique } from "drizzle-orm/pg-core";
import { at, createdAt, id } from "../db/columns.ts";

/**
 * One row per cron tick. The unique (cron, scheduled_at) key makes a retried or overlapping tick a no-op,
 * and consumed_at shows that the tick's message made it through the queue.
 */
export const schedulerRuns = pgTable(
  "scheduler_runs",
  {
    id: id(),
    cron: text("cron").notNull(),
    scheduledAt: at("scheduled_at").notNull(),
    consumedAt: at("consumed_at"),
    createdAt: createdAt(),
  },
  (table) => [unique("scheduler_runs_cron_slot_key").on(table.cron, table.scheduledAt)],
);
