import { eq, isNull } from "drizzle-orm";
import type { Plan, Scope } from "../access/roles.ts";
import type { Database } from "../db/client.ts";
import { revokeTenantRow } from "../db/tenant-rows.ts";
import { listTenantRows, type Page } from "../http/pagination.ts";
import { constantTimeEqualText, randomAlphanumeric, randomToken, sha256Hex } from "../lib/crypto.ts";
import { apiKeys, tenants } from "./tables.ts";

export type ApiKey = typeof apiKeys.$inferSelect;

// A key reads `bk_<prefix>_<secret>`: the prefix finds the row, the secret's hash proves possession.
const KEY_PATTERN = /^bk_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

export const looksLikeApiKey = (value: string) => value.startsWith("bk_");

export async function createApiKey(
  db: Database,
  tenantId: string,
  values: { name: string; scopes: Scope[]; expiresAt: Date | null; createdBy: string | null },
): Promise<{ apiKey: ApiKey; key: string }> {
  const prefix = randomAlphanumeric(12);
  const key = `bk_${prefix}_${randomToken()}`;
  const [apiKey] = await db
    .insert(apiKeys)
    .values({ ...values, tenantId, prefix, secretHash: await sha256Hex(key) })
    .returning();
  if (!apiKey) throw new Error("insert returned no api key");
  return { apiKey, key };
}

export const listApiKeys = (db: Database, tenantId: string, page: Page): Promise<ApiKey[]> =>
  listTenantRows(db, apiKeys, tenantId, page, isNull(apiKeys.revokedAt));

export const revokeApiKey = (db: Database, tenantId: string, id: string): Promise<boolean> =>
  revokeTenantRow(db, apiKeys, tenantId, id);

export type VerifiedApiKey = { id: string; tenantId: string; scopes: Scope[]; plan: Plan };

/** Finds the live key a caller presented (system context: the tenant is not known yet). */
export async function verifyApiKey(db: Database, presented: string): Promise<VerifiedApiKey | null> {
  const match = KEY_PATTERN.exec(presented);
  if (!match?.[1]) return null;
  const [row] = await db
    .select({ key: apiKeys, plan: tenants.plan })
    .from(apiKeys)
    .innerJoin(tenants, eq(tenants.id, apiKeys.tenantId))
    .where(eq(apiKeys.prefix, match[1]))
    .limit(1);
  if (!row || !constantTimeEqualText(row.key.secretHash, await sha256Hex(presented))) return null;
  if (row.key.revokedAt || (row.key.expiresAt && row.key.expiresAt <= new Date())) return null;
  return { id: row.key.id, tenantId: row.key.tenantId, scopes: row.key.scopes as Scope[], plan: row.plan };
}

export async function touchApiKey(db: Database, id: string): Promise<void> {
  await db.update(apiKeys).set({ lastUsedAt: new Date() }).where(eq(apiKeys.id, id));
}
