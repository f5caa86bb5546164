import { eq } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import {
  deleteTenantRow,
  findTenantRow,
  insertTenantRow,
  type TenantRowInput,
  updateTenantRow,
} from "../db/tenant-rows.ts";
import { listTenantRows, type Page } from "../http/pagination.ts";
import { alertChannels, alertSilences } from "./tables.ts";

export type AlertChannel = typeof alertChannels.$inferSelect;
export type AlertChannelInput = TenantRowInput<typeof alertChannels>;
export type AlertSilence = typeof alertSilences.$inferSelect;
export type AlertSilenceInput = TenantRowInput<typeof alertSilences>;

export const listChannels = (db: Database, tenantId: string, page: Page) =>
  listTenantRows(db, alertChannels, tenantId, page);

export const findChannel = (db: Database, tenantId: string, id: string) =>
  findTenantRow(db, alertChannels, tenantId, id);

export const createChannel = (db: Database, tenantId: string, input: AlertChannelInput) =>
  insertTenantRow(db, alertChannels, tenantId, input);

export const updateChannel = (
  db: Database,
  tenantId: string,
  id: string,
  changes: Partial<AlertChannelInput>,
) => updateTenantRow(db, alertChannels, tenantId, id, changes);

export const deleteChannel = (db: Database, tenantId: string, id: string) =>
  deleteTenantRow(db, alertChannels, tenantId, id);

export const listSilences = (db: Database, tenantId: string, page: Page) =>
  listTenantRows(db, alertSilences, tenantId, page);

export const findSilence = (db: Database, tenantId: string, id: string) =>
  findTenantRow(db, alertSilences, tenantId, id);

export const createSilence = (db: Database, tenantId: string, input: AlertSilenceInput) =>
  insertTenantRow(db, alertSilences, tenantId, input);

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

export const deleteSilence = (db: Database, tenantId: string, id: string) =>
  deleteTenantRow(db, alertSilences, tenantId, id);
