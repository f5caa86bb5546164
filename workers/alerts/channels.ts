import { eq } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { deleteTenantRow, tenantRow } from "../db/tenant-rows.ts";
import { type Page, tenantPage } from "../http/pagination.ts";
import { alertChannels, alertSilences } from "./tables.ts";

export type AlertChannel = typeof alertChannels.$inferSelect;
export type AlertChannelInput = Omit<
  typeof alertChannels.$inferInsert,
  "id" | "tenantId" | "createdAt" | "updatedAt"
>;
export type AlertSilence = typeof alertSilences.$inferSelect;
export type AlertSilenceInput = Omit<
  typeof alertSilences.$inferInsert,
  "id" | "tenantId" | "createdAt" | "updatedAt"
>;

export const listChannels = (db: Database, tenantId: string, page: Page) =>
  tenantPage(db.select().from(alertChannels).$dynamic(), alertChannels, tenantId, page);

export async function findChannel(db: Database, tenantId: string, id: string) {
  const [channel] = await db
    .select()
    .from(alertChannels)
    .where(tenantRow(alertChannels, tenantId, id));
  return channel;
}

export async function createChannel(db: Database, tenantId: string, input: AlertChannelInput) {
  const [channel] = await db
    .insert(alertChannels)
    .values({ ...input, tenantId })
    .returning();
  if (!channel) throw new Error("insert returned no channel");
  return channel;
}

export async function updateChannel(
  db: Database,
  tenantId: string,
  id: string,
  changes: Partial<AlertChannelInput>,
) {
  const [channel] = await db
    .update(alertChannels)
    .set(changes)
    .where(tenantRow(alertChannels, tenantId, id))
    .returning();
  return channel;
}

export const deleteChannel = (db: Database, tenantId: string, id: string) =>
  deleteTenantRow(db, alertChannels, tenantId, id);

export const listSilences = (db: Database, tenantId: string, page: Page) =>
  tenantPage(db.select().from(alertSilences).$dynamic(), alertSilences, tenantId, page);

export async function findSilence(db: Database, tenantId: string, id: string) {
  const [silence] = await db
    .select()
    .from(alertSilences)
    .where(tenantRow(alertSilences, tenantId, id));
  return silence;
}

export async function createSilence(db: Database, tenantId: string, input: AlertSilenceInput) {
  const [silence] = await db
    .insert(alertSilences)
    .values({ ...input, tenantId })
    .returning();
  if (!silence) throw new Error("insert returned no silence");
  return silence;
}

/** Ends a silence now (one that already ended keeps its end); undefined when the tenant has none. */
export async function expireSilence(db: Database, tenantId: string, id: string, now: Date) {
  const silence = await findSilence(db, tenantId, id);
  if (!silence || silence.endsAt <= now) return silence;
  const [expired] = await db
    .update(alertSilences)
    .set({ endsAt: now })
    .where(eq(alertSilences.id, silence.id))
    .returning();
  return expired;
}

export const deleteSilence = (db: Database, tenantId: string, id: string) =>
  deleteTenantRow(db, alertSilences, tenantId, id);
