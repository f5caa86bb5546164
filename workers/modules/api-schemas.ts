import { z } from "@hono/zod-openapi";
import { MODULES } from "../access/modules.ts";
import { pathParam } from "../http/api-schemas.ts";

export const ModuleKeySchema = z.enum(MODULES).openapi("ModuleKey");

export const ModuleParamSchema = pathParam("key", ModuleKeySchema, "imports");

export const ModuleSchema = z
  .object({
    key: ModuleKeySchema,
    enabled: z.boolean().openapi({ description: "Whether the tenant's routes of this module answer." }),
  })
  .openapi("Module");

export const ModuleListSchema = z.object({ data: z.array(ModuleSchema) }).openapi("ModuleList");

export const ModuleSwitchSchema = z.object({ enabled: z.boolean() }).strict().openapi("ModuleSwitch");

/** Every module with its state for the tenant; those never switched are on. */
export const renderModules = (switched: { module: string; enabled: boolean }[]) => {
  const state = new Map(switched.map((row) => [row.module, row.enabled]));
  return { data: MODULES.map((key) => ({ key, enabled: state.get(key) ?? true })) };
};
