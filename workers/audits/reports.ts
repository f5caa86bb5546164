import { and, asc, count, eq, gte, inArray, isNotNull, lte, sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { tenantRows } from "../db/tenant-rows.ts";
import { type Page, tenantPage } from "../http/pagination.ts";
import { projects } from "../projects/tables.ts";
import type { AuditResult, Severity } from "./result.ts";
import { type AuditStatus, audits } from "./tables.ts";

/** Reading models for the audit dashboards; every query filters by tenant (and runs under RLS). */

const since = (days: number) => new Date(Date.now() - days * 24 * 3600 * 1000);

export async function auditSummary(db: Database, tenantId: string, days: number) {
  const from = since(days);
  const [byStatus, byProject] = await Promise.all([
    db
      .select({ status: audits.status, total: count() })
      .from(audits)
      .where(tenantRows(audits, tenantId, gte(audits.createdAt, from)))
      .groupBy(audits.status),
    db
      .select({
        projectId: projects.id,
        name: projects.name,
        completed: count(audits.score),
        averageScore: sql<string | null>`round(avg(${audits.score}), 1)`,
      })
      .from(projects)
      .leftJoin(
        audits,
        and(eq(audits.projectId, projects.id), eq(audits.status, "completed"), gte(audits.finishedAt, from)),
      )
      .where(eq(projects.tenantId, tenantId))
      .groupBy(projects.id, projects.name)
      .orderBy(asc(projects.name))
      .limit(100),
  ]);
  const counts: Record<AuditStatus, number> = { queued: 0, running: 0, completed: 0, failed: 0 };
  for (const row of byStatus) counts[row.status] = row.total;
  return {
    counts,
    projects: byProject.map((row) => ({
      project_id: row.projectId,
      name: row.name,
      completed_audits: row.completed,
      average_score: row.averageScore === null ? null : Number(row.averageScore),
    })),
  };
}

export function auditHistory(db: Database, tenantId: string, projectId: string, page: Page) {
  return tenantPage(
    db.select().from(audits).$dynamic(),
    audits,
    tenantId,
    page,
    eq(audits.projectId, projectId),
  );
}

export function activeAudits(db: Database, tenantId: string, page: Page) {
  return tenantPage(
    db
      .select({ audit: audits, projectName: projects.name })
      .from(audits)
      .innerJoin(projects, eq(projects.id, audits.projectId))
      .$dynamic(),
    audits,
    tenantId,
    page,
    inArray(audits.status, ["queued", "running"]),
  ).then((rows) => rows.map((row) => ({ ...row.audit, projectName: row.projectName })));
}

/** Projects whose scheduled time has come but which the cron trigger has not queued yet. */
export function pendingProjects(db: Database, tenantId: string, page: Page) {
  return tenantPage(
    db.select().from(projects).$dynamic(),
    projects,
    tenantId,
    page,
    isNotNull(projects.nextAuditAt),
    lte(projects.nextAuditAt, new Date()),
  );
}

export async function auditPerformance(db: Database, tenantId: string, days: number) {
  const [row] = await db
    .select({
      finished: count(),
      completed: sql<number>`count(*) filter (where ${audits.status} = 'completed')::int`,
      p50: sql<
        number | null
      >`percentile_cont(0.5) within group (order by extract(epoch from ${audits.finishedAt} - ${audits.startedAt}) * 1000)`,
      p90: sql<
        number | null
      >`percentile_cont(0.9) within group (order by extract(epoch from ${audits.finishedAt} - ${audits.startedAt}) * 1000)`,
      p99: sql<
        number | null
      >`percentile_cont(0.99) within group (order by extract(epoch from ${audits.finishedAt} - ${audits.startedAt}) * 1000)`,
      pages: sql<number>`coalesce(sum(${audits.pagesDone}) filter (where ${audits.status} = 'completed'), 0)::int`,
      minutes: sql<number>`coalesce(sum(extract(epoch from ${audits.finishedAt} - ${audits.startedAt})) filter (where ${audits.status} = 'completed'), 0) / 60`,
    })
    .from(audits)
    .where(
      tenantRows(
        audits,
        tenantId,
        inArray(audits.status, ["completed", "failed"]),
        gte(audits.finishedAt, since(days)),
        isNotNull(audits.startedAt),
      ),
    );
  const finished = row?.finished ?? 0;
  const round = (value: number | null | undefined) =>
    value === null || value === undefined ? null : Math.round(Number(value));
  const minutes = Number(row?.minutes ?? 0);
  return {
    audits_finished: finished,
    success_rate: finished === 0 ? null : Number(((row?.completed ?? 0) / finished).toFixed(3)),
    duration_ms: { p50: round(row?.p50), p90: round(row?.p90), p99: round(row?.p99) },
    pages_per_minute: minutes > 0 ? Number(((row?.pages ?? 0) / minutes).toFixed(1)) : null,
  };
}

type LatestRow = {
  project_id: string;
  name: string;
  site_url: string;
  rank: number | null;
  audit_id: string | null;
  score: number | null;
  finished_at: string | Date | null;
  result: AuditResult | null;
};

/**
 * The overview: per project, the latest completed audit's score, its change since the one before,
 * and its failing checks by severity; across projects, the checks that fail on the most projects.
 */
export async function overview(db: Database, tenantId: string) {
  const { rows } = await db.execute<LatestRow>(sql`
    select p.id as project_id, p.name, p.site_url, ranked.rank, ranked.id as audit_id, ranked.score,
           ranked.finished_at, case when ranked.rank = 1 then ranked.result end as result
    from ${projects} p
    left join lateral (
      select a.id, a.score, a.finished_at, a.result,
             row_number() over (order by a.finished_at desc)::int as rank
      from ${audits} a
      where a.project_id = p.id and a.tenant_id = ${tenantId} and a.status = 'completed'
      order by a.finished_at desc
      limit 2
    ) ranked on true
    where p.tenant_id = ${tenantId}
    order by p.name, p.id, ranked.rank
    limit 200`);
  const byProject = new Map<string, LatestRow[]>();
  for (const row of rows) byProject.set(row.project_id, [...(byProject.get(row.project_id) ?? []), row]);
  const issues = new Map<string, { id: string; title: string; severity: Severity; projects: number }>();
  const projectsOut = [...byProject.values()].map((ranked) => {
    const [latest, previous] = ranked;
    const checks = latest?.result?.checks ?? [];
    const failing: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0 };
    for (const check of checks) {
      if (check.status !== "fail") continue;
      failing[check.severity]++;
      const issue = issues.get(check.id) ?? {
        id: check.id,
        title: check.title,
        severity: check.severity,
        projects: 0,
      };
      issue.projects++;
      issues.set(check.id, issue);
    }
    const score = latest?.score ?? null;
    const previousScore = previous?.score ?? null;
    return {
      project_id: latest?.project_id ?? "",
      name: latest?.name ?? "",
      site_url: latest?.site_url ?? "",
      latest_audit_id: latest?.audit_id ?? null,
      audited_at: latest?.finished_at ? new Date(latest.finished_at).toISOString() : null,
      score,
      score_change: score !== null && previousScore !== null ? score - previousScore : null,
      failing_checks: failing,
    };
  });
  const severityRank: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3 };
  const topIssues = [...issues.values()]
    .sort((a, b) => b.projects - a.projects || severityRank[a.severity] - severityRank[b.severity])
    .slice(0, 10);
  return { projects: projectsOut, top_issues: topIssues };
}
