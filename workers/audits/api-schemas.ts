import { z } from "@hono/zod-openapi";
import { countsOf, fieldsOf, timestamp } from "../http/api-schemas.ts";
import type { Project } from "../projects/projects.ts";
import { RankMoverSchema } from "../reputation/api-schemas.ts";
import type { Audit } from "./audits.ts";
import { CATEGORIES, CHECK_STATUSES, SEVERITIES } from "./result.ts";
import { AUDIT_STATUSES, AUDIT_TRIGGERS } from "./tables.ts";

export const AuditCreateSchema = z.object({ project_id: z.uuid() }).openapi("AuditCreate");

export const IdempotencyHeaderSchema = z.object({
  "idempotency-key": z
    .string()
    .min(1)
    .max(255)
    .optional()
    .openapi({ description: "Repeating a request with the same key returns the audit it first created." }),
});

export const AuditStatusSchema = z
  .object({
    id: z.uuid(),
    project_id: z.uuid(),
    status: z.enum(AUDIT_STATUSES),
    trigger: z.enum(AUDIT_TRIGGERS),
    progress: z.object({ pages_done: z.number().int(), pages_planned: z.number().int() }),
    score: z.number().int().nullable(),
    error: z.string().nullable(),
    created_at: timestamp(),
    started_at: timestamp().nullable(),
    finished_at: timestamp().nullable(),
  })
  .openapi("AuditStatus");

export const renderAuditStatus = (audit: Audit) => ({
  ...fieldsOf(audit, "id", "projectId", "status", "trigger"),
  progress: { pages_done: audit.pagesDone, pages_planned: audit.pagesPlanned },
  score: audit.score,
  error: audit.status === "failed" ? audit.error : null,
  ...fieldsOf(audit, "createdAt", "startedAt", "finishedAt"),
});

const CheckSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    category: z.enum(CATEGORIES),
    severity: z.enum(SEVERITIES),
    status: z.enum(CHECK_STATUSES),
    evidence: z.array(z.string()),
  })
  .openapi("AuditCheck");

export const AuditResultSchema = z
  .object({
    id: z.uuid(),
    project_id: z.uuid(),
    finished_at: timestamp(),
    scores: z.object({
      overall: z.number().int(),
      categories: z.record(z.enum(CATEGORIES), z.number().int()),
    }),
    checks: z.array(CheckSchema),
    pages: z.array(
      z.object({
        url: z.string(),
        status: z.number().int().nullable(),
        ttfb_ms: z.number().int().nullable(),
        bytes: z.number().int(),
        redirects: z.number().int(),
        title: z.string().nullable(),
        error: z.string().nullable(),
      }),
    ),
    summary: z.string(),
    suggestions: z.array(
      z.object({
        priority: z.number().int(),
        title: z.string(),
        detail: z.string(),
        check_ids: z.array(z.string()),
      }),
    ),
    summary_source: z.enum(["openai", "fallback"]).openapi({
      description: "openai when the model wrote the summary; fallback when it was built from the checks.",
    }),
  })
  .openapi("AuditResult");

export const WindowQuerySchema = z.object({
  days: z.coerce
    .number()
    .int()
    .min(1)
    .max(365)
    .default(30)
    .openapi({ description: "Look back this many days." }),
});

export const AuditSummarySchema = z
  .object({
    window_days: z.number().int(),
    counts: countsOf(AUDIT_STATUSES),
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

export const HistoryItemSchema = AuditStatusSchema.extend({
  category_scores: z.record(z.enum(CATEGORIES), z.number().int()).nullable(),
}).openapi("AuditHistoryItem");

export const QueueItemSchema = AuditStatusSchema.extend({ project_name: z.string() }).openapi(
  "AuditQueueItem",
);

export const PendingItemSchema = z
  .object({
    project_id: z.uuid(),
    name: z.string(),
    schedule: z.string(),
    next_audit_at: z.string().openapi({ format: "date-time" }),
  })
  .openapi("PendingAudit");

export const AuditPerformanceSchema = z
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

export const OverviewSchema = z
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
        failing_checks: countsOf(SEVERITIES),
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
    rank_movers: z.array(RankMoverSchema),
  })
  .openapi("Overview");

export const renderHistoryItem = (audit: Audit) => ({
  ...renderAuditStatus(audit),
  category_scores: audit.result?.scores.categories ?? null,
});

export const renderQueueItem = (audit: Audit & { projectName: string }) => ({
  ...renderAuditStatus(audit),
  project_name: audit.projectName,
});

export const renderPendingItem = (project: Project) => ({
  project_id: project.id,
  name: project.name,
  schedule: project.schedule,
  next_audit_at: project.nextAuditAt?.toISOString() ?? "",
});
