import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../http/app-env.ts";
import { HttpProblem } from "../http/problem.ts";
import { principalOf } from "./authorize.ts";

/** Borde's modules, which a tenant's owners switch on and off; every one is on until switched off. */
export const MODULES = [
  "audits",
  "webchat",
  "channels",
  "insights",
  "reputation",
  "imports",
  "catalog",
  "telemetry",
  "backups",
] as const;
export type ModuleKey = (typeof MODULES)[number];

/** Tells whether a tenant has a module on; the modules domain provides it per request (app.ts). */
export interface ModuleSwitches {
  isOn(tenantId: string, module: ModuleKey): Promise<boolean>;
}

/**
 * Refuses the routes of a module the caller's tenant has switched off (403 `module-disabled`). Runs after
 * `authorize()`, which has admitted a caller of some tenant.
 */
export function requireModule(module: ModuleKey): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const switches = c.get("modules");
    if (!switches) throw new Error("requireModule() needs the modules middleware (app.ts)");
    if (!(await switches.isOn(principalOf(c).tenantId, module)))
      throw new HttpProblem(
        "module-disabled",
        `The ${module} module is switched off for this tenant; an owner can switch it on with PUT /api/v1/modules/${module}.`,
      );
    await next();
  };
}
