import { z } from "@hono/zod-openapi";
import { fieldsOf, filterText, isoOrNull, timestamp } from "../http/api-schemas.ts";
import { cursorParam, ListQuerySchema } from "../http/pagination.ts";
import { PostFilterFields } from "../insights/api-schemas.ts";
import { NETWORKS, SENTIMENT_LABELS } from "../insights/tables.ts";
import { base64url, fromBase64url } from "../lib/crypto.ts";
import {
  change,
  DEFAULT_WINDOW_DAYS,
  FORMULAS,
  MAX_WINDOW_DAYS,
  type MentionWindow,
  type SentimentFigures,
  type ShareOfVoice,
  sentimentFigures,
  type Tally,
} from "./mention-figures.ts";
import { INTERVALS, MENTION_SORTS, type MentionCursor } from "./mentions.ts";
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

export const renderUsage = (upstream: RankAnswer["upstream"]) =>
  fieldsOf(upstream, "dailyCap", "usedToday", "remainingToday");

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

export const renderRankMover = (mover: RankMover) =>
  fieldsOf(
    mover,
    "projectId",
    "projectName",
    "keyword",
    "position",
    "previousPosition",
    "change",
    "movement",
    "fetchedAt",
  );

const DateTimeQuery = z.iso.datetime({ offset: true });

const MentionWindowQuery = {
  brand_id: z
    .uuid()
    .openapi({ description: "The brand whose mentions (its posts, comments and reviews) count." }),
  from: DateTimeQuery.optional().openapi({
    description: `Mentions published at or after this instant; default ${DEFAULT_WINDOW_DAYS} days before \`to\`.`,
  }),
  to: DateTimeQuery.optional().openapi({
    description: `Mentions published before this instant; default now. The window is at most ${MAX_WINDOW_DAYS} days.`,
  }),
};

export const WINDOW_RULE = `The window is [from, to): by default the last ${DEFAULT_WINDOW_DAYS} days up to now (without \`from\`, the ${DEFAULT_WINDOW_DAYS} days before \`to\`; without \`to\`, up to now); \`from\` must be before \`to\` and the window at most ${MAX_WINDOW_DAYS} days long (400 otherwise). An unknown brand, or another tenant's, is 404.`;

export { FORMULAS };

export const MentionWindowQuerySchema = z.object(MentionWindowQuery);

export const TimelineQuerySchema = z.object({
  ...MentionWindowQuery,
  interval: z.enum(INTERVALS).default("day").openapi({
    description: "`day`: UTC days; `week`: ISO weeks, from Monday 00:00 UTC.",
  }),
});

/** An opaque mention cursor: the page's sort, the last mention's sort key and its id, as base64url JSON. */
export const encodeMentionCursor = (cursor: MentionCursor) =>
  base64url(new TextEncoder().encode(JSON.stringify([cursor.sort, cursor.key, cursor.id])));

const CursorParts = z.tuple([z.enum(MENTION_SORTS), z.string().min(1).max(40), z.uuid()]);

function decodeMentionCursor(cursor: string): MentionCursor | null {
  try {
    const parts = CursorParts.safeParse(JSON.parse(new TextDecoder().decode(fromBase64url(cursor))));
    if (!parts.success) return null;
    const [sort, key, id] = parts.data;
    const keyShape = sort === "recent" ? /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/ : /^\d{1,19}$/;
    return keyShape.test(key) ? { sort, key, id } : null;
  } catch {
    return null;
  }
}

export const MentionsQuerySchema = z.object({
  brand_id: MentionWindowQuery.brand_id,
  network: z.enum(NETWORKS).optional(),
  sentiment: z.enum(SENTIMENT_LABELS).optional(),
  ...PostFilterFields,
  text: filterText("Mentions whose text contains this (any case)."),
  sort: z.enum(MENTION_SORTS).default("recent").openapi({
    description: "`recent`: newest first; `reach`: most reached first. Ties in id order, newest first.",
  }),
  limit: ListQuerySchema.shape.limit,
  cursor: cursorParam(
    decodeMentionCursor,
    "`next_cursor` of the previous page, passed back unchanged with the same `sort`: it is opaque, and an empty or altered cursor, or one of the other sort, is refused with 400.",
  ),
});

const count = z.number().int().min(0);
const share = z.number().min(0).max(1);

const WindowSchema = z.object({ from: timestamp(), to: timestamp() });

const SentimentCountsSchema = z.object({ positive: count, negative: count, neutral: count });

const SentimentFiguresSchema = z
  .object({
    counts: SentimentCountsSchema,
    shares: z.object({ positive: share, negative: share, neutral: share }),
    net_sentiment: z.number().min(-1).max(1),
    reputation_score: z.number().min(-100).max(100).nullable(),
    brand_health_index: share.nullable(),
  })
  .openapi("MentionSentiment");

const ShareOfVoiceSchema = z
  .object({ mentions: share.nullable(), reach: share.nullable(), engagement: share.nullable() })
  .openapi("ShareOfVoice");

const MentionFiguresSchema = z
  .object({
    mentions: count,
    reach: count,
    engagement: count,
    unique_authors: count,
    sentiment: SentimentFiguresSchema,
    share_of_voice: ShareOfVoiceSchema,
  })
  .openapi("MentionFigures");

const delta = z.number().nullable();

const MentionChangeSchema = z
  .object({
    mentions: delta,
    reach: delta,
    engagement: delta,
    unique_authors: delta,
    positive: delta,
    negative: delta,
    neutral: delta,
    net_sentiment: delta,
    reputation_score: delta,
    brand_health_index: delta,
    share_of_voice: z.object({ mentions: delta, reach: delta, engagement: delta }),
  })
  .openapi("MentionChange", {
    description: "Each figure minus the previous window's; null when either is null.",
  });

export const ReputationSummarySchema = MentionFiguresSchema.extend({
  brand_id: z.uuid(),
  window: WindowSchema,
  previous_window: WindowSchema,
  previous: MentionFiguresSchema,
  change: MentionChangeSchema,
  competitors: z.array(
    z.object({ brand_id: z.uuid(), name: z.string(), mentions: count, reach: count, engagement: count }),
  ),
}).openapi("ReputationSummary");

export type BrandFigures = { tally: Tally; sentiment: SentimentFigures; shareOfVoice: ShareOfVoice };

const renderSentiment = (figures: SentimentFigures) => ({
  counts: figures.counts,
  shares: figures.shares,
  net_sentiment: figures.netSentiment,
  reputation_score: figures.reputationScore,
  brand_health_index: figures.brandHealthIndex,
});

const renderFigures = ({ tally, sentiment, shareOfVoice }: BrandFigures) => ({
  mentions: tally.mentions,
  reach: tally.reach,
  engagement: tally.engagement,
  unique_authors: tally.uniqueAuthors,
  sentiment: renderSentiment(sentiment),
  share_of_voice: shareOfVoice,
});

const renderWindow = (from: Date, to: Date) => ({ from: from.toISOString(), to: to.toISOString() });

export function renderSummary(
  brandId: string,
  window: MentionWindow,
  current: BrandFigures,
  previous: BrandFigures,
  competitors: { brandId: string; name: string; tally: Tally }[],
) {
  const now = current.sentiment;
  const before = previous.sentiment;
  return {
    brand_id: brandId,
    window: renderWindow(window.from, window.to),
    previous_window: renderWindow(window.previousFrom, window.from),
    ...renderFigures(current),
    previous: renderFigures(previous),
    change: {
      mentions: current.tally.mentions - previous.tally.mentions,
      reach: current.tally.reach - previous.tally.reach,
      engagement: current.tally.engagement - previous.tally.engagement,
      unique_authors: current.tally.uniqueAuthors - previous.tally.uniqueAuthors,
      positive: now.counts.positive - before.counts.positive,
      negative: now.counts.negative - before.counts.negative,
      neutral: now.counts.neutral - before.counts.neutral,
      net_sentiment: now.netSentiment - before.netSentiment,
      reputation_score: change(now.reputationScore, before.reputationScore),
      brand_health_index: change(now.brandHealthIndex, before.brandHealthIndex),
      share_of_voice: {
        mentions: change(current.shareOfVoice.mentions, previous.shareOfVoice.mentions),
        reach: change(current.shareOfVoice.reach, previous.shareOfVoice.reach),
        engagement: change(current.shareOfVoice.engagement, previous.shareOfVoice.engagement),
      },
    },
    competitors: competitors.map((competitor) => ({
      brand_id: competitor.brandId,
      name: competitor.name,
      mentions: competitor.tally.mentions,
      reach: competitor.tally.reach,
      engagement: competitor.tally.engagement,
    })),
  };
}

const TallyFiguresSchema = z.object({
  mentions: count,
  reach: count,
  engagement: count,
  unique_authors: count,
  sentiment: SentimentFiguresSchema,
});

const renderTally = (tally: Tally) => ({
  mentions: tally.mentions,
  reach: tally.reach,
  engagement: tally.engagement,
  unique_authors: tally.uniqueAuthors,
  sentiment: renderSentiment(sentimentFigures(tally)),
});

export const ReputationTimelineSchema = z
  .object({
    brand_id: z.uuid(),
    interval: z.enum(INTERVALS),
    window: WindowSchema,
    buckets: z.array(
      z.object({
        starts: timestamp(),
        ends: timestamp(),
        mentions: count,
        reach: count,
        engagement: count,
        sentiment: SentimentCountsSchema,
        score: z.number().min(-100).max(100).nullable().openapi({
          description: "The bucket's reputation score, null without mentions.",
        }),
      }),
    ),
  })
  .openapi("ReputationTimeline");

const BUCKET_DAYS = { day: 1, week: 7 } as const;

export function renderTimeline(
  brandId: string,
  interval: (typeof INTERVALS)[number],
  window: MentionWindow,
  buckets: { starts: string; tally: Tally }[],
) {
  return {
    brand_id: brandId,
    interval,
    window: renderWindow(window.from, window.to),
    buckets: buckets.map(({ starts, tally }) => {
      const start = new Date(starts);
      return {
        starts: start.toISOString(),
        ends: new Date(start.getTime() + BUCKET_DAYS[interval] * 86_400_000).toISOString(),
        mentions: tally.mentions,
        reach: tally.reach,
        engagement: tally.engagement,
        sentiment: { positive: tally.positive, negative: tally.negative, neutral: tally.neutral },
        score: sentimentFigures(tally).reputationScore,
      };
    }),
  };
}

export const ReputationChannelsSchema = z
  .object({
    brand_id: z.uuid(),
    window: WindowSchema,
    channels: z.array(TallyFiguresSchema.extend({ network: z.enum(NETWORKS) })),
  })
  .openapi("ReputationChannels");

export function renderChannels(
  brandId: string,
  window: MentionWindow,
  channels: { network: (typeof NETWORKS)[number]; tally: Tally }[],
) {
  return {
    brand_id: brandId,
    window: renderWindow(window.from, window.to),
    channels: channels.map(({ network, tally }) => ({ network, ...renderTally(tally) })),
  };
}
