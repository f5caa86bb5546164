import { and, eq, isNull } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { tenantRow } from "../db/tenant-rows.ts";
import { type Page, tenantPage } from "../http/pagination.ts";
import { randomAlphanumeric } from "../lib/crypto.ts";
import { widgetKeys } from "./tables.ts";

export type WidgetKey = typeof widgetKeys.$inferSelect;

export const WIDGET_KEY_PATTERN = /^wk_[A-Za-z0-9]{24}$/;

export async function createWidgetKey(
  db: Database,
  tenantId: string,
  values: { name: string; allowedOrigins: string[] },
): Promise<WidgetKey> {
  const [widgetKey] = await db
    .insert(widgetKeys)
    .values({ ...values, tenantId, key: `wk_${randomAlphanumeric(24)}` })
    .returning();
  if (!widgetKey) throw new Error("insert returned no widget key");
  return widgetKey;
}

export function listWidgetKeys(db: Database, tenantId: string, page: Page): Promise<WidgetKey[]> {
  return tenantPage(
    db.select().from(widgetKeys).$dynamic(),
    widgetKeys,
    tenantId,
    page,
    isNull(widgetKeys.revokedAt),
  );
}

export async function updateWidgetKey(
  db: Database,
  tenantId: string,
  id: string,
  changes: { name?: string | undefined; allowedOrigins?: string[] | undefined },
): Promise<WidgetKey | null> {
  const [widgetKey] = await db
    .update(widgetKeys)
    .set({ ...changes, updatedAt: new Date() })
    .where(tenantRow(widgetKeys, tenantId, id, isNull(widgetKeys.revokedAt)))
    .returning();
  return widgetKey ?? null;
}

export async function revokeWidgetKey(db: Database, tenantId: string, id: string): Promise<boolean> {
  const rows = await db
    .update(widgetKeys)
    .set({ revokedAt: new Date() })
    .where(tenantRow(widgetKeys, tenantId, id, isNull(widgetKeys.revokedAt)))
    .returning({ id: widgetKeys.id });
  return rows.length > 0;
}

/** The live key a widget presented (system context: the key is what names the tenant). */
export async function findWidgetKey(
  db: Database,
  key: string,
): Promise<Pick<WidgetKey, "id" | "tenantId" | "allowedOrigins"> | null> {
  if (!WIDGET_KEY_PATTERN.test(key)) return null;
  const [row] = await db
    .select({ id: widgetKeys.id, tenantId: widgetKeys.tenantId, allowedOrigins: widgetKeys.allowedOrigins })
    .from(widgetKeys)
    .where(and(eq(widgetKeys.key, key), isNull(widgetKeys.revokedAt)))
    .limit(1);
  return row ?? null;
}
