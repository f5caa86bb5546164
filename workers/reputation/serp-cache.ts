import { sql } from "drizzle-orm";
import type { Config } from "../config/config.ts";
import type { DatabaseSession } from "../db/client.ts";
import { uuidv7 } from "../lib/uuid.ts";
import {
  fetchSerpPage,
  type OrganicResult,
  pageBudgetMs,
  type SerpPage,
  type SerpQuery,
} from "./serpapi-client.ts";
import { rankUpstreamUsage, serpResultPages } from "./tables.ts";

/** How long a fetched result page serves every tenant's lookups. */
export const CACHE_TTL_MS = 15 * 60_000;
/** How often a caller waiting for another's fetch of the same page looks again. */
const WAIT_POLL_MS = 100;

export type CachedPage = SerpPage & { fetchedAt: Date };

export type PageOutcome =
  | { ok: true; page: CachedPage; fromUpstream: boolean }
  | { ok: false; reason: string; capped?: true };

/** The UTC day the daily cap counts against. */
export const usageDay = (now: Date) => now.toISOString().slice(0, 10);

const staleBefore = (now: Date) => new Date(now.getTime() - CACHE_TTL_MS).toISOString();

type PageRow = {
  claimed: string | null;
  calls: number | null;
  results: OrganicResult[] | null;
  is_last: boolean | null;
  fetched_at: string | null;
  fetching_until: string | null;
  claim: string | null;
  failure: string | null;
};

const pageKey = (query: SerpQuery, page: number) => sql`
  ${serpResultPages.query} = ${query.query} and ${serpResultPages.gl} = ${query.gl}
  and ${serpResultPages.hl} = ${query.hl} and ${serpResultPages.device} = ${query.device}
  and ${serpResultPages.page} = ${page}`;

const isFresh = (fetchedAt: string | null, now: Date): fetchedAt is string =>
  fetchedAt !== null && new Date(fetchedAt).getTime() > now.getTime() - CACHE_TTL_MS;

const cachedPage = (row: PageRow & { fetched_at: string }): CachedPage => ({
  results: row.results ?? [],
  last: row.is_last ?? false,
  fetchedAt: new Date(row.fetched_at),
});

/**
 * One statement: takes the page's claim when the page is stale and nobody holds a live claim (an insert
 * that conflicts on the page's key, so two callers racing for the same page cannot both win), and, for the
 * winner only, counts one SerpApi call against the tenant's daily cap. The row as it was before the
 * statement comes back with it: the fresh page, or the claim someone else holds.
 */
function claimPage(
  session: DatabaseSession,
  tenantId: string,
  cap: number,
  query: SerpQuery,
  page: number,
  claim: string,
  now: Date,
  budgetMs: number,
) {
  // Freshness is judged at the lookup's time; whether a claim is still live, at the clock's.
  const clock = new Date();
  const fetchingUntil = new Date(clock.getTime() + budgetMs);
  return session
    .tenantQuery(tenantId, (db) =>
      db.execute<PageRow>(sql`
      with claimed as (
        insert into ${serpResultPages} (query, gl, hl, device, page, fetching_until, claim)
        values (${query.query}, ${query.gl}, ${query.hl}, ${query.device}, ${page}, ${fetchingUntil.toISOString()}, ${claim})
        on conflict (query, gl, hl, device, page) do update
          set fetching_until = excluded.fetching_until, claim = excluded.claim
          where (${serpResultPages.fetchedAt} is null or ${serpResultPages.fetchedAt} <= ${staleBefore(now)})
            and (${serpResultPages.fetchingUntil} is null or ${serpResultPages.fetchingUntil} < ${clock.toISOString()})
        returning claim
      ), reserved as (
        insert into ${rankUpstreamUsage} (tenant_id, day, calls)
        select ${tenantId}, ${usageDay(now)}, 1 where exists (select from claimed) and ${cap} > 0
        on conflict (tenant_id, day) do update set calls = ${rankUpstreamUsage.calls} + 1
          where ${rankUpstreamUsage.calls} < ${cap}
        returning calls
      )
      select (select claim from claimed)::text as claimed, (select calls from reserved) as calls,
        results, is_last, fetched_at, fetching_until, claim, failure
      from (select 1) as one left join ${serpResultPages} on ${pageKey(query, page)}`),
    )
    .then((result) => result.rows[0] as PageRow);
}

function readPage(session: DatabaseSession, tenantId: string, query: SerpQuery, page: number) {
  return session
    .tenantQuery(
      tenantId,
      (db) =>
        db.execute<PageRow>(sql`
          select null as claimed, null as calls, results, is_last, fetched_at, fetching_until, claim, failure
          from ${serpResultPages} where ${pageKey(query, page)}`),
      { readOnly: true },
    )
    .then((result) => result.rows[0] as PageRow | undefined);
}

/** Ends a claim: with the page, with the reason it could not be fetched, or (no reason) given back. */
function settleClaim(
  session: DatabaseSession,
  tenantId: string,
  query: SerpQuery,
  page: number,
  claim: string,
  outcome: { page: CachedPage } | { failure: string | null },
) {
  const set =
    "page" in outcome
      ? sql`results = ${JSON.stringify(outcome.page.results)}::jsonb, is_last = ${outcome.page.last},
          fetched_at = ${outcome.page.fetchedAt.toISOString()}, fetching_until = null, failure = null`
      : sql`fetching_until = null, failure = ${outcome.failure}`;
  return session.tenantQuery(tenantId, (db) =>
    db.execute(sql`update ${serpResultPages} set ${set} where ${pageKey(query, page)} and claim = ${claim}`),
  );
}

/**
 * A result page from the shared cache, or from SerpApi through the page's claim. Concurrent callers of the
 * same page make one SerpApi call: the one that takes the claim fetches, the others poll the row until the
 * page is there (a cache hit for them) or the claim fails (its reason is theirs too) or lapses (they try
 * to take it). The claimer's call counts against its tenant's daily cap; a claimer over its cap gives the
 * claim back, so a waiter of another tenant fetches under its own cap.
 */
export async function fetchPageOnce(
  session: DatabaseSession,
  config: Config,
  apiKey: string,
  tenantId: string,
  query: SerpQuery,
  page: number,
  now: Date,
): Promise<PageOutcome & { calls?: number }> {
  const budget = pageBudgetMs(config);
  const giveUpAt = Date.now() + budget + config.serpapi.timeoutMs;
  let awaited: string | null = null;
  for (;;) {
    const claim = uuidv7();
    if (Date.now() > giveUpAt)
      return { ok: false, reason: "a concurrent lookup of the same page did not finish" };
    const row = await claimPage(
      session,
      tenantId,
      config.ranksDailyUpstreamCap,
      query,
      page,
      claim,
      now,
      budget,
    );
    if (row.claimed !== null) {
      if (row.calls === null) {
        await settleClaim(session, tenantId, query, page, claim, { failure: null });
        return { ok: false, reason: "the daily cap on SerpApi calls is reached", capped: true };
      }
      const fetched = await fetchSerpPage(config, apiKey, query, page);
      if (!fetched.ok) {
        await settleClaim(session, tenantId, query, page, claim, { failure: fetched.reason });
        return { ok: false, reason: fetched.reason, calls: row.calls };
      }
      const fresh = { ...fetched.page, fetchedAt: now };
      await settleClaim(session, tenantId, query, page, claim, { page: fresh });
      return { ok: true, page: fresh, fromUpstream: true, calls: row.calls };
    }
    let current: PageRow | undefined = row;
    for (;;) {
      if (current && isFresh(current.fetched_at, now)) {
        return {
          ok: true,
          page: cachedPage(current as PageRow & { fetched_at: string }),
          fromUpstream: false,
        };
      }
      const live = current?.fetching_until && new Date(current.fetching_until).getTime() > Date.now();
      if (live) awaited = current?.claim ?? awaited;
      else if (current?.failure && current.claim === awaited) return { ok: false, reason: current.failure };
      else if (current) break;
      if (Date.now() > giveUpAt)
        return { ok: false, reason: "a concurrent lookup of the same page did not finish" };
      await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
      current = await readPage(session, tenantId, query, page);
    }
  }
}
