import { inArray, ne, sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { deleteTenantRow, findTenantRow, tenantRow, tenantRows, updateTenantRow } from "../db/tenant-rows.ts";
import { listTenantRows, type Page } from "../http/pagination.ts";
import type { FieldError } from "../http/problem.ts";
import { projects } from "../projects/tables.ts";
import { type AakerProfile, type BrandHandles, brands } from "./tables.ts";

export type Brand = typeof brands.$inferSelect;

export type BrandInput = {
  name: string;
  projectId: string | null;
  handles: BrandHandles;
  keywords: string[];
  hashtags: string[];
  languages: string[];
  competitorIds: string[];
  desiredProfile: AakerProfile | null;
};

/**
 * What is wrong with the references of a brand's fields: competitors must be other brands of the tenant,
 * the project a project of the tenant. Empty when all is well.
 */
async function referenceErrors(
  db: Database,
  tenantId: string,
  brandId: string | null,
  input: Partial<BrandInput>,
): Promise<FieldError[]> {
  const errors: FieldError[] = [];
  const competitors = [...new Set(input.competitorIds ?? [])];
  if (brandId !== null && competitors.includes(brandId))
    errors.push({ path: "body.competitor_ids", message: "a brand is not its own competitor" });
  const [known, project] = await Promise.all([
    competitors.length === 0
      ? []
      : db
          .select({ id: brands.id })
          .from(brands)
          .where(
            tenantRows(
              brands,
              tenantId,
              inArray(brands.id, competitors),
              brandId ? ne(brands.id, brandId) : undefined,
            ),
          ),
    input.projectId
      ? db
          .select({ id: projects.id })
          .from(projects)
          .where(tenantRow(projects, tenantId, input.projectId))
          .limit(1)
      : [{ id: null }],
  ]);
  const knownIds = new Set(known.map((row) => row.id));
  const unknown = competitors.filter((id) => id !== brandId && !knownIds.has(id));
  if (unknown.length > 0)
    errors.push({ path: "body.competitor_ids", message: `no brand of this tenant: ${unknown.join(", ")}` });
  if (project.length === 0) errors.push({ path: "body.project_id", message: "no project of this tenant" });
  return errors;
}

export type BrandOutcome = { brand: Brand } | { errors: FieldError[] };

export async function createBrand(db: Database, tenantId: string, input: BrandInput): Promise<BrandOutcome> {
  const errors = await referenceErrors(db, tenantId, null, input);
  if (errors.length > 0) return { errors };
  const [brand] = await db
    .insert(brands)
    .values({ ...input, competitorIds: [...new Set(input.competitorIds)], tenantId })
    .returning();
  if (!brand) throw new Error("insert returned no brand");
  return { brand };
}

export const listBrands = (db: Database, tenantId: string, page: Page): Promise<Brand[]> =>
  listTenantRows(db, brands, tenantId, page);

export const findBrand = (db: Database, tenantId: string, id: string): Promise<Brand | null> =>
  findTenantRow(db, brands, tenantId, id);

/** Applies the given fields; null when the tenant has no such brand. */
export async function updateBrand(
  db: Database,
  tenantId: string,
  id: string,
  changes: Partial<BrandInput>,
): Promise<BrandOutcome | null> {
  const errors = await referenceErrors(db, tenantId, id, changes);
  const { competitorIds, ...rest } = changes;
  const brand =
    errors.length > 0
      ? await findTenantRow(db, brands, tenantId, id)
      : await updateTenantRow(db, brands, tenantId, id, {
          ...rest,
          ...(competitorIds ? { competitorIds: [...new Set(competitorIds)] } : {}),
        });
  if (!brand) return null;
  return errors.length > 0 ? { errors } : { brand };
}

/** Deletes a brand with its posts and analyses, and takes it off the other brands' competitors. */
export async function deleteBrand(db: Database, tenantId: string, id: string): Promise<boolean> {
  if (!(await deleteTenantRow(db, brands, tenantId, id))) return false;
  await db
    .update(brands)
    .set({ competitorIds: sql`array_remove(${brands.competitorIds}, ${id}::uuid)` })
    .where(tenantRows(brands, tenantId, sql`${id}::uuid = ANY(${brands.competitorIds})`));
  return true;
}
