import {
  boolean,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { at, createdAt } from "../db/columns.ts";
import { tenantIsolation } from "../db/policies.ts";
import { tenantIdColumn, tenantTable } from "../identity/tables.ts";
import { projects } from "../projects/tables.ts";
import type { Device, OrganicResult } from "./serpapi-client.ts";

/** Google's country and language codes and the device a search is made for, which change its results. */
const searchSettings = () => ({
  gl: text("gl").notNull(),
  hl: text("hl").notNull(),
  device: text("device").$type<Device>().notNull(),
});

/**
 * SHARED BY ALL TENANTS, HOLDS NO TENANT DATA: Google result pages as SerpApi returned them, one row per
 * normalised query, gl, hl, device and page. Search results are public, so one tenant's lookup serves
 * every tenant's for 15 minutes; nothing here says who asked. That is why the table has no tenant_id and
 * no row-level security (test/worker/row-level-security.test.ts counts a table as a tenant's by its
 * tenant_id column). A row is also the claim that makes concurrent identical lookups one upstream call:
 * `fetching_until` is set by the one caller fetching the page, the others wait for `fetched_at`.
 */
export const serpResultPages = pgTable(
  "serp_result_pages",
  {
    query: text("query").notNull(),
    ...searchSettings(),
    /** 0-based: the page of `start = page × 10`. */
    page: integer("page").notNull(),
    results: jsonb("results").$type<OrganicResult[]>(),
    /** Google has no page after this one. */
    isLast: boolean("is_last").notNull().default(false),
    fetchedAt: at("fetched_at"),
    /** Someone is fetching the page until then; past it the claim is abandoned and may be taken. */
    fetchingUntil: at("fetching_until"),
    /** Names the latest claim, so the callers waiting on it learn whether it was the one that failed. */
    claim: uuid("claim"),
    failure: text("failure"),
  },
  (table) => [primaryKey({ columns: [table.query, table.gl, table.hl, table.device, table.page] })],
);

/**
 * A tenant's rank observations: each keyword's answer for a domain (from SerpApi or the shared cache),
 * kept as history and as the fallback when SerpApi cannot answer. One row per observation of the
 * cache: a repeated cached lookup adds nothing.
 */
export const rankChecks = tenantTable(
  "rank_checks",
  {
    domain: text("domain").notNull(),
    keyword: text("keyword").notNull(),
    ...searchSettings(),
    status: text("status", { enum: ["ranked", "not_found"] }).notNull(),
    position: integer("position"),
    url: text("url"),
    title: text("title"),
    pagesChecked: integer("pages_checked").notNull(),
    /** When the oldest result page the answer rests on was fetched from SerpApi. */
    fetchedAt: at("fetched_at").notNull(),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex("rank_checks_observation_key").on(
      table.tenantId,
      table.domain,
      table.keyword,
      table.gl,
      table.hl,
      table.device,
      table.fetchedAt,
    ),
  ],
);

/** SerpApi calls a tenant caused per UTC day, against RANKS_DAILY_UPSTREAM_CAP. */
export const rankUpstreamUsage = pgTable(
  "rank_upstream_usage",
  {
    tenantId: tenantIdColumn(),
    day: date("day", { mode: "string" }).notNull(),
    calls: integer("calls").notNull().default(0),
  },
  (table) => [primaryKey({ columns: [table.tenantId, table.day] }), tenantIsolation()],
);

/** When a project's keywords are next looked up, on the project's schedule (system work: the cron finds them). */
export const rankTracking = pgTable(
  "rank_tracking",
  {
    projectId: uuid("project_id")
      .primaryKey()
      .references(() => projects.id, { onDelete: "cascade" }),
    tenantId: tenantIdColumn(),
    nextCheckAt: at("next_check_at").notNull(),
    lastCheckAt: at("last_check_at"),
  },
  (table) => [index("rank_tracking_next_check_idx").on(table.nextCheckAt), tenantIsolation()],
);
