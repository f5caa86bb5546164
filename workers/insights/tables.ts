import { sql } from "drizzle-orm";
import { bigint, doublePrecision, index, integer, jsonb, text, unique, uuid } from "drizzle-orm/pg-core";
import { at, ownerId, runTimes, timestamps } from "../db/columns.ts";
import { tenantTable } from "../identity/tables.ts";
import { projects } from "../projects/tables.ts";
import type { AakerDimension } from "./language/lexicon.ts";

export const NETWORKS = ["instagram", "facebook", "tiktok", "x", "youtube", "linkedin"] as const;
export type Network = (typeof NETWORKS)[number];

export const POST_KINDS = ["post", "comment", "review", "mention"] as const;
export const SENTIMENT_LABELS = ["positive", "negative", "neutral"] as const;
export type SentimentLabel = (typeof SENTIMENT_LABELS)[number];

/** Aaker's five dimensions of brand personality, each 0–1. */
export type AakerProfile = Record<AakerDimension, number>;

export type BrandHandles = Partial<Record<Network, string>>;

/** A client brand whose social mentions a tenant analyses. Competitors are other brands of the tenant. */
export const brands = tenantTable(
  "brands",
  {
    projectId: uuid("project_id").references(() => projects.id, { onDelete: "set null" }),
    name: text("name").notNull(),
    handles: jsonb("handles").$type<BrandHandles>().notNull().default({}),
    keywords: text("keywords").array().notNull().default(sql`'{}'::text[]`),
    hashtags: text("hashtags").array().notNull().default(sql`'{}'::text[]`),
    languages: text("languages").array().notNull().default(sql`'{}'::text[]`),
    competitorIds: uuid("competitor_ids").array().notNull().default(sql`'{}'::uuid[]`),
    desiredProfile: jsonb("desired_profile").$type<AakerProfile>(),
    ...timestamps(),
  },
  (table) => [index("brands_tenant_idx").on(table.tenantId, table.id)],
);

/**
 * A post, comment, review or mention of a brand on a network. (brand, network, external_id) is unique, so
 * re-sending is an upsert. Metrics are columns (dashboards sum and sort them); sentiment, emotions and
 * topics come from the in-Worker language method at ingest (language.ts), so every reader shares them.
 */
export const posts = tenantTable(
  "posts",
  {
    brandId: ownerId("brand_id", () => brands.id),
    network: text("network", { enum: NETWORKS }).notNull(),
    externalId: text("external_id").notNull(),
    kind: text("kind", { enum: POST_KINDS }).notNull(),
    parentExternalId: text("parent_external_id"),
    /** Set once the parent is stored, whichever arrived first. */
    parentId: uuid("parent_id"),
    url: text("url"),
    authorHandle: text("author_handle"),
    authorName: text("author_name"),
    authorFollowers: bigint("author_followers", { mode: "number" }),
    text: text("text").notNull(),
    language: text("language"),
    publishedAt: at("published_at").notNull(),
    likes: bigint("likes", { mode: "number" }).notNull().default(0),
    comments: bigint("comments", { mode: "number" }).notNull().default(0),
    shares: bigint("shares", { mode: "number" }).notNull().default(0),
    views: bigint("views", { mode: "number" }).notNull().default(0),
    reach: bigint("reach", { mode: "number" }).notNull().default(0),
    sentimentLabel: text("sentiment_label", { enum: SENTIMENT_LABELS }),
    sentimentScore: doublePrecision("sentiment_score"),
    /** Which method labelled the sentiment, e.g. "lexicon-v1". */
    sentimentSource: text("sentiment_source"),
    emotions: text("emotions").array().notNull().default(sql`'{}'::text[]`),
    topics: text("topics").array().notNull().default(sql`'{}'::text[]`),
    ...timestamps(),
  },
  (table) => [
    unique("posts_brand_network_external_key").on(table.brandId, table.network, table.externalId),
    index("posts_tenant_idx").on(table.tenantId, table.id),
    index("posts_brand_published_idx").on(table.brandId, table.publishedAt),
    index("posts_orphans_idx")
      .on(table.brandId)
      .where(sql`${table.parentId} IS NULL AND ${table.parentExternalId} IS NOT NULL`),
  ],
);

export const ANALYSIS_MODULES = ["q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8", "q9", "q10"] as const;
export type AnalysisModule = (typeof ANALYSIS_MODULES)[number];

export const MODULE_STATUSES = ["queued", "running", "completed", "failed"] as const;
export type ModuleStatus = (typeof MODULE_STATUSES)[number];

/** One request to analyse a brand's posts over a window with some modules; each module is a result row. */
export const analyses = tenantTable(
  "analyses",
  {
    brandId: ownerId("brand_id", () => brands.id),
    windowFrom: at("window_from").notNull(),
    windowTo: at("window_to").notNull(),
    modules: text("modules").array().notNull(),
    /** Hash of the brand, window, modules and the posts used: the same input returns this analysis. */
    inputHash: text("input_hash").notNull(),
    ...timestamps(),
  },
  (table) => [
    index("analyses_tenant_idx").on(table.tenantId, table.id),
    index("analyses_input_idx").on(table.brandId, table.inputHash),
  ],
);

export type TokenUsage = { prompt: number; completion: number };

/** One module's run within an analysis: its status, result (valid against the module's schema) and cost. */
export const analysisResults = tenantTable(
  "analysis_results",
  {
    analysisId: ownerId("analysis_id", () => analyses.id),
    brandId: ownerId("brand_id", () => brands.id),
    module: text("module", { enum: ANALYSIS_MODULES }).notNull(),
    status: text("status", { enum: MODULE_STATUSES }).notNull().default("queued"),
    schemaVersion: integer("schema_version").notNull(),
    model: text("model"),
    source: text("source", { enum: ["openai", "fallback"] }),
    attempts: integer("attempts").notNull().default(0),
    promptTokens: integer("prompt_tokens").notNull().default(0),
    completionTokens: integer("completion_tokens").notNull().default(0),
    result: jsonb("result").$type<Record<string, unknown>>(),
    evidence: uuid("evidence").array().notNull().default(sql`'{}'::uuid[]`),
    /** The model's last answer and what was wrong with it, when the module failed validation. */
    rawAnswer: text("raw_answer"),
    errors: jsonb("errors").$type<string[]>(),
    sampleSize: integer("sample_size").notNull().default(0),
    postCount: integer("post_count").notNull().default(0),
    ...runTimes(),
    ...timestamps(),
  },
  (table) => [
    unique("analysis_results_module_key").on(table.analysisId, table.module),
    index("analysis_results_tenant_idx").on(table.tenantId, table.id),
    index("analysis_results_brand_module_idx").on(table.brandId, table.module, table.finishedAt),
  ],
);
