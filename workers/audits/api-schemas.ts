import { z } from "@hono/zod-openapi";
import type { Audit } from "./audits.ts";
import { CATEGORIES, CHECK_STATUSES, SEVERITIES } from "./result.ts";
import { AUDIT_STATUSES, AUDIT_TRIGGERS } from "./tables.ts";

const timestamp = () => z.string().openapi({ format: "date-time", example: "2026-11-22T12:00:00.000Z" });
const isoOrNull = (date: Date | null) => date?.toISOString() ?? null;

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
  id: audit.id,
  project_id: audit.projectId,
  status: audit.status,
  trigger: audit.trigger,
  progress: { pages_done: audit.pagesDone, pages_planned: audit.pagesPlanned },
  score: audit.score,
  error: audit.status === "failed" ? audit.error : null,
  created_at: audit.createdAt.toISOString(),
  started_at: isoOrNull(audit.startedAt),
  finished_at: isoOrNull(audit.finishedAt),
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
