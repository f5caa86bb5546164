import { and, asc, eq } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { keysetPage, type Page } from "../http/pagination.ts";
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
  return keysetPage(
    db.select().from(assistants).$dynamic(),
    assistants.id,
    page,
    eq(assistants.tenantId, tenantId),
  );
}

export async function getAssistant(db: Database, tenantId: string, id: string): Promise<Assistant | null> {
  const [assistant] = await db
    .select()
    .from(assistants)
    .where(and(eq(assistants.tenantId, tenantId), eq(assistants.id, id)));
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
    .where(and(eq(assistants.tenantId, tenantId), eq(assistants.id, id)))
    .returning();
  return assistant ?? null;
}

export async function deleteAssistant(db: Database, tenantId: string, id: string): Promise<boolean> {
  const rows = await db
    .delete(assistants)
    .where(and(eq(assistants.tenantId, tenantId), eq(assistants.id, id)))
    .returning({ id: assistants.id });
  return rows.length > 0;
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
