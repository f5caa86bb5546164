import { z } from "@hono/zod-openapi";
import { areaAccess } from "../../access/authorize.ts";
import type { Database } from "../../db/client.ts";
import { jsonResponse } from "../../http/openapi.ts";
import { ListQuerySchema, pageSchema, toPage } from "../../http/pagination.ts";
import { notFound } from "../../http/problem.ts";
import { RouteGroup, tenantRead } from "../../http/route-kit.ts";
import { findProject } from "../../projects/projects.ts";
import { renderRankMover } from "../../reputation/api-schemas.ts";
import { rankMovers } from "../../reputation/rank-history.ts";
import {
  AuditPerformanceSchema,
  AuditSummarySchema,
  HistoryItemSchema,
  OverviewSchema,
  PendingItemSchema,
  QueueItemSchema,
  renderHistoryItem,
  renderPendingItem,
  renderQueueItem,
  WindowQuerySchema,
} from "../api-schemas.ts";
import {
  activeAudits,
  auditHistory,
  auditPerformance,
  auditSummary,
  overview,
  pendingProjects,
} from "../reports.ts";

const { read: READ } = areaAccess("audits");

const routes = new RouteGroup("Audits", { module: "audits" });

/** `GET path?days=`: the tenant's figures over the last `days`, answered with the window they cover. */
function windowReport(
  report: { path: string; operationId: string; summary: string; schema: z.ZodType; description: string },
  figures: (db: Database, tenantId: string, days: number) => Promise<object>,
) {
  routes.add(
    {
      method: "get",
      path: report.path,
      operationId: report.operationId,
      summary: report.summary,
      access: READ,
      query: WindowQuerySchema,
      responses: { 200: jsonResponse(report.schema, report.description) },
    },
    async (c, { query: { days } }) => {
      const body = await tenantRead(c, (db, tenantId) => figures(db, tenantId, days));
      return c.json({ window_days: days, ...body }, 200);
    },
  );
}

windowReport(
  {
    path: "/api/v1/audits/summary",
    operationId: "getAuditSummary",
    summary: "Audit counts by status and average score per project over a window",
    schema: AuditSummarySchema,
    description: "The summary",
  },
  auditSummary,
);

routes.add(
  {
    method: "get",
    path: "/api/v1/audits/history",
    operationId: "listAuditHistory",
    summary: "A project's audits, oldest first, with their scores",
    access: READ,
    query: ListQuerySchema.extend({ project_id: z.uuid() }),
    responses: { 200: jsonResponse(pageSchema(HistoryItemSchema, "AuditHistoryPage"), "A page of audits") },
    problems: [404],
  },
  async (c, { query }) => {
    const rows = await tenantRead(c, async (db, tenantId) => {
      if (!(await findProject(db, tenantId, query.project_id))) return null;
      return auditHistory(db, tenantId, query.project_id, query);
    });
    if (!rows) throw notFound("project");
    return c.json(toPage(rows, query, renderHistoryItem), 200);
  },
);

const activeAudit = routes.resource("active audit", {
  path: "/api/v1/audits/queue",
  schema: QueueItemSchema,
  render: renderQueueItem,
  pageName: "AuditQueuePage",
  access: READ,
});

activeAudit.list({ summary: "Audits queued or running now" }, activeAudits);

const dueProject = routes.resource("due project", {
  path: "/api/v1/audits/pending",
  schema: PendingItemSchema,
  render: renderPendingItem,
  pageName: "PendingAuditPage",
  access: READ,
});

dueProject.list(
  { operationId: "listPendingAudits", summary: "Projects due by schedule whose audit is not queued yet" },
  pendingProjects,
);

windowReport(
  {
    path: "/api/v1/audits/performance",
    operationId: "getAuditPerformance",
    summary: "Audit duration percentiles, success rate and pages per minute over a window",
    schema: AuditPerformanceSchema,
    description: "The figures",
  },
  auditPerformance,
);

routes.add(
  {
    method: "get",
    path: "/api/v1/overview",
    operationId: "getOverview",
    summary: "Per-project KPIs from the latest audits, the top issues across projects, and the rank movers",
    access: READ,
    responses: { 200: jsonResponse(OverviewSchema, "The overview") },
  },
  async (c) => {
    const body = await tenantRead(c, async (db, tenantId) => ({
      ...(await overview(db, tenantId)),
      rank_movers: (await rankMovers(db, tenantId)).map(renderRankMover),
    }));
    return c.json(body, 200);
  },
);

export const registerAuditReportRoutes = routes.register;
