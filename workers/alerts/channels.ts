import { eq } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { byIdWork } from "../db/tenant-rows.ts";
import { listTenantRows, type Page } from "../http/pagination.ts";
import { alertChannels, alertSilences } from "./tables.ts";

export type AlertChannel = typeof alertChannels.$inferSelect;
export type AlertSilence = typeof alertSilences.$inferSelect;

export const listChannels = (db: Database, tenantId: string, page: Page) =>
  listTenantRows(db, alertChannels, tenantId, page);

export const {
  find: findChannel,
  insert: createChannel,
  update: updateChannel,
  delete: deleteChannel,
} = byIdWork(alertChannels);

export const listSilences = (db: Database, tenantId: string, page: Page) =>
  listTenantRows(db, alertSilences, tenantId, page);

export const { find: findSilence, insert: createSilence, delete: deleteSilence } = byIdWork(alertSilences);

/** Ends a silence now (one that already ended keeps its end); null when the tenant has none. */
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
