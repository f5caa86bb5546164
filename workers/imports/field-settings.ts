import { and, eq } from "drizzle-orm";
import { ENTITY_FIELDS, type Entity } from "../catalog/entities.ts";
import type { Database, HttpDatabase } from "../db/client.ts";
import { type FieldSetting, fieldSettings } from "./tables.ts";

/**
 * A column header as it is compared: without accents, case, or surrounding spaces, and with runs of
 * spaces and underscores as one space (so "Tax ID" names tax_id).
 */
export const normalizeHeader = (header: string) =>
  header
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .replace(/[\s_]+/g, " ")
    .trim()
    .toLowerCase();

/** An entity's settings before a tenant changes them: the catalog's fields in their order, no aliases. */
export const defaultFieldSettings = (entity: Entity): FieldSetting[] =>
  ENTITY_FIELDS[entity].map((rule, index) => ({
    field: rule.name,
    aliases: [],
    required: rule.required,
    default: null,
    order: index + 1,
    visible: true,
  }));

/**
 * The tenant's settings of every field of the entity, in order: a field the tenant did not configure has
 * its default settings, and one the catalog requires stays required.
 */
export function completeSettings(entity: Entity, stored: FieldSetting[] | undefined): FieldSetting[] {
  const byField = new Map((stored ?? []).map((setting) => [setting.field, setting]));
  return defaultFieldSettings(entity)
    .map((base) => {
      const setting = byField.get(base.field);
      return setting ? { ...setting, required: setting.required || base.required } : base;
    })
    .sort((a, b) => a.order - b.order || a.field.localeCompare(b.field));
}

export async function readFieldSettings(
  db: Database,
  tenantId: string,
  entity: Entity,
): Promise<FieldSetting[]> {
  const [row] = await db
    .select({ fields: fieldSettings.fields })
    .from(fieldSettings)
    .where(and(eq(fieldSettings.tenantId, tenantId), eq(fieldSettings.entity, entity)));
  return completeSettings(entity, row?.fields);
}

export const upsertFieldSettings = (
  db: HttpDatabase,
  tenantId: string,
  entity: Entity,
  fields: FieldSetting[],
) =>
  db
    .insert(fieldSettings)
    .values({ tenantId, entity, fields })
    .onConflictDoUpdate({
      target: [fieldSettings.tenantId, fieldSettings.entity],
      set: { fields, updatedAt: new Date() },
    })
    .returning({ fields: fieldSettings.fields });

/** Two fields claiming one header (by name or alias) once normalized; the message names them. */
export function aliasClash(settings: FieldSetting[]): string | null {
  const owner = new Map<string, string>();
  for (const setting of settings) {
    for (const header of new Set([setting.field, ...setting.aliases].map(normalizeHeader))) {
      const other = owner.get(header);
      if (other && other !== setting.field)
        return `"${header}" would name both ${other} and ${setting.field}`;
      owner.set(header, setting.field);
    }
  }
  return null;
}

/** Finds the field a column header names: its own name or one of its aliases. */
export function headerMatcher(settings: FieldSetting[]): (header: string) => string | undefined {
  const fieldOf = new Map<string, string>();
  for (const setting of settings) {
    fieldOf.set(normalizeHeader(setting.field), setting.field);
    for (const alias of setting.aliases) fieldOf.set(normalizeHeader(alias), setting.field);
  }
  return (header) => fieldOf.get(normalizeHeader(header));
}
