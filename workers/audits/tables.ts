import { sql } from "drizzle-orm";
import { index, integer, jsonb, text, unique } from "drizzle-orm/pg-core";
import { at, ownerId, runTimes, timestamps } from "../db/columns.ts";
import { tenantTable } from "../identity/tables.ts";
import { projects } from "../projects/tables.ts";
import type { AuditResult } from "./result.ts";

export const AUDIT_STATUSES = ["queued", "running", "completed", "failed"] as const;
export type AuditStatus = (typeof AUDIT_STATUSES)[number];

export const AUDIT_TRIGGERS = ["manual", "scheduled"] as const;

/**
 * One audit of a project. (tenant_id, idempotency_key) makes a repeated POST return the first audit;
 * (project_id, scheduled_slot) makes overlapping cron runs create one audit per project and slot.
 */
export const audits = tenantTable(
  "audits",
  {
    projectId: ownerId("project_id", () => projects.id),
    status: text("status", { enum: AUDIT_STATUSES }).notNull().default("queued"),
    trigger: text("trigger", { enum: AUDIT_TRIGGERS }).notNull().default("manual"),
    idempotencyKey: text("idempotency_key"),
    scheduledSlot: at("scheduled_slot"),
    pagesPlanned: integer("pages_planned").notNull().default(0),
    pagesDone: integer("pages_done").notNull().default(0),
    attempts: integer("attempts").notNull().default(0),
    score: integer("score"),
    /** Checks, category scores, page metrics, summary and suggestions, once completed. */
    result: jsonb("result").$type<AuditResult>(),
    error: text("error"),
    ...runTimes(),
    ...timestamps(),
  },
  (table) => [
    index("audits_tenant_idx").on(table.tenantId, table.id),
    index("audits_project_idx").on(table.projectId, table.id),
    index("audits_active_idx")
      .on(table.tenantId, table.status)
      .where(sql`${table.status} IN ('queued', 'running')`),
    unique("audits_tenant_idempotency_key").on(table.tenantId, table.idempotencyKey),
    unique("audits_project_slot_key").on(table.projectId, table.scheduledSlot),
  ],
);
