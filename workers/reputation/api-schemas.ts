import { z } from "@hono/zod-openapi";
import { isoOrNull, timestamp } from "../http/api-schemas.ts";
import {
  HISTORY_PER_KEYWORD,
  MOVERS_LIMIT,
  type Observation,
  type ProjectRanks,
  type RankMover,
} from "./rank-history.ts";
import type { RankAnswer, RankLookup } from "./rank-lookup.ts";
import { DEVICES } from "./serpapi-client.ts";
import { TRACKING_LOCALE } from "./tracking.ts";

export const MAX_KEYWORDS = 20;

const KeywordSchema = z.string().trim().min(1).max(100);

export const RanksQuerySchema = z.object({
  domain: z.string().trim().min(1).max(253).optional().openapi({
    example: "example.com",
    description:
      "The site's host name (or a URL of it). Results on this host or any subdomain of it count, after a leading `www.` is dropped: `example.com` matches `www.example.com` and `shop.example.com`, not `notexample.com`. Required with `kw`; not with `project_id`.",
  }),
  kw: z
    .union([KeywordSchema, z.array(KeywordSchema).max(MAX_KEYWORDS)])
    .optional()
    .openapi({
      description: `A keyword to look up; repeat the parameter for more (at most ${MAX_KEYWORDS}). Compared in lower case with single spaces.`,
      example: "running shoes",
    }),
  project_id: z.uuid().optional().openapi({
    description: "Look up the project's keywords for its site instead of `domain` and `kw`.",
  }),
  gl: z
    .string()
    .regex(/^[a-zA-Z]{2}$/, "gl must be a two-letter country code")
    .default("us")
    .openapi({ description: "Google's country (`gl`)." }),
  hl: z
    .string()
    .regex(/^[a-zA-Z]{2,3}(-[a-zA-Z]{2,4})?$/, "hl must be a language code such as en or pt-br")
    .default("en")
    .openapi({ description: "Google's interface language (`hl`)." }),
  device: z.enum(DEVICES).default("desktop"),
});

export const UpstreamUsageSchema = z
  .object({
    daily_cap: z.number().int(),
    used_today: z.number().int(),
    remaining_today: z.number().int(),
  })
  .openapi("RankUpstreamUsage", {
    description:
      "SerpApi calls this tenant caused today (UTC) against its daily cap (RANKS_DAILY_UPSTREAM_CAP). Cache hits cost nothing; past the cap, keywords are answered from the fallback.",
  });

export const KeywordRankSchema = z
  .object({
    keyword: z.string(),
    status: z.enum(["ranked", "not_found", "error"]),
    position: z.number().int().min(1).nullable().openapi({
      description: "1-based position among all results (page 3's first result is 21); null unless ranked.",
    }),
    url: z.string().nullable(),
    title: z.string().nullable(),
    pages_checked: z.number().int().min(0).max(10),
    fetched_at: timestamp()
      .nullable()
      .openapi({ description: "When the oldest result page behind the answer was fetched from SerpApi." }),
    age_seconds: z.number().int().nullable(),
    source: z.enum(["serpapi", "cache", "fallback"]).openapi({
      description:
        "`serpapi`: fetched for this request; `cache`: result pages fetched within the last 15 minutes (shared by all tenants); `fallback`: SerpApi could not answer, so this is the last position stored for the tenant (or `status: error` when there is none).",
    }),
    reason: z.string().nullable().openapi({ description: "Why SerpApi gave no answer, for a fallback." }),
  })
  .openapi("KeywordRank");

export const RanksSchema = z
  .object({
    domain: z.string(),
    gl: z.string(),
    hl: z.string(),
    device: z.enum(DEVICES),
    results: z.array(KeywordRankSchema),
    upstream_calls: UpstreamUsageSchema,
  })
  .openapi("Ranks");

export const renderUsage = (upstream: RankAnswer["upstream"]) => ({
  daily_cap: upstream.dailyCap,
  used_today: upstream.usedToday,
  remaining_today: upstream.remainingToday,
});

export const renderRanks = (lookup: RankLookup, answer: RankAnswer, now: Date) => ({
  domain: lookup.domain,
  gl: lookup.gl,
  hl: lookup.hl,
  device: lookup.device,
  results: answer.results.map((rank) => ({
    keyword: rank.keyword,
    status: rank.status,
    position: rank.position,
    url: rank.url,
    title: rank.title,
    pages_checked: rank.pagesChecked,
    fetched_at: isoOrNull(rank.fetchedAt),
    age_seconds: rank.fetchedAt
      ? Math.max(0, Math.floor((now.getTime() - rank.fetchedAt.getTime()) / 1000))
      : null,
    source: rank.source,
    reason: rank.reason,
  })),
  upstream_calls: renderUsage(answer.upstream),
});

const ObservationSchema = z
  .object({
    status: z.enum(["ranked", "not_found"]),
    position: z.number().int().min(1).nullable(),
    url: z.string().nullable(),
    fetched_at: timestamp(),
  })
  .openapi("RankObservation");

export const ProjectRanksSchema = z
  .object({
    project_id: z.uuid(),
    domain: z.string().nullable(),
    gl: z.string(),
    hl: z.string(),
    device: z.enum(DEVICES),
    last_check_at: timestamp().nullable(),
    next_check_at: timestamp().nullable(),
    keywords: z.array(
      z.object({
        keyword: z.string(),
        latest: ObservationSchema.nullable(),
        change: z.number().int().nullable().openapi({
          description:
            "Positions gained since the lookup before (from 8 to 3 is 5, from 3 to 8 is −5); null unless ranked both times.",
        }),
        movement: z.enum(["up", "down", "same", "entered", "dropped"]).nullable().openapi({
          description:
            "`entered` or `dropped`: into or out of the first 100 results; null before the second lookup.",
        }),
        history: z
          .array(ObservationSchema)
          .openapi({ description: `The latest ${HISTORY_PER_KEYWORD} lookups, newest first.` }),
      }),
    ),
  })
  .openapi("ProjectRanks");

const renderObservation = (observation: Observation) => ({
  status: observation.status,
  position: observation.position,
  url: observation.url,
  fetched_at: observation.fetchedAt.toISOString(),
});

export const renderProjectRanks = (projectId: string, ranks: ProjectRanks) => ({
  project_id: projectId,
  domain: ranks.domain,
  ...TRACKING_LOCALE,
  last_check_at: isoOrNull(ranks.lastCheckAt),
  next_check_at: isoOrNull(ranks.nextCheckAt),
  keywords: ranks.keywords.map((keyword) => ({
    keyword: keyword.keyword,
    latest: keyword.history[0] ? renderObservation(keyword.history[0]) : null,
    change: keyword.change,
    movement: keyword.movement,
    history: keyword.history.map(renderObservation),
  })),
});

export const RankMoverSchema = z
  .object({
    project_id: z.uuid(),
    project_name: z.string(),
    keyword: z.string(),
    position: z.number().int().min(1).nullable(),
    previous_position: z.number().int().min(1).nullable(),
    change: z.number().int().nullable(),
    movement: z.enum(["up", "down", "entered", "dropped"]),
    fetched_at: timestamp(),
  })
  .openapi("RankMover", {
    description: `A tracked keyword that moved between its two latest lookups; at most ${MOVERS_LIMIT}, the biggest moves first (entering or dropping out of the first 100 counts as the biggest).`,
  });

export const renderRankMover = (mover: RankMover) => ({
  project_id: mover.projectId,
  project_name: mover.projectName,
  keyword: mover.keyword,
  position: mover.position,
  previous_position: mover.previousPosition,
  change: mover.change,
  movement: mover.movement,
  fetched_at: mover.fetchedAt.toISOString(),
});
