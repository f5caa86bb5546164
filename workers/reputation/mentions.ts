import { desc, eq, getTableColumns, gte, ilike, lt, type SQL, sql } from "drizzle-orm";
import type { Database, HttpDatabase } from "../db/client.ts";
import { tenantRowsWith } from "../db/tenant-rows.ts";
import { rowsToFetch } from "../http/pagination.ts";
import { brands, NETWORKS, type Network, posts, type SentimentLabel } from "../insights/tables.ts";
import { emptyTally, type MentionWindow, type Tally } from "./mention-figures.ts";

/*
 * A brand's mentions are its posts, comments and reviews (insights' `posts`). Each dashboard is one
 * statement sent with tenantQuery (one round trip under row-level security); the statement also looks the
 * brand up, so no row at all means the tenant has no such brand.
 */

/** The sums of a Tally over the posts `p` joined in (a LEFT JOIN: a group without posts counts 0). */
const TALLY = sql`
  count(p.id) AS mentions,
  coalesce(sum(p.reach), 0) AS reach,
  coalesce(sum(p.likes + p.comments + p.shares), 0) AS engagement,
  count(DISTINCT p.network || ':' || p.author_handle) AS unique_authors,
  count(p.id) FILTER (WHERE p.sentiment_label = 'positive') AS positive,
  count(p.id) FILTER (WHERE p.sentiment_label = 'negative') AS negative,
  count(p.id) FILTER (WHERE p.sentiment_label = 'neutral') AS neutral,
  coalesce(sum(p.sentiment_score), 0) AS score_sum,
  count(p.sentiment_score) AS scored`;

type TallyRow = Record<
  | "mentions"
  | "reach"
  | "engagement"
  | "unique_authors"
  | "positive"
  | "negative"
  | "neutral"
  | "score_sum"
  | "scored",
  string | number
>;

/** Counts and sums come back as bigint or numeric text. */
export const tallyOf = (row: TallyRow): Tally => ({
  mentions: Number(row.mentions),
  reach: Number(row.reach),
  engagement: Number(row.engagement),
  uniqueAuthors: Number(row.unique_authors),
  positive: Number(row.positive),
  negative: Number(row.negative),
  neutral: Number(row.neutral),
  scoreSum: Number(row.score_sum),
  scored: Number(row.scored),
});

const brandOf = (tenantId: string, brandId: string) =>
  sql`SELECT id, competitor_ids FROM ${brands} WHERE tenant_id = ${tenantId} AND id = ${brandId}`;

export type BrandWindowRow = TallyRow & { brand_id: string; name: string; period: "current" | "previous" };

/**
 * The tallies of the brand and of each of its competitors, over the window and over the previous one:
 * two rows per brand. None when the tenant has no such brand.
 */
export function brandWindowTallies(
  db: HttpDatabase,
  tenantId: string,
  brandId: string,
  window: MentionWindow,
) {
  return db.execute<BrandWindowRow>(sql`
    WITH brand AS (${brandOf(tenantId, brandId)}),
    members AS (
      SELECT b.id, b.name FROM ${brands} b, brand
      WHERE b.tenant_id = ${tenantId} AND (b.id = brand.id OR b.id = ANY (brand.competitor_ids))
    ),
    windows (period, starts, ends) AS (VALUES
      ('current', ${window.from.toISOString()}::timestamptz, ${window.to.toISOString()}::timestamptz),
      ('previous', ${window.previousFrom.toISOString()}::timestamptz, ${window.from.toISOString()}::timestamptz))
    SELECT m.id AS brand_id, m.name, w.period, ${TALLY}
    FROM members m CROSS JOIN windows w
    LEFT JOIN ${posts} p ON p.tenant_id = ${tenantId} AND p.brand_id = m.id
      AND p.published_at >= w.starts AND p.published_at < w.ends
    GROUP BY m.id, m.name, w.period`);
}

export const INTERVALS = ["day", "week"] as const;
export type Interval = (typeof INTERVALS)[number];

export type BucketRow = TallyRow & { starts: string };

/**
 * The brand's tallies per UTC day or ISO week (from Monday) of the window, every bucket listed, empty or
 * not, oldest first; a bucket only counts mentions inside the window. None when the tenant has no such brand.
 */
export function timelineTallies(
  db: HttpDatabase,
  tenantId: string,
  brandId: string,
  window: MentionWindow,
  interval: Interval,
) {
  const from = window.from.toISOString();
  const to = window.to.toISOString();
  return db.execute<BucketRow>(sql`
    WITH brand AS (${brandOf(tenantId, brandId)}),
    buckets AS (
      SELECT generate_series(
        date_trunc(${interval}, ${from}::timestamptz AT TIME ZONE 'UTC'),
        (${to}::timestamptz AT TIME ZONE 'UTC') - interval '1 microsecond',
        ('1 ' || ${interval})::interval) AS starts
      WHERE EXISTS (SELECT 1 FROM brand))
    SELECT to_char(b.starts, 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS starts, ${TALLY}
    FROM buckets b
    LEFT JOIN ${posts} p ON p.tenant_id = ${tenantId} AND p.brand_id = ${brandId}
      AND p.published_at >= ${from}::timestamptz AND p.published_at < ${to}::timestamptz
      AND date_trunc(${interval}, p.published_at AT TIME ZONE 'UTC') = b.starts
    GROUP BY b.starts
    ORDER BY b.starts`);
}

export type ChannelRow = TallyRow & { network: Network };

const NETWORK_VALUES = sql.raw(NETWORKS.map((network, index) => `('${network}', ${index})`).join(", "));

/**
 * The brand's tallies per network over the window, every network listed in NETWORKS' order. None when the
 * tenant has no such brand.
 */
export function channelTallies(db: HttpDatabase, tenantId: string, brandId: string, window: MentionWindow) {
  return db.execute<ChannelRow>(sql`
    WITH brand AS (${brandOf(tenantId, brandId)})
    SELECT n.network, ${TALLY}
    FROM brand CROSS JOIN (VALUES ${NETWORK_VALUES}) AS n (network, position)
    LEFT JOIN ${posts} p ON p.tenant_id = ${tenantId} AND p.brand_id = brand.id AND p.network = n.network
      AND p.published_at >= ${window.from.toISOString()}::timestamptz
      AND p.published_at < ${window.to.toISOString()}::timestamptz
    GROUP BY n.network, n.position
    ORDER BY n.position`);
}

export const MENTION_SORTS = ["recent", "reach"] as const;
export type MentionSort = (typeof MENTION_SORTS)[number];

/** Where a page ends: the sort it belongs to, the last mention's sort key (exact, as text) and its id. */
export type MentionCursor = { sort: MentionSort; key: string; id: string };

export type MentionFilters = {
  network?: Network | undefined;
  sentiment?: SentimentLabel | undefined;
  author?: string | undefined;
  text?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
};

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (char) => `\\${char}`);

/**
 * The sort key as text that casts back to the same value: microseconds for the publication time (a JS Date
 * keeps milliseconds, which would skip or repeat mentions published within one millisecond), the number
 * for reach.
 */
const SORT_KEY = {
  recent: sql<string>`to_char(${posts.publishedAt} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
  reach: sql<string>`${posts.reach}::text`,
} as const;

function after(cursor: MentionCursor): SQL {
  return cursor.sort === "recent"
    ? sql`(${posts.publishedAt}, ${posts.id}) < (${cursor.key}::timestamptz, ${cursor.id}::uuid)`
    : sql`(${posts.reach}, ${posts.id}) < (${cursor.key}::bigint, ${cursor.id}::uuid)`;
}

/**
 * A page of a brand's mentions matching the filters, newest first (`recent`) or most reached first
 * (`reach`), ties broken by id; fetch one more than the page shows.
 */
export function listMentions(
  db: Database,
  tenantId: string,
  brandId: string,
  sort: MentionSort,
  filters: MentionFilters,
  page: { limit: number; cursor?: MentionCursor | undefined },
) {
  const order = sort === "recent" ? desc(posts.publishedAt) : desc(posts.reach);
  return db
    .select({ ...getTableColumns(posts), sortKey: SORT_KEY[sort] })
    .from(posts)
    .where(
      tenantRowsWith(
        posts,
        tenantId,
        { brandId },
        filters.network ? eq(posts.network, filters.network) : undefined,
        filters.sentiment ? eq(posts.sentimentLabel, filters.sentiment) : undefined,
        filters.author ? sql`lower(${posts.authorHandle}) = lower(${filters.author})` : undefined,
        filters.text ? ilike(posts.text, `%${escapeLike(filters.text)}%`) : undefined,
        filters.from ? gte(posts.publishedAt, new Date(filters.from)) : undefined,
        filters.to ? lt(posts.publishedAt, new Date(filters.to)) : undefined,
        page.cursor ? after(page.cursor) : undefined,
      ),
    )
    .orderBy(order, desc(posts.id))
    .limit(rowsToFetch({ limit: page.limit }));
}

export type BrandWindowFigures = {
  current: { brand: Tally; competitors: { brandId: string; name: string; tally: Tally }[] };
  previous: { brand: Tally; competitors: Tally[] };
};

/** The statement's rows sorted into the brand's and its competitors' tallies per window. */
export function splitBrandWindows(rows: BrandWindowRow[], brandId: string): BrandWindowFigures {
  const figures: BrandWindowFigures = {
    current: { brand: emptyTally(), competitors: [] },
    previous: { brand: emptyTally(), competitors: [] },
  };
  for (const row of rows) {
    const tally = tallyOf(row);
    if (row.brand_id === brandId) figures[row.period].brand = tally;
    else if (row.period === "current")
      figures.current.competitors.push({ brandId: row.brand_id, name: row.name, tally });
    else figures.previous.competitors.push(tally);
  }
  figures.current.competitors.sort(
    (a, b) => a.name.localeCompare(b.name) || a.brandId.localeCompare(b.brandId),
  );
  return figures;
}
