import { sql } from "drizzle-orm";
import { type AnyPgColumn, timestamp, uuid } from "drizzle-orm/pg-core";
import { uuidv7 } from "../lib/uuid.ts";

/** Shared column builders so every table spells ids and timestamps the same way. */
// The app writes v7 ids; the database default (v4) covers rows written by hand.
export const id = () => uuid("id").primaryKey().default(sql`gen_random_uuid()`).$defaultFn(uuidv7);
/** A point in time with its time zone, to the microsecond; null unless `.notNull()` is added. */
export const at = (name: string) => timestamp(name, { withTimezone: true });
/** A point in time to the millisecond, as Prometheus and OpenTelemetry's JSON keep them. */
export const instant = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });

export const createdAt = () => at("created_at").notNull().defaultNow();
export const updatedAt = () =>
  at("updated_at")
    .notNull()
    .defaultNow()
    .$onUpdate(() => new Date());

/** When a queued piece of work started and finished; null until it does. */
export const runTimes = () => ({ startedAt: at("started_at"), finishedAt: at("finished_at") });

/** Every row's creation and last change. */
export const timestamps = () => ({ createdAt: createdAt(), updatedAt: updatedAt() });

/** The id of the row this one belongs to: required, and this row is deleted with its owner. */
export const ownerId = (name: string, owner: () => AnyPgColumn) =>
  uuid(name).notNull().references(owner, { onDelete: "cascade" });
