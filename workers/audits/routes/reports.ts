import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../http/app-env.ts";
import { AUTHENTICATED, jsonResponse } from "../../http/openapi.ts";
import { problemResponses } from "../../http/openapi-responses.ts";
import { ListQuerySchema, pageSchema, toPage } from "../../http/pagination.ts";
import { notFound } from "../../http/problem.ts";
import { authorize, principalOf } from "../../identity/authorize.ts";
import { findProject } from "../../projects/projects.ts";
import { AuditStatusSchema, renderAuditStatus } from "../api-schemas.ts";
import type { Audit } from "../audits.ts";
import {
  activeAudits,
  auditHistory,
  auditPerformance,
  auditSummary,
  overview,
  pendingProjects,
} from "../reports.ts";
import { CATEGORIES, SEVERITIES } from "../result.ts";

const TAGS = ["Audits"];
const READ = authorize({ role: "viewer", scope: "audits:read" });

const WindowQuerySchema = z.object({
  days: z.coerce
    .number()
    .int()
    .min(1)
    .max(365)
    .default(30)
    .openapi({ description: "Look back this many days." }),
});

const SeverityCountsSchema = z.object(
  Object.fromEntries(SEVERITIES.map((s) => [s, z.number().int()])) as Record<
    (typeof SEVERITIES)[number],
    z.ZodNumber
  >,
);

const SummarySchema = z
  .object({
    window_days: z.number().int(),
    counts: z.object({
      queued: z.number().int(),
      running: z.number().int(),
      completed: z.number().int(),
      failed: z.number().int(),
    }),
    projects: z.array(
      z.object({
        project_id: z.uuid(),
        name: z.string(),
        completed_audits: z.number().int(),
        average_score: z.number().nullable(),
      }),
    ),
  })
  .openapi("AuditSummary");

const HistoryItemSchema = AuditStatusSchema.extend({
  category_scores: z.record(z.enum(CATEGORIES), z.number().int()).nullable(),
}).openapi("AuditHistoryItem");

const QueueItemSchema = AuditStatusSchema.extend({ project_name: z.string() }).openapi("AuditQueueItem");

const PendingItemSchema = z
  .object({
    project_id: z.uuid(),
    name: z.string(),
    schedule: z.string(),
    next_audit_at: z.string().openapi({ format: "date-time" }),
  })
  .openapi("PendingAudit");

const PerformanceSchema = z
  .object({
    window_days: z.number().int(),
    audits_finished: z.number().int(),
    success_rate: z.number().nullable(),
    duration_ms: z.object({
      p50: z.number().nullable(),
      p90: z.number().nullable(),
      p99: z.number().nullable(),
    }),
    pages_per_minute: z.number().nullable(),
  })
  .openapi("AuditPerformance");

const OverviewSchema = z
  .object({
    projects: z.array(
      z.object({
        project_id: z.uuid(),
        name: z.string(),
        site_url: z.string(),
        latest_audit_id: z.uuid().nullable(),
        audited_at: z.string().nullable(),
        score: z.number().int().nullable(),
        score_change: z.number().int().nullable(),
        failing_checks: SeverityCountsSchema,
      }),
    ),
    top_issues: z.array(
      z.object({
        id: z.string(),
        title: z.string(),
        severity: z.enum(SEVERITIES),
        projects: z.number().int(),
      }),
    ),
  })
  .openapi("Overview");

const summaryRoute = createRoute({
  method: "get",
  path: "/api/v1/audits/summary",
  operationId: "getAuditSummary",
  tags: TAGS,
  summary: "Audit counts by status and average score per project over a window",
  security: AUTHENTICATED,
  middleware: [READ] as const,
  request: { query: WindowQuerySchema },
  responses: { 200: jsonResponse(SummarySchema, "The summary"), ...problemResponses(401, 403) },
});

const historyRoute = createRoute({
  method: "get",
  path: "/api/v1/audits/history",
  operationId: "listAuditHistory",
  tags: TAGS,
  summary: "A project's audits, oldest first, with their scores",
  security: AUTHENTICATED,
  middleware: [READ] as const,
  request: { query: ListQuerySchema.extend({ project_id: z.uuid() }) },
  responses: {
    200: jsonResponse(pageSchema(HistoryItemSchema, "AuditHistoryPage"), "A page of audits"),
    ...problemResponses(401, 403, 404),
  },
});

const queueRoute = createRoute({
  method: "get",
  path: "/api/v1/audits/queue",
  operationId: "listActiveAudits",
  tags: TAGS,
  summary: "Audits queued or running now",
  security: AUTHENTICATED,
  middleware: [READ] as const,
  request: { query: ListQuerySchema },
  responses: {
    200: jsonResponse(pageSchema(QueueItemSchema, "AuditQueuePage"), "A page of active audits"),
    ...problemResponses(401, 403),
  },
});

const pendingRoute = createRoute({
  method: "get",
  path: "/api/v1/audits/pending",
  operationId: "listPendingAudits",
  tags: TAGS,
  summary: "Projects due by schedule whose audit is not queued yet",
  security: AUTHENTICATED,
  middleware: [READ] as const,
  request: { query: ListQuerySchema },
  responses: {
    200: jsonResponse(pageSchema(PendingItemSchema, "PendingAuditPage"), "A page of due projects"),
    ...problemResponses(401, 403),
  },
});

const performanceRoute = createRoute({
  method: "get",
  path: "/api/v1/audits/performance",
  operationId: "getAuditPerformance",
  tags: TAGS,
  summary: "Audit duration percentiles, success rate and pages per minute over a window",
  security: AUTHENTICATED,
  middleware: [READ] as const,
  request: { query: WindowQuerySchema },
  responses: { 200: jsonResponse(PerformanceSchema, "The figures"), ...problemResponses(401, 403) },
});

const overviewRoute = createRoute({
  method: "get",
  path: "/api/v1/overview",
  operationId: "getOverview",
  tags: TAGS,
  summary: "Per-project KPIs from the latest audits and the top issues across projects",
  security: AUTHENTICATED,
  middleware: [READ] as const,
  responses: { 200: jsonResponse(OverviewSchema, "The overview"), ...problemResponses(401, 403) },
});

const renderHistoryItem = (audit: Audit) => ({
  ...renderAuditStatus(audit),
  category_scores: audit.result?.scores.categories ?? null,
});

export function registerAuditReportRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(summaryRoute, async (c) => {
    const { tenantId } = principalOf(c);
    const { days } = c.req.valid("query");
    const summary = await c
      .get("database")
      .tenant(tenantId, (db) => auditSummary(db, tenantId, days), { readOnly: true });
    return c.json({ window_days: days, ...summary }, 200);
  });

  app.openapi(historyRoute, async (c) => {
    const { tenantId } = principalOf(c);
    const query = c.req.valid("query");
    const rows = await c.get("database").tenant(
      tenantId,
      async (db) => {
        if (!(await findProject(db, tenantId, query.project_id))) return null;
        return auditHistory(db, tenantId, query.project_id, query);
      },
      { readOnly: true },
    );
    if (!rows) throw notFound("project");
    return c.json(toPage(rows, query, renderHistoryItem), 200);
  });

  app.openapi(queueRoute, async (c) => {
    const { tenantId } = principalOf(c);
    const query = c.req.valid("query");
    const rows = await c
      .get("database")
      .tenant(tenantId, (db) => activeAudits(db, tenantId, query), { readOnly: true });
    return c.json(
      toPage(rows, query, (row) => ({ ...renderAuditStatus(row), project_name: row.projectName })),
      200,
    );
  });

  app.openapi(pendingRoute, async (c) => {
    const { tenantId } = principalOf(c);
    const query = c.req.valid("query");
    const rows = await c
      .get("database")
      .tenant(tenantId, (db) => pendingProjects(db, tenantId, query), { readOnly: true });
    return c.json(
      toPage(rows, query, (project) => ({
        project_id: project.id,
        name: project.name,
        schedule: project.schedule,
        next_audit_at: project.nextAuditAt?.toISOString() ?? "",
      })),
      200,
    );
  });

  app.openapi(performanceRoute, async (c) => {
    const { tenantId } = principalOf(c);
    const { days } = c.req.valid("query");
    const figures = await c
      .get("database")
      .tenant(tenantId, (db) => auditPerformance(db, tenantId, days), { readOnly: true });
    return c.json({ window_days: days, ...figures }, 200);
  });

  app.openapi(overviewRoute, async (c) => {
    const { tenantId } = principalOf(c);
    const result = await c
      .get("database")
      .tenant(tenantId, (db) => overview(db, tenantId), { readOnly: true });
    return c.json(result, 200);
  });
}
