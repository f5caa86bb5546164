import { and, eq, isNull } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { revokeTenantRow, updateTenantRow } from "../db/tenant-rows.ts";
import { listTenantRows, type Page } from "../http/pagination.ts";
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

export const listWidgetKeys = (db: Database, tenantId: string, page: Page): Promise<WidgetKey[]> =>
  listTenantRows(db, widgetKeys, tenantId, page, isNull(widgetKeys.revokedAt));

export async function updateWidgetKey(
  db: Database,
  tenantId: string,
  id: string,
  changes: { name?: string | undefined; allowedOrigins?: string[] | undefined },
): Promise<WidgetKey | null> {
  return updateTenantRow(
    db,
    widgetKeys,
    tenantId,
    id,
    { ...changes, updatedAt: new Date() },
    isNull(widgetKeys.revokedAt),
  );
}

export const revokeWidgetKey = (db: Database, tenantId: string, id: string): Promise<boolean> =>
  revokeTenantRow(db, widgetKeys, tenantId, id);

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
