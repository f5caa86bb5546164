import { sql } from "drizzle-orm";
import { type AnyPgColumn, timestamp, uuid } from "drizzle-orm/pg-core";
import { uuidv7 } from "../lib/uuid.ts";

/** Shared column builders so every table spells ids and timestamps the same way. */
// The app writes v7 ids; the database default (v4) covers rows written by hand.
export const id = () => uuid("id").primaryKey().default(sql`gen_random_uuid()`).$defaultFn(uuidv7);
export const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();
export const updatedAt = () =>
  timestamp("updated_at", { withTimezone: true })
    .notNull()
    .defaultNow()
    .$onUpdate(() => new Date());

/** Every row's creation and last change. */
export const timestamps = () => ({ createdAt: createdAt(), updatedAt: updatedAt() });

/** The id of the row this one belongs to: required, and this row is deleted with its owner. */
export const ownerId = (name: string, owner: () => AnyPgColumn) =>
  uuid(name).notNull().references(owner, { onDelete: "cascade" });
