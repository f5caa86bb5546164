import { sql } from "drizzle-orm";
import { index, integer, text } from "drizzle-orm/pg-core";
import { at, timestamps } from "../db/columns.ts";
import { tenantTable } from "../identity/tables.ts";

/** A website a tenant audits, on demand and on its schedule. */
export const projects = tenantTable(
  "projects",
  {
    name: text("name").notNull(),
    siteUrl: text("site_url").notNull(),
    keywords: text("keywords").array().notNull().default(sql`'{}'::text[]`),
    /** off, daily, weekly, monthly, or a 5-field cron expression (UTC). */
    schedule: text("schedule").notNull().default("off"),
    maxPages: integer("max_pages").notNull().default(10),
    lastAuditAt: at("last_audit_at"),
    /** Null when the schedule is off; the cron trigger audits projects whose time has come. */
    nextAuditAt: at("next_audit_at"),
    ...timestamps(),
  },
  (table) => [
    index("projects_tenant_idx").on(table.tenantId, table.id),
    index("projects_next_audit_idx").on(table.nextAuditAt).where(sql`${table.nextAuditAt} IS NOT NULL`),
  ],
);
