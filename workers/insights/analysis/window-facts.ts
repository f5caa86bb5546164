import { sql } from "drizzle-orm";
import type { Database } from "../../db/client.ts";
import { EMOTIONS, type Emotion, type Topic } from "../language/lexicon.ts";
import type { Network, SentimentLabel } from "../tables.ts";

/** The posts of one brand in [from, to). */
export type AnalysisWindow = { brandId: string; from: Date; to: Date };

export type SentimentCounts = Record<SentimentLabel, number>;

/**
 * What the modules' computed parts are made of: exact aggregates over every post of the window, in SQL.
 * Engagement is likes + comments + shares.
 */
export type WindowFacts = {
  posts: number;
  reach: number;
  views: number;
  engagement: number;
  authors: number;
  sentiment: SentimentCounts;
  byNetwork: ({ network: Network; posts: number } & SentimentCounts)[];
  emotions: Record<Emotion, number>;
  topics: { topic: Topic; posts: number; meanSentiment: number }[];
  granularity: "day" | "week";
  timeline: { period: string; posts: number; engagement: number; meanSentiment: number }[];
  influencers: {
    handle: string;
    name: string | null;
    followers: number;
    posts: number;
    engagement: number;
    meanSentiment: number;
    influence: number;
  }[];
  /** md5 of the ids and change times of the posts used, so an unchanged input is recognised. */
  postsHash: string;
};

/** A post the model may read: `ref` ("p1" …) is how its answer cites it. */
export type SamplePost = {
  ref: string;
  id: string;
  network: Network;
  authorHandle: string | null;
  publishedAt: string;
  engagement: number;
  sentiment: SentimentLabel | null;
  topics: Topic[];
  emotions: Emotion[];
  text: string;
};

/** Windows up to this many days are bucketed per day, longer ones per week. */
const DAILY_UP_TO_DAYS = 92;
/** How many authors the influencer ranking keeps. */
export const INFLUENCER_LIMIT = 20;
/**
 * The bound on what a module sends the model, however large the window: at most SAMPLE_SIZE posts, each
 * cut to SAMPLE_TEXT_CHARS. Half are the posts with the most engagement, half are spread evenly over time
 * among the rest (every n-th by published_at), so peaks and the quiet days are both seen. Deterministic.
 */
export const SAMPLE_SIZE = 100;
export const SAMPLE_TEXT_CHARS = 280;

const inWindow = (window: AnalysisWindow, tenantId: string) =>
  sql`tenant_id = ${tenantId} AND brand_id = ${window.brandId} AND published_at >= ${window.from.toISOString()} AND published_at < ${window.to.toISOString()}`;

const num = (value: unknown) => Number(value ?? 0);

const ENGAGEMENT = sql.raw("(likes + comments + shares)");

/**
 * Influence of an author over the window: log10(1 + followers) + 2 · log10(1 + engagement), engagement
 * summed over the author's posts. Logarithms keep one huge account from drowning the rest; engagement
 * weighs double because it is what the audience did, followers only what it could do.
 */
const INFLUENCE = sql.raw(
  "(log(1 + coalesce(max(author_followers), 0)) + 2 * log(1 + sum(likes + comments + shares)))",
);

export function granularityOf(window: AnalysisWindow): "day" | "week" {
  return window.to.getTime() - window.from.getTime() <= DAILY_UP_TO_DAYS * 86_400_000 ? "day" : "week";
}

/** Every aggregate of the window, in six queries over the (brand_id, published_at) index. */
export async function windowFacts(
  db: Database,
  tenantId: string,
  window: AnalysisWindow,
): Promise<WindowFacts> {
  const where = inWindow(window, tenantId);
  const granularity = granularityOf(window);
  const totals = await db.execute<Record<string, unknown>>(sql`
    SELECT count(*) AS posts, coalesce(sum(reach), 0) AS reach, coalesce(sum(views), 0) AS views,
      coalesce(sum(${ENGAGEMENT}), 0) AS engagement, count(DISTINCT author_handle) AS authors,
      count(*) FILTER (WHERE sentiment_label = 'positive') AS positive,
      count(*) FILTER (WHERE sentiment_label = 'negative') AS negative,
      count(*) FILTER (WHERE sentiment_label = 'neutral') AS neutral,
      md5(coalesce(string_agg(id::text || ':' || extract(epoch FROM updated_at)::text, ',' ORDER BY id), '')) AS hash
    FROM posts WHERE ${where}`);
  const networks = await db.execute<Record<string, unknown>>(sql`
    SELECT network, count(*) AS posts,
      count(*) FILTER (WHERE sentiment_label = 'positive') AS positive,
      count(*) FILTER (WHERE sentiment_label = 'negative') AS negative,
      count(*) FILTER (WHERE sentiment_label = 'neutral') AS neutral
    FROM posts WHERE ${where} GROUP BY network ORDER BY network`);
  const emotions = await db.execute<{ emotion: Emotion; posts: unknown }>(sql`
    SELECT emotion, count(*) AS posts FROM posts, unnest(emotions) AS emotion WHERE ${where} GROUP BY emotion`);
  const topics = await db.execute<{ topic: Topic; posts: unknown; mean: unknown }>(sql`
    SELECT topic, count(*) AS posts, avg(sentiment_score) AS mean
    FROM posts, unnest(topics) AS topic WHERE ${where} GROUP BY topic ORDER BY count(*) DESC, topic`);
  const timeline = await db.execute<{
    period: string;
    posts: unknown;
    engagement: unknown;
    mean: unknown;
  }>(sql`
    SELECT to_char(date_trunc(${granularity}, published_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS period,
      count(*) AS posts, sum(${ENGAGEMENT}) AS engagement, avg(sentiment_score) AS mean
    FROM posts WHERE ${where} GROUP BY 1 ORDER BY 1`);
  const influencers = await db.execute<Record<string, unknown>>(sql`
    SELECT author_handle AS handle, max(author_name) AS name, coalesce(max(author_followers), 0) AS followers,
      count(*) AS posts, sum(${ENGAGEMENT}) AS engagement, avg(sentiment_score) AS mean, ${INFLUENCE} AS influence
    FROM posts WHERE ${where} AND author_handle IS NOT NULL
    GROUP BY author_handle ORDER BY influence DESC, author_handle LIMIT ${INFLUENCER_LIMIT}`);
  const total = totals.rows[0] ?? {};
  const round = (value: unknown) => Math.round(num(value) * 1000) / 1000;
  const emotionCounts = Object.fromEntries(EMOTIONS.map((emotion) => [emotion, 0])) as Record<
    Emotion,
    number
  >;
  for (const row of emotions.rows) emotionCounts[row.emotion] = num(row.posts);
  return {
    posts: num(total.posts),
    reach: num(total.reach),
    views: num(total.views),
    engagement: num(total.engagement),
    authors: num(total.authors),
    sentiment: { positive: num(total.positive), negative: num(total.negative), neutral: num(total.neutral) },
    byNetwork: networks.rows.map((row) => ({
      network: row.network as Network,
      posts: num(row.posts),
      positive: num(row.positive),
      negative: num(row.negative),
      neutral: num(row.neutral),
    })),
    emotions: emotionCounts,
    topics: topics.rows.map((row) => ({
      topic: row.topic,
      posts: num(row.posts),
      meanSentiment: round(row.mean),
    })),
    granularity,
    timeline: timeline.rows.map((row) => ({
      period: row.period,
      posts: num(row.posts),
      engagement: num(row.engagement),
      meanSentiment: round(row.mean),
    })),
    influencers: influencers.rows.map((row) => ({
      handle: String(row.handle),
      name: row.name === null ? null : String(row.name),
      followers: num(row.followers),
      posts: num(row.posts),
      engagement: num(row.engagement),
      meanSentiment: round(row.mean),
      influence: round(row.influence),
    })),
    postsHash: String(total.hash),
  };
}

/** The bounded sample of the window the model reads (see SAMPLE_SIZE), in publication order. */
export async function windowSample(
  db: Database,
  tenantId: string,
  window: AnalysisWindow,
): Promise<SamplePost[]> {
  const where = inWindow(window, tenantId);
  const half = SAMPLE_SIZE / 2;
  const { rows } = await db.execute<Record<string, unknown>>(sql`
    WITH top AS (
      SELECT id FROM posts WHERE ${where} ORDER BY ${ENGAGEMENT} DESC, id LIMIT ${half}
    ), rest AS (
      SELECT id, row_number() OVER (ORDER BY published_at, id) AS n, count(*) OVER () AS total
      FROM posts WHERE ${where} AND id NOT IN (SELECT id FROM top)
    ), spread AS (
      SELECT id FROM rest WHERE (n - 1) % greatest(total / ${half}, 1) = 0 ORDER BY n LIMIT ${half}
    )
    SELECT id, network, author_handle, published_at, ${ENGAGEMENT} AS engagement, sentiment_label, topics,
      emotions, left(text, ${SAMPLE_TEXT_CHARS}) AS text
    FROM posts WHERE id IN (SELECT id FROM top UNION ALL SELECT id FROM spread)
    ORDER BY published_at, id`);
  return rows.map((row, index) => ({
    ref: `p${index + 1}`,
    id: String(row.id),
    network: row.network as Network,
    authorHandle: row.author_handle === null ? null : String(row.author_handle),
    publishedAt: new Date(String(row.published_at)).toISOString(),
    engagement: num(row.engagement),
    sentiment: (row.sentiment_label ?? null) as SentimentLabel | null,
    topics: row.topics as Topic[],
    emotions: row.emotions as Emotion[],
    text: String(row.text),
  }));
}
