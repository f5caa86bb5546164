import { z } from "@hono/zod-openapi";
import {
  changesOf,
  filterText,
  isoOrNull,
  pathParam,
  timestamp,
  timestampFields,
} from "../http/api-schemas.ts";
import type { AnalysisResult, AnalysisWithResults } from "./analyses.ts";
import { MODULES } from "./analysis/modules.ts";
import type { Brand } from "./brands.ts";
import { EMOTIONS, type Emotion, TOPICS, type Topic } from "./language/lexicon.ts";
import { MAX_BATCH, MAX_LISTED_ERRORS, type Post } from "./posts.ts";
import { ANALYSIS_MODULES, MODULE_STATUSES, NETWORKS, POST_KINDS, SENTIMENT_LABELS } from "./tables.ts";

const unit = z.number().min(0).max(1);

export const AakerProfileSchema = z
  .object({
    sincerity: unit,
    excitement: unit,
    competence: unit,
    sophistication: unit,
    ruggedness: unit,
  })
  .openapi("AakerProfile", {
    description: "Aaker's five dimensions of brand personality, each from 0 to 1.",
  });

const HandleSchema = z.string().trim().min(1).max(100);

const HandlesSchema = z
  .object(Object.fromEntries(NETWORKS.map((network) => [network, HandleSchema.optional()])))
  .strict()
  .openapi({ description: "The brand's own handle on each network.", example: { instagram: "@acme" } });

const WordsSchema = (description: string) =>
  z.array(z.string().trim().min(1).max(100)).max(50).openapi({ description });

const LanguagesSchema = z
  .array(z.string().regex(/^[a-z]{2}$/, "a two-letter ISO 639-1 code"))
  .max(10)
  .openapi({ example: ["es", "en"] });

const brandFields = {
  name: z.string().trim().min(1).max(120),
  project_id: z.uuid().nullable().openapi({ description: "The project of the brand's website, if any." }),
  handles: HandlesSchema,
  keywords: WordsSchema("Words that mark a mention of the brand."),
  hashtags: WordsSchema("Hashtags of the brand, with or without #."),
  languages: LanguagesSchema,
  competitor_ids: z
    .array(z.uuid())
    .max(20)
    .openapi({ description: "Other brands of the tenant that this brand competes with." }),
  desired_profile: AakerProfileSchema.nullable().openapi({
    description: "The personality the brand wants to have; Q2 measures the gap to it.",
  }),
};

export const BrandCreateSchema = z
  .object({
    ...brandFields,
    project_id: brandFields.project_id.default(null),
    handles: HandlesSchema.default({}),
    keywords: brandFields.keywords.default([]),
    hashtags: brandFields.hashtags.default([]),
    languages: LanguagesSchema.default([]),
    competitor_ids: brandFields.competitor_ids.default([]),
    desired_profile: brandFields.desired_profile.default(null),
  })
  .openapi("BrandCreate");

export const BrandUpdateSchema = changesOf(z.object(brandFields)).openapi("BrandUpdate");

export const BrandSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    project_id: z.uuid().nullable(),
    handles: z.record(z.string(), z.string()),
    keywords: z.array(z.string()),
    hashtags: z.array(z.string()),
    languages: z.array(z.string()),
    competitor_ids: z.array(z.uuid()),
    desired_profile: AakerProfileSchema.nullable(),
    ...timestampFields,
  })
  .openapi("Brand");

export const renderBrand = (brand: Brand) => ({
  id: brand.id,
  name: brand.name,
  project_id: brand.projectId,
  handles: brand.handles as Record<string, string>,
  keywords: brand.keywords,
  hashtags: brand.hashtags,
  languages: brand.languages,
  competitor_ids: brand.competitorIds,
  desired_profile: brand.desiredProfile,
  created_at: brand.createdAt.toISOString(),
  updated_at: brand.updatedAt.toISOString(),
});

export const PostSchema = z
  .object({
    id: z.uuid(),
    brand_id: z.uuid(),
    network: z.enum(NETWORKS),
    external_id: z.string(),
    kind: z.enum(POST_KINDS),
    parent_external_id: z.string().nullable(),
    parent_id: z.uuid().nullable().openapi({ description: "The stored parent post, once it has arrived." }),
    url: z.string().nullable(),
    author: z.object({
      handle: z.string().nullable(),
      name: z.string().nullable(),
      followers: z.number().int().nullable(),
    }),
    text: z.string(),
    language: z.string().nullable(),
    published_at: timestamp(),
    metrics: z.object({
      likes: z.number().int(),
      comments: z.number().int(),
      shares: z.number().int(),
      views: z.number().int(),
      reach: z.number().int(),
    }),
    sentiment: z
      .object({
        label: z.enum(SENTIMENT_LABELS),
        score: z.number().openapi({ description: "From −1 (negative) to 1 (positive)." }),
        source: z.string().openapi({ description: "The method that labelled it, e.g. lexicon-v1." }),
      })
      .nullable(),
    emotions: z.array(z.enum(EMOTIONS)),
    topics: z.array(z.enum(TOPICS)),
    ...timestampFields,
  })
  .openapi("Post");

export const renderPost = (post: Post) => ({
  id: post.id,
  brand_id: post.brandId,
  network: post.network,
  external_id: post.externalId,
  kind: post.kind,
  parent_external_id: post.parentExternalId,
  parent_id: post.parentId,
  url: post.url,
  author: { handle: post.authorHandle, name: post.authorName, followers: post.authorFollowers },
  text: post.text,
  language: post.language,
  published_at: post.publishedAt.toISOString(),
  metrics: {
    likes: post.likes,
    comments: post.comments,
    shares: post.shares,
    views: post.views,
    reach: post.reach,
  },
  sentiment:
    post.sentimentLabel === null || post.sentimentScore === null || post.sentimentSource === null
      ? null
      : { label: post.sentimentLabel, score: post.sentimentScore, source: post.sentimentSource },
  emotions: post.emotions as Emotion[],
  topics: post.topics as Topic[],
  created_at: post.createdAt.toISOString(),
  updated_at: post.updatedAt.toISOString(),
});

export const PostBatchSchema = z
  .object({
    posts: z
      .array(
        z.looseObject({}).openapi({
          description: "A `PostInput` (see the document's schemas); each item is validated on its own.",
        }),
      )
      .min(1)
      .max(MAX_BATCH),
  })
  .openapi("PostBatch", {
    description: `Up to ${MAX_BATCH} posts or comments, each a \`PostInput\`. Items are validated one by one: a bad item is listed in the answer's errors by its index, the others are stored.`,
  });

export const IngestOutcomeSchema = z
  .object({
    created: z.number().int(),
    updated: z.number().int(),
    duplicates: z.number().int().openapi({
      description:
        "Items whose network and external_id came again later in the same batch; the later one is stored.",
    }),
    rejected: z.number().int(),
    errors: z
      .array(
        z.object({
          index: z
            .number()
            .int()
            .openapi({ description: "The item's array index, or its 0-based NDJSON line." }),
          errors: z.array(z.object({ path: z.string(), message: z.string() })),
        }),
      )
      .openapi({ description: `The rejected items, the first ${MAX_LISTED_ERRORS} of them.` }),
  })
  .openapi("IngestOutcome");

const DateTimeQuery = z.iso.datetime({ offset: true });

/** The filters every list of posts takes (insights' posts, reputation's mentions): author and when. */
export const PostFilterFields = {
  author: filterText("An author handle (any case)."),
  from: DateTimeQuery.optional().openapi({ description: "Published at or after." }),
  to: DateTimeQuery.optional().openapi({ description: "Published before." }),
};

export const PostListQuerySchema = z.object({
  network: z.enum(NETWORKS).optional(),
  kind: z.enum(POST_KINDS).optional(),
  ...PostFilterFields,
  q: filterText("Text containing this (any case)."),
});

export const MAX_WINDOW_DAYS = 731;

const ModuleSchema = z.enum(ANALYSIS_MODULES).openapi({ description: "q1 … q10" });

const WindowFields = {
  from: z.iso
    .datetime({ offset: true })
    .openapi({ description: "Posts published at or after this instant." }),
  to: z.iso.datetime({ offset: true }).openapi({ description: "Posts published before this instant." }),
};

const windowRefinement = <T extends { from: string; to: string }>(body: T, ctx: z.RefinementCtx) => {
  const span = Date.parse(body.to) - Date.parse(body.from);
  if (span <= 0) ctx.addIssue({ code: "custom", path: ["to"], message: "to must be after from" });
  if (span > MAX_WINDOW_DAYS * 86_400_000)
    ctx.addIssue({ code: "custom", path: ["to"], message: `a window spans at most ${MAX_WINDOW_DAYS} days` });
};

export const AnalysisCreateSchema = z
  .object({
    modules: z
      .array(ModuleSchema)
      .min(1)
      .max(ANALYSIS_MODULES.length)
      .default([...ANALYSIS_MODULES]),
    ...WindowFields,
    force: z.boolean().default(false).openapi({
      description:
        "Run again even when an analysis of the same input (brand, window, modules, posts) exists.",
    }),
  })
  .superRefine(windowRefinement)
  .openapi("AnalysisCreate");

export const AnalyzeModuleSchema = z
  .object({
    brand_id: z.uuid(),
    ...WindowFields,
    force: z.boolean().default(false),
  })
  .superRefine(windowRefinement)
  .openapi("AnalyzeModule");

export const ModuleParamSchema = pathParam("module", ModuleSchema, "q7");

export const ModuleResultSchema = z
  .object({
    id: z.uuid(),
    analysis_id: z.uuid(),
    module: ModuleSchema,
    title: z.string(),
    status: z.enum(MODULE_STATUSES),
    schema_version: z.number().int(),
    model: z.string().nullable(),
    source: z.enum(["openai", "fallback"]).nullable(),
    attempts: z
      .number()
      .int()
      .openapi({ description: "Calls made to the model (0 for a fallback without one)." }),
    tokens: z.object({ prompt: z.number().int(), completion: z.number().int() }),
    result: z
      .object({ computed: z.record(z.string(), z.unknown()), analysis: z.record(z.string(), z.unknown()) })
      .nullable()
      .openapi({
        description:
          "`computed`: exact figures from the stored posts; `analysis`: the module's answer, valid against its versioned schema (docs/insights.md).",
      }),
    evidence: z.array(z.uuid()).openapi({ description: "Ids of the posts the result cites." }),
    raw_answer: z
      .string()
      .nullable()
      .openapi({ description: "The model's last answer, when it never validated." }),
    errors: z.array(z.string()).nullable(),
    sample_size: z.number().int(),
    post_count: z.number().int(),
    window: z.object({ from: timestamp(), to: timestamp() }).optional(),
    started_at: timestamp().nullable(),
    finished_at: timestamp().nullable(),
  })
  .openapi("ModuleResult");

export const renderModuleResult = (row: AnalysisResult) => ({
  id: row.id,
  analysis_id: row.analysisId,
  module: row.module,
  title: MODULES[row.module].title,
  status: row.status,
  schema_version: row.schemaVersion,
  model: row.model,
  source: row.source,
  attempts: row.attempts,
  tokens: { prompt: row.promptTokens, completion: row.completionTokens },
  result:
    (row.result as { computed: Record<string, unknown>; analysis: Record<string, unknown> } | null) ?? null,
  evidence: row.evidence,
  raw_answer: row.rawAnswer,
  errors: row.errors,
  sample_size: row.sampleSize,
  post_count: row.postCount,
  started_at: isoOrNull(row.startedAt),
  finished_at: isoOrNull(row.finishedAt),
});

export const AnalysisSchema = z
  .object({
    id: z.uuid(),
    brand_id: z.uuid(),
    window: z.object({ from: timestamp(), to: timestamp() }),
    status: z.enum(MODULE_STATUSES).openapi({
      description:
        "queued until a module starts; completed or failed once every module is (failed if any is).",
    }),
    reused: z.boolean().openapi({ description: "True when this is the stored analysis of the same input." }),
    modules: z.array(ModuleResultSchema),
    created_at: timestamp(),
  })
  .openapi("Analysis");

function overallStatus(results: AnalysisResult[]): (typeof MODULE_STATUSES)[number] {
  const statuses = new Set(results.map((result) => result.status));
  if (statuses.has("running") || (statuses.has("queued") && statuses.size > 1)) return "running";
  if (statuses.has("queued")) return "queued";
  return statuses.has("failed") ? "failed" : "completed";
}

export const renderAnalysis = ({ analysis, results }: AnalysisWithResults, reused = false) => ({
  id: analysis.id,
  brand_id: analysis.brandId,
  window: { from: analysis.windowFrom.toISOString(), to: analysis.windowTo.toISOString() },
  status: overallStatus(results),
  reused,
  modules: results.map(renderModuleResult),
  created_at: analysis.createdAt.toISOString(),
});

export const InsightsSchema = z
  .object(Object.fromEntries(ANALYSIS_MODULES.map((module) => [module, ModuleResultSchema.nullable()])))
  .openapi("Insights", {
    description: "The latest completed result of each module, null for one never run.",
  });

export const HistoryQuerySchema = z.object({ module: ModuleSchema.optional() });
