import { asc, eq } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import {
  deleteTenantRow,
  findTenantRow,
  insertTenantRow,
  tenantRows,
  updateTenantRow,
} from "../db/tenant-rows.ts";
import { listTenantRows, type Page } from "../http/pagination.ts";
import { assistants } from "./tables.ts";

export type Assistant = typeof assistants.$inferSelect;
export type AssistantValues = Pick<Assistant, "name" | "model" | "instructions" | "temperature" | "enabled">;

export const createAssistant = (
  db: Database,
  tenantId: string,
  values: AssistantValues,
): Promise<Assistant> => insertTenantRow(db, assistants, tenantId, values);

export const listAssistants = (db: Database, tenantId: string, page: Page): Promise<Assistant[]> =>
  listTenantRows(db, assistants, tenantId, page);

export const getAssistant = (db: Database, tenantId: string, id: string): Promise<Assistant | null> =>
  findTenantRow(db, assistants, tenantId, id);

export const updateAssistant = (
  db: Database,
  tenantId: string,
  id: string,
  changes: Partial<AssistantValues>,
): Promise<Assistant | null> =>
  updateTenantRow(db, assistants, tenantId, id, { ...changes, updatedAt: new Date() });

export const deleteAssistant = (db: Database, tenantId: string, id: string): Promise<boolean> =>
  deleteTenantRow(db, assistants, tenantId, id);

/** The assistant that answers the tenant's conversations: the oldest enabled one, if any. */
export async function enabledAssistant(db: Database, tenantId: string): Promise<Assistant | null> {
  const [assistant] = await db
    .select()
    .from(assistants)
    .where(tenantRows(assistants, tenantId, eq(assistants.enabled, true)))
    .orderBy(asc(assistants.id))
    .limit(1);
  return assistant ?? null;
}
