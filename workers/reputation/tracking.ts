import { and, asc, eq, lte, ne, sql } from "drizzle-orm";
import type { Config } from "../config/config.ts";
import type { Database, DatabaseSession } from "../db/client.ts";
import { nextRunAfter } from "../projects/schedule-expression.ts";
import { projects } from "../projects/tables.ts";
import { lookupRanks, type RankLookup } from "./rank-lookup.ts";
import { normaliseDomain, normaliseKeyword } from "./ranked-host.ts";
import { rankTracking } from "./tables.ts";

/** Where tracked keywords are searched from: projects do not say, so Google's US English desktop results. */
export const TRACKING_LOCALE = { gl: "us", hl: "en", device: "desktop" } as const;

/** How many due projects one cron run takes on; the rest wait for the next tick. */
export const TRACKING_BATCH = 100;

type TrackedProject = { id: string; tenantId: string; siteUrl: string; keywords: string[] };

/** The lookup that tracks a project: its site's domain and its keywords; null when its site has no usable domain. */
export function trackingLookup(project: Pick<TrackedProject, "siteUrl" | "keywords">): RankLookup | null {
  const domain = normaliseDomain(project.siteUrl);
  if (domain === null) return null;
  return { domain, keywords: [...new Set(project.keywords.map(normaliseKeyword))], ...TRACKING_LOCALE };
}

/**
 * Finds the projects whose keywords are due to be looked up and moves each one's next check to the slot
 * after `now` on its schedule, in one transaction. A project with a schedule and keywords starts being
 * tracked at the first tick that sees it. `FOR UPDATE SKIP LOCKED` lets overlapping cron runs share the
 * work. Returns what to enqueue, once committed.
 */
export async function dueRankTracking(
  db: Database,
  now: Date,
): Promise<{ project_id: string; tenant_id: string }[]> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`
      insert into ${rankTracking} (project_id, tenant_id, next_check_at)
      select id, tenant_id, ${now.toISOString()}::timestamptz from ${projects}
      where schedule <> 'off' and cardinality(keywords) > 0
      on conflict (project_id) do nothing`);
    const due = await tx
      .select({
        projectId: rankTracking.projectId,
        tenantId: rankTracking.tenantId,
        schedule: projects.schedule,
      })
      .from(rankTracking)
      .innerJoin(projects, eq(projects.id, rankTracking.projectId))
      .where(and(lte(rankTracking.nextCheckAt, now), ne(projects.schedule, "off")))
      .orderBy(asc(rankTracking.nextCheckAt))
      .limit(TRACKING_BATCH)
      .for("update", { of: rankTracking, skipLocked: true });
    if (due.length === 0) return [];
    const next = due.map((row) => {
      // A schedule that no longer parses stops tracking until it is changed; a day later it is looked at again.
      const at = nextRunAfter(row.schedule, now) ?? new Date(now.getTime() + 86_400_000);
      return sql`(${row.projectId}::uuid, ${at.toISOString()}::timestamptz)`;
    });
    await tx.execute(sql`
      update ${rankTracking} set next_check_at = next.at
      from (values ${sql.join(next, sql`, `)}) as next(id, at)
      where ${rankTracking.projectId} = next.id`);
    return due.map((row) => ({ project_id: row.projectId, tenant_id: row.tenantId }));
  });
}

/** Looks up a tracked project's keywords (the answers go into its tenant's rank history) and notes when. */
export async function trackProjectRanks(
  session: DatabaseSession,
  config: Config,
  tenantId: string,
  projectId: string,
  now: Date,
): Promise<void> {
  const [project] = await session.db
    .select({ siteUrl: projects.siteUrl, keywords: projects.keywords })
    .from(projects)
    .where(and(eq(projects.id, projectId), eq(projects.tenantId, tenantId)))
    .limit(1);
  // Deleted since it was found due: its tracking row went with it.
  if (!project) return;
  const lookup = trackingLookup(project);
  if (lookup !== null) await lookupRanks(session, config, tenantId, lookup, now);
  await session.db
    .update(rankTracking)
    .set({ lastCheckAt: now })
    .where(and(eq(rankTracking.projectId, projectId), eq(rankTracking.tenantId, tenantId)));
}
