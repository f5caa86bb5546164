import { boolean, index, text, unique, uuid } from "drizzle-orm/pg-core";
import { assistants } from "../../assistants/tables.ts";
import type { Channel } from "../../conversations/tables.ts";
import { timestamps } from "../../db/columns.ts";
import { tenantTable } from "../../identity/tables.ts";

/** The channels a Twilio number can serve: the conversation channels that reach a phone number. */
export const NUMBER_CHANNELS = ["whatsapp", "voice"] as const satisfies readonly Channel[];
export type NumberChannel = (typeof NUMBER_CHANNELS)[number];

/**
 * Which tenant a Twilio number belongs to, per channel, and which assistant answers on it (the tenant's
 * enabled assistant when none is named). A number routes to one tenant only, hence unique per channel
 * across tenants.
 */
export const channelNumbers = tenantTable(
  "channel_numbers",
  {
    channel: text("channel", { enum: NUMBER_CHANNELS }).notNull(),
    /** E.164, e.g. +14155550100. */
    phoneNumber: text("phone_number").notNull(),
    assistantId: uuid("assistant_id").references(() => assistants.id, { onDelete: "set null" }),
    enabled: boolean("enabled").notNull().default(true),
    ...timestamps(),
  },
  (table) => [
    index("channel_numbers_tenant_idx").on(table.tenantId, table.id),
    unique("channel_numbers_channel_phone_key").on(table.channel, table.phoneNumber),
  ],
);
