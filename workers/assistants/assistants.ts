import { and, asc, eq } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { deleteTenantRow, tenantRow } from "../db/tenant-rows.ts";
import { type Page, tenantPage } from "../http/pagination.ts";
import { assistants } from "./tables.ts";

export type Assistant = typeof assistants.$inferSelect;
export type AssistantValues = Pick<Assistant, "name" | "model" | "instructions" | "temperature" | "enabled">;

export async function createAssistant(
  db: Database,
  tenantId: string,
  values: AssistantValues,
): Promise<Assistant> {
  const [assistant] = await db
    .insert(assistants)
    .values({ ...values, tenantId })
    .returning();
  if (!assistant) throw new Error("insert returned no assistant");
  return assistant;
}

export function listAssistants(db: Database, tenantId: string, page: Page): Promise<Assistant[]> {
  return tenantPage(db.select().from(assistants).$dynamic(), assistants, tenantId, page);
}

export async function getAssistant(db: Database, tenantId: string, id: string): Promise<Assistant | null> {
  const [assistant] = await db
    .select()
    .from(assistants)
    .where(tenantRow(assistants, tenantId, id));
  return assistant ?? null;
}

export async function updateAssistant(
  db: Database,
  tenantId: string,
  id: string,
  changes: Partial<AssistantValues>,
): Promise<Assistant | null> {
  const [assistant] = await db
    .update(assistants)
    .set({ ...changes, updatedAt: new Date() })
    .where(tenantRow(assistants, tenantId, id))
    .returning();
  return assistant ?? null;
}

export async function deleteAssistant(db: Database, tenantId: string, id: string): Promise<boolean> {
  return deleteTenantRow(db, assistants, tenantId, id);
}

/** The assistant that answers the tenant's conversations: the oldest enabled one, if any. */
export async function enabledAssistant(db: Database, tenantId: string): Promise<Assistant | null> {
  const [assistant] = await db
    .select()
    .from(assistants)
    .where(and(eq(assistants.tenantId, tenantId), eq(assistants.enabled, true)))
    .orderBy(asc(assistants.id))
    .limit(1);
  return assistant ?? null;
}
