import { sql } from "drizzle-orm";
import type { Config } from "../config/config.ts";
import type { DatabaseSession } from "../db/client.ts";
import { forEachBounded } from "../lib/bounded.ts";
import { linkIsOnDomain } from "./ranked-host.ts";
import { CACHE_TTL_MS, fetchPageOnce, usageDay } from "./serp-cache.ts";
import type { Device, OrganicResult, SerpQuery } from "./serpapi-client.ts";
import { rankChecks, rankUpstreamUsage, serpResultPages } from "./tables.ts";

/** Google shows 10 results a page, so 10 pages reach the first 100 results. */
export const MAX_PAGES = 10;
/** Keywords looked up at once: each walks its pages in order, so a lookup of 20 waits for about 5 walks. */
const KEYWORD_CONCURRENCY = 4;

export type RankLookup = { domain: string; keywords: string[]; gl: string; hl: string; device: Device };

export type KeywordRank = {
  keyword: string;
  status: "ranked" | "not_found" | "error";
  position: number | null;
  url: string | null;
  title: string | null;
  pagesChecked: number;
  fetchedAt: Date | null;
  source: "serpapi" | "cache" | "fallback";
  /** Why SerpApi gave no answer, for a fallback or an error. */
  reason: string | null;
};

export type RankAnswer = {
  results: KeywordRank[];
  upstream: { dailyCap: number; usedToday: number; remainingToday: number };
};

type StoredCheck = {
  keyword: string;
  status: "ranked" | "not_found";
  position: number | null;
  url: string | null;
  title: string | null;
  pages_checked: number;
  fetched_at: string;
};

type CachedRow = {
  query: string;
  page: number;
  results: OrganicResult[];
  is_last: boolean;
  fetched_at: string;
};

type Known = { pages: CachedRow[]; calls: number | null; latest: StoredCheck[] };

const inList = (values: string[]) =>
  sql.join(
    values.map((value) => sql`${value}`),
    sql`, `,
  );

/**
 * One round trip for what a lookup may need before any SerpApi call: the fresh cached pages of every
 * keyword, the tenant's calls today, and the tenant's latest stored answer per keyword (the fallback, and
 * whether a cached answer is already in the history).
 */
async function readKnown(session: DatabaseSession, tenantId: string, lookup: RankLookup, now: Date) {
  const staleBefore = new Date(now.getTime() - CACHE_TTL_MS).toISOString();
  const result = await session.tenantQuery(
    tenantId,
    (db) =>
      db.execute<Known>(sql`
        select
          (select coalesce(json_agg(json_build_object('query', query, 'page', page, 'results', results,
              'is_last', is_last, 'fetched_at', fetched_at)), '[]'::json)
            from ${serpResultPages}
            where gl = ${lookup.gl} and hl = ${lookup.hl} and device = ${lookup.device}
              and query in (${inList(lookup.keywords)}) and fetched_at > ${staleBefore}) as pages,
          (select calls from ${rankUpstreamUsage}
            where tenant_id = ${tenantId} and day = ${usageDay(now)}) as calls,
          (select coalesce(json_agg(latest), '[]'::json) from (
            select distinct on (keyword) keyword, status, position, url, title, pages_checked, fetched_at
            from ${rankChecks}
            where tenant_id = ${tenantId} and domain = ${lookup.domain} and gl = ${lookup.gl}
              and hl = ${lookup.hl} and device = ${lookup.device} and keyword in (${inList(lookup.keywords)})
            order by keyword, fetched_at desc) latest) as latest`),
    { readOnly: true },
  );
  return result.rows[0] as Known;
}

/** The answer from the last stored observation, or an error saying why there is none. */
function fallback(keyword: string, reason: string, stored: StoredCheck | undefined): KeywordRank {
  if (!stored) {
    return {
      keyword,
      status: "error",
      position: null,
      url: null,
      title: null,
      pagesChecked: 0,
      fetchedAt: null,
      source: "fallback",
      reason: `${reason}, and no earlier position is stored`,
    };
  }
  return {
    keyword,
    status: stored.status,
    position: stored.position,
    url: stored.url,
    title: stored.title,
    pagesChecked: stored.pages_checked,
    fetchedAt: new Date(stored.fetched_at),
    source: "fallback",
    reason,
  };
}

/**
 * Looks up where `lookup.domain` ranks for each keyword in Google's first 100 results: page by page from
 * the shared cache or SerpApi, stopping at the page where the domain appears (or Google's last page). A
 * keyword SerpApi cannot answer (no key, failure after retries, the tenant's daily cap) is answered from
 * the tenant's last stored observation, marked fallback. New observations are stored for the tenant.
 * The same state of the database and the same `now` give the same answer.
 */
export async function lookupRanks(
  session: DatabaseSession,
  config: Config,
  tenantId: string,
  lookup: RankLookup,
  now: Date,
): Promise<RankAnswer> {
  if (lookup.keywords.length === 0) {
    return { results: [], upstream: usageOf(config, null) };
  }
  const known = await readKnown(session, tenantId, lookup, now);
  const cached = new Map(known.pages.map((row) => [`${row.query}\n${row.page}`, row]));
  const latest = new Map(known.latest.map((check) => [check.keyword, check]));
  let calls = known.calls;
  const answers = new Map<string, KeywordRank>();
  const answer = (rank: KeywordRank) => answers.set(rank.keyword, rank);
  const apiKey = config.serpapi.apiKey;

  await forEachBounded(lookup.keywords, KEYWORD_CONCURRENCY, async (keyword) => {
    const query: SerpQuery = { query: keyword, gl: lookup.gl, hl: lookup.hl, device: lookup.device };
    let oldest: Date | null = null;
    let fromUpstream = false;
    for (let page = 0; page < MAX_PAGES; page++) {
      const hit = cached.get(`${keyword}\n${page}`);
      let results: OrganicResult[];
      let last: boolean;
      let fetchedAt: Date;
      if (hit) {
        ({ results, is_last: last } = hit);
        fetchedAt = new Date(hit.fetched_at);
      } else {
        if (!apiKey) {
          answer(fallback(keyword, "SerpApi is not configured (no SERPAPI_API_KEY)", latest.get(keyword)));
          return;
        }
        const outcome = await fetchPageOnce(session, config, apiKey, tenantId, query, page, now);
        if (outcome.calls !== undefined) calls = Math.max(calls ?? 0, outcome.calls);
        if (!outcome.ok) {
          if (outcome.capped) calls = config.ranksDailyUpstreamCap;
          answer(fallback(keyword, outcome.reason, latest.get(keyword)));
          return;
        }
        ({ results, last } = outcome.page);
        fetchedAt = outcome.page.fetchedAt;
        fromUpstream ||= outcome.fromUpstream;
      }
      if (oldest === null || fetchedAt < oldest) oldest = fetchedAt;
      const ranked = results
        .filter((result) => linkIsOnDomain(result.link, lookup.domain))
        .sort((a, b) => a.position - b.position)[0];
      if (ranked || last || page === MAX_PAGES - 1) {
        answer({
          keyword,
          status: ranked ? "ranked" : "not_found",
          position: ranked?.position ?? null,
          url: ranked?.link ?? null,
          title: ranked?.title ?? null,
          pagesChecked: page + 1,
          fetchedAt: oldest,
          source: fromUpstream ? "serpapi" : "cache",
          reason: null,
        });
        return;
      }
    }
  });

  const ordered = lookup.keywords.map((keyword) => answers.get(keyword) as KeywordRank);
  await storeObservations(session, tenantId, lookup, ordered, latest);
  return { results: ordered, upstream: usageOf(config, calls) };
}

function usageOf(config: Config, calls: number | null): RankAnswer["upstream"] {
  const used = Math.min(calls ?? 0, config.ranksDailyUpstreamCap);
  return {
    dailyCap: config.ranksDailyUpstreamCap,
    usedToday: used,
    remainingToday: config.ranksDailyUpstreamCap - used,
  };
}

/** Stores the answers that are new observations; a repeated cached answer costs no write at all. */
async function storeObservations(
  session: DatabaseSession,
  tenantId: string,
  lookup: RankLookup,
  ranks: KeywordRank[],
  latest: Map<string, StoredCheck>,
) {
  const observed = ranks.filter(
    (rank): rank is KeywordRank & { status: "ranked" | "not_found"; fetchedAt: Date } => {
      if (rank.source === "fallback" || rank.status === "error" || rank.fetchedAt === null) return false;
      const stored = latest.get(rank.keyword);
      return !stored || new Date(stored.fetched_at).getTime() !== rank.fetchedAt.getTime();
    },
  );
  if (observed.length === 0) return;
  await session.tenantQuery(tenantId, (db) =>
    db
      .insert(rankChecks)
      .values(
        observed.map((rank) => ({
          tenantId,
          domain: lookup.domain,
          keyword: rank.keyword,
          gl: lookup.gl,
          hl: lookup.hl,
          device: lookup.device,
          status: rank.status,
          position: rank.position,
          url: rank.url,
          title: rank.title,
          pagesChecked: rank.pagesChecked,
          fetchedAt: rank.fetchedAt,
        })),
      )
      .onConflictDoNothing(),
  );
}
