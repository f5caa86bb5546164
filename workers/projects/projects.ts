import { ilike } from "drizzle-orm";
import type { Database, HttpDatabase } from "../db/client.ts";
import { deleteTenantRow, findTenantRow, updateTenantRow } from "../db/tenant-rows.ts";
import { listTenantRows, type Page } from "../http/pagination.ts";
import { nextRunAfter } from "./schedule-expression.ts";
import { projects } from "./tables.ts";

export type Project = typeof projects.$inferSelect;

export type ProjectInput = {
  name: string;
  siteUrl: string;
  keywords: string[];
  schedule: string;
  maxPages: number;
};

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (char) => `\\${char}`);

/** The insert of a new project as one query, for `DatabaseSession.tenantQuery()`: one round trip. */
export function insertProject(db: HttpDatabase, tenantId: string, input: ProjectInput) {
  return db
    .insert(projects)
    .values({ ...input, tenantId, nextAuditAt: nextRunAfter(input.schedule, new Date()) })
    .returning();
}

export function listProjects(
  db: Database,
  tenantId: string,
  page: Page & { name?: string | undefined },
): Promise<Project[]> {
  return listTenantRows(
    db,
    projects,
    tenantId,
    page,
    page.name ? ilike(projects.name, `%${escapeLike(page.name)}%`) : undefined,
  );
}

export const findProject = (db: Database, tenantId: string, id: string): Promise<Project | null> =>
  findTenantRow(db, projects, tenantId, id);

/** Applies the given fields; a new schedule moves next_audit_at to its next slot from now. */
export const updateProject = (db: Database, tenantId: string, id: string, changes: Partial<ProjectInput>) =>
  updateTenantRow(db, projects, tenantId, id, {
    ...changes,
    ...(changes.schedule === undefined ? {} : { nextAuditAt: nextRunAfter(changes.schedule, new Date()) }),
  });

export async function deleteProject(db: Database, tenantId: string, id: string): Promise<boolean> {
  return deleteTenantRow(db, projects, tenantId, id);
}
