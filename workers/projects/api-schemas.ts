import { z } from "@hono/zod-openapi";
import { changesOf, fieldsOf, filterText, timestamp, timestampFields } from "../http/api-schemas.ts";
import type { Project } from "./projects.ts";
import { isValidSchedule } from "./schedule-expression.ts";

export const MAX_PAGES_LIMIT = 100;

// Whether the URL is a safe crawl target depends on configuration, so the route checks that part.
const SiteUrlSchema = z
  .url({ protocol: /^https?$/, message: "site_url must be an http or https URL" })
  .max(2048)
  .openapi({ example: "https://www.example.com/" });

const ScheduleSchema = z
  .string()
  .trim()
  .refine(isValidSchedule, "schedule must be off, daily, weekly, monthly or a 5-field cron expression")
  .openapi({
    example: "weekly",
    description: "off, daily, weekly, monthly, or a 5-field cron expression (UTC).",
  });

const KeywordsSchema = z
  .array(z.string().trim().min(1).max(100))
  .max(20)
  .openapi({ example: ["running shoes"], description: "Words the site should rank for." });

const projectFields = {
  name: z.string().trim().min(1).max(120),
  site_url: SiteUrlSchema,
  keywords: KeywordsSchema,
  schedule: ScheduleSchema,
  max_pages: z.number().int().min(1).max(MAX_PAGES_LIMIT),
};

export const ProjectCreateSchema = z
  .object({
    ...projectFields,
    keywords: projectFields.keywords.default([]),
    schedule: projectFields.schedule.default("off"),
    max_pages: projectFields.max_pages.default(10),
  })
  .openapi("ProjectCreate");

export const ProjectUpdateSchema = changesOf(
  z.object(projectFields),
  "send at least one field to change",
).openapi("ProjectUpdate");

export const ProjectListQuerySchema = z.object({
  name: filterText("Only projects whose name contains this text (case-insensitive).", 120),
});

export const ProjectSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    site_url: z.string(),
    keywords: z.array(z.string()),
    schedule: z.string(),
    max_pages: z.number().int(),
    last_audit_at: timestamp().nullable(),
    next_audit_at: timestamp().nullable(),
    ...timestampFields,
  })
  .openapi("Project");

export const renderProject = (project: Project) =>
  fieldsOf(
    project,
    "id",
    "name",
    "siteUrl",
    "keywords",
    "schedule",
    "maxPages",
    "lastAuditAt",
    "nextAuditAt",
    "createdAt",
    "updatedAt",
  );
