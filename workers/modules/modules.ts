import { eq } from "drizzle-orm";
import type { MiddlewareHandler } from "hono";
import type { ModuleKey, ModuleSwitches } from "../access/modules.ts";
import type { DatabaseSession, HttpDatabase } from "../db/client.ts";
import type { AppEnv } from "../http/app-env.ts";
import { tenantModules } from "./tables.ts";

/** The tenant's switched modules, as one query for `tenantQuery()`. */
export const selectSwitched = (db: HttpDatabase, tenantId: string) =>
  db
    .select({ module: tenantModules.module, enabled: tenantModules.enabled })
    .from(tenantModules)
    .where(eq(tenantModules.tenantId, tenantId));

export const upsertModule = (db: HttpDatabase, tenantId: string, module: ModuleKey, enabled: boolean) =>
  db
    .insert(tenantModules)
    .values({ tenantId, module, enabled })
    .onConflictDoUpdate({
      target: [tenantModules.tenantId, tenantModules.module],
      set: { enabled, updatedAt: new Date() },
    })
    .returning();

/**
 * How long an isolate trusts what it read of a tenant's modules. A module's routes check it on every
 * call, so it is read at most once per tenant per isolate in this time instead of once per request; the
 * isolate that served a switch forgets at once, others within this time.
 */
export const MODULES_CACHE_MS = 10_000;

const offByTenant = new Map<string, { off: ReadonlySet<ModuleKey>; until: number }>();

/** Forgets what this isolate read of the tenant's modules, after a switch. */
export const forgetModules = (tenantId: string) => offByTenant.delete(tenantId);

async function modulesOff(session: DatabaseSession, tenantId: string): Promise<ReadonlySet<ModuleKey>> {
  const cached = offByTenant.get(tenantId);
  if (cached && cached.until > Date.now()) return cached.off;
  const rows = await session.tenantQuery(tenantId, (db) => selectSwitched(db, tenantId), { readOnly: true });
  const off = new Set(rows.filter((row) => !row.enabled).map((row) => row.module));
  offByTenant.set(tenantId, { off, until: Date.now() + MODULES_CACHE_MS });
  return off;
}

/** Gives each request the module switches, read through the request's database session when asked. */
export function moduleSwitches(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const switches: ModuleSwitches = {
      isOn: async (tenantId, module) => !(await modulesOff(c.get("database"), tenantId)).has(module),
    };
    c.set("modules", switches);
    await next();
  };
}
