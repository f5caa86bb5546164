import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { lookupRanks } from "../../../workers/reputation/rank-lookup.ts";
import { serpResultPages } from "../../../workers/reputation/tables.ts";
import { createProject } from "../audits/support.ts";
import { withTestDatabase, withTestSession } from "../support/database.ts";
import { callAs, registerTenant, type TestAccount } from "../support/identity.ts";
import { configWithoutKey, scriptSerp, serpCalls, testConfig, uniqueKeyword } from "./support.ts";

type KeywordRankBody = {
  keyword: string;
  status: string;
  position: number | null;
  url: string | null;
  title: string | null;
  pages_checked: number;
  fetched_at: string | null;
  age_seconds: number | null;
  source: string;
  reason: string | null;
};
type RanksBody = {
  domain: string;
  results: KeywordRankBody[];
  upstream_calls: { daily_cap: number; used_today: number; remaining_today: number };
};

let owner: TestAccount;
beforeAll(async () => {
  owner = await registerTenant();
});

function ranksPath(params: Record<string, string | string[]>) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    for (const item of Array.isArray(value) ? value : [value]) search.append(name, item);
  }
  return `/api/v1/reputation/ranks?${search}`;
}

async function ranks(account: TestAccount, params: Record<string, string | string[]>): Promise<RanksBody> {
  const response = await callAs(account, "GET", ranksPath(params));
  expect(response.status, await response.clone().text()).toBe(200);
  return response.json<RanksBody>();
}

const one = async (account: TestAccount, keyword: string, domain = "example.com") =>
  (await ranks(account, { domain, kw: keyword })).results[0] as KeywordRankBody;

/** Makes the cached pages of a query older than the cache's 15 minutes. */
const ageCache = (query: string) =>
  withTestDatabase((db) =>
    db.execute(
      sql`update ${serpResultPages} set fetched_at = fetched_at - interval '16 minutes' where query = ${query}`,
    ),
  );

describe("GET /api/v1/reputation/ranks through SerpApi", () => {
  it("finds the domain on page 1 with one call", async () => {
    const keyword = uniqueKeyword("page one");
    await scriptSerp(keyword, {
      ranked: { position: 3, link: "https://www.example.com/p", title: "Example P" },
    });
    const rank = await one(owner, keyword);
    expect(rank).toMatchObject({
      keyword,
      status: "ranked",
      position: 3,
      url: "https://www.example.com/p",
      title: "Example P",
      pages_checked: 1,
      source: "serpapi",
      reason: null,
    });
    expect(rank.fetched_at).not.toBeNull();
    expect((await serpCalls(keyword)).starts).toEqual([0]);
  });

  it("pages with start to the page where the domain appears, with its absolute position", async () => {
    const keyword = uniqueKeyword("page three");
    await scriptSerp(keyword, { ranked: { position: 25, link: "https://shop.example.com/x" } });
    expect(await one(owner, keyword)).toMatchObject({ status: "ranked", position: 25, pages_checked: 3 });
    expect((await serpCalls(keyword)).starts).toEqual([0, 10, 20]);
  });

  it("answers not_found with a null position when the domain is not in the first 100 results", async () => {
    const keyword = uniqueKeyword("absent");
    await scriptSerp(keyword, { ranked: { position: 101, link: "https://example.com/" }, total: 120 });
    expect(await one(owner, keyword)).toMatchObject({
      status: "not_found",
      position: null,
      url: null,
      pages_checked: 10,
    });
    expect((await serpCalls(keyword)).starts).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
  });

  it("stops at Google's last page", async () => {
    const keyword = uniqueKeyword("few results");
    await scriptSerp(keyword, { total: 15 });
    expect(await one(owner, keyword)).toMatchObject({ status: "not_found", pages_checked: 2 });
    expect((await serpCalls(keyword)).count).toBe(2);
  });

  it("does not take a lookalike domain for the one asked about", async () => {
    const keyword = uniqueKeyword("lookalike");
    await scriptSerp(keyword, { ranked: { position: 1, link: "https://notexample.com/" }, total: 10 });
    expect(await one(owner, keyword)).toMatchObject({ status: "not_found", position: null });
  });

  it("serves the same lookup from the cache within 15 minutes, for any tenant, and asks again after", async () => {
    const keyword = uniqueKeyword("cached");
    await scriptSerp(keyword, { ranked: { position: 12, link: "https://example.com/c" } });
    const first = await one(owner, keyword);
    const other = await registerTenant();
    const again = await one(other, keyword);
    expect(again).toMatchObject({
      status: "ranked",
      position: 12,
      source: "cache",
      fetched_at: first.fetched_at,
    });
    expect((await serpCalls(keyword)).count).toBe(2);
    await ageCache(keyword);
    expect(await one(owner, keyword)).toMatchObject({ position: 12, source: "serpapi" });
    expect((await serpCalls(keyword)).count).toBe(4);
  });

  it("makes one upstream call for two concurrent identical lookups", async () => {
    const keyword = uniqueKeyword("concurrent");
    await scriptSerp(keyword, { ranked: { position: 2, link: "https://example.com/" }, delay_ms: 400 });
    const other = await registerTenant();
    const [a, b] = await Promise.all([one(owner, keyword), one(other, keyword)]);
    expect([a.source, b.source].sort()).toEqual(["cache", "serpapi"]);
    expect(a.position).toBe(2);
    expect(b.position).toBe(2);
    expect((await serpCalls(keyword)).count).toBe(1);
  });

  it("retries a 429 after its Retry-After and answers", async () => {
    const keyword = uniqueKeyword("rate limited");
    await scriptSerp(keyword, {
      ranked: { position: 4, link: "https://example.com/" },
      responses: ["429"],
      retry_after: 1,
    });
    expect(await one(owner, keyword)).toMatchObject({ status: "ranked", position: 4, source: "serpapi" });
    expect((await serpCalls(keyword)).count).toBe(2);
  });

  it("answers an error with the reason when SerpApi keeps failing and nothing is stored", async () => {
    const keyword = uniqueKeyword("failing");
    await scriptSerp(keyword, { responses: ["500", "500", "500"] });
    expect(await one(owner, keyword)).toEqual({
      keyword,
      status: "error",
      position: null,
      url: null,
      title: null,
      pages_checked: 0,
      fetched_at: null,
      age_seconds: null,
      source: "fallback",
      reason: "SerpApi failed with 500, after 3 attempts, and no earlier position is stored",
    });
  });

  it("falls back to the last stored position, with its age, on a timeout or malformed JSON", async () => {
    const keyword = uniqueKeyword("fallback");
    await scriptSerp(keyword, { ranked: { position: 7, link: "https://example.com/f" } });
    const stored = await one(owner, keyword);
    await ageCache(keyword);
    await scriptSerp(keyword, {
      ranked: { position: 7, link: "https://example.com/f" },
      responses: ["timeout"],
    });
    const timedOut = await one(owner, keyword);
    expect(timedOut).toMatchObject({
      status: "ranked",
      position: 7,
      url: "https://example.com/f",
      source: "fallback",
      reason: "SerpApi did not answer within 1000 ms",
    });
    // The tenant's stored observation, as it was made.
    expect(timedOut.fetched_at).toBe(stored.fetched_at);
    expect(timedOut.age_seconds).toBeGreaterThanOrEqual(0);
    await scriptSerp(keyword, { responses: ["malformed"] });
    expect(await one(owner, keyword)).toMatchObject({
      position: 7,
      source: "fallback",
      reason: "SerpApi answered 200 with malformed JSON",
    });
  });

  it("looks up a project's keywords for its site", async () => {
    const shoes = uniqueKeyword("shoes");
    const boots = uniqueKeyword("boots");
    await scriptSerp(shoes, { ranked: { position: 5, link: "https://www.shop.test-site.com/shoes" } });
    await scriptSerp(boots, { total: 10 });
    const projectId = await createProject(owner, {
      site_url: "https://www.shop.test-site.com/",
      keywords: [shoes, boots],
    });
    const body = await ranks(owner, { project_id: projectId });
    expect(body.domain).toBe("shop.test-site.com");
    expect(body.results.map((rank) => [rank.keyword, rank.status, rank.position])).toEqual([
      [shoes, "ranked", 5],
      [boots, "not_found", null],
    ]);
  });

  it("normalises and de-duplicates repeated kw parameters and says what the daily cap leaves", async () => {
    const keyword = uniqueKeyword("repeated");
    await scriptSerp(keyword, { ranked: { position: 1, link: "https://example.com/" } });
    const body = await ranks(owner, {
      domain: "WWW.Example.com",
      kw: [keyword, `  ${keyword.toUpperCase()} `],
    });
    expect(body.domain).toBe("example.com");
    expect(body.results.map((rank) => rank.keyword)).toEqual([keyword]);
    expect(body.upstream_calls.daily_cap).toBe(1000);
    expect(body.upstream_calls.used_today + body.upstream_calls.remaining_today).toBe(1000);
    expect(body.upstream_calls.used_today).toBeGreaterThan(0);
  });

  it("refuses a lookup without a domain and keywords, with too many keywords, or with both kinds", async () => {
    const cases: Record<string, string | string[]>[] = [
      { kw: "shoes" },
      { domain: "example.com" },
      { domain: "localhost", kw: "shoes" },
      { domain: "example.com", kw: Array.from({ length: 21 }, (_, index) => `k${index}`) },
      { project_id: crypto.randomUUID(), domain: "example.com", kw: "x" },
      { domain: "example.com", kw: "x", device: "watch" },
    ];
    for (const params of cases) {
      const response = await callAs(owner, "GET", ranksPath(params));
      expect(response.status, JSON.stringify(params)).toBe(400);
      expect(response.headers.get("content-type")).toContain("application/problem+json");
    }
    const unknown = await callAs(owner, "GET", ranksPath({ project_id: crypto.randomUUID() }));
    expect(unknown.status).toBe(404);
  });
});

describe("rank lookups without SerpApi", () => {
  it("fall back deterministically, without calling SerpApi, when no key is configured", async () => {
    const known = uniqueKeyword("known");
    const unknown = uniqueKeyword("unknown");
    await scriptSerp(known, { ranked: { position: 9, link: "https://example.com/k" } });
    await one(owner, known);
    await ageCache(known);
    const lookup = {
      domain: "example.com",
      keywords: [known, unknown],
      gl: "us",
      hl: "en",
      device: "desktop" as const,
    };
    const now = new Date();
    const answer = () =>
      withTestSession((session) => lookupRanks(session, configWithoutKey(), owner.tenantId, lookup, now));
    const first = await answer();
    expect(first.results).toMatchObject([
      {
        keyword: known,
        status: "ranked",
        position: 9,
        source: "fallback",
        reason: "SerpApi is not configured (no SERPAPI_API_KEY)",
      },
      { keyword: unknown, status: "error", position: null, source: "fallback" },
    ]);
    expect(await answer()).toEqual(first);
    expect((await serpCalls(known)).count).toBe(1);
    expect((await serpCalls(unknown)).count).toBe(0);
  });

  it("stop calling SerpApi at the tenant's daily cap and say nothing is left", async () => {
    const tenant = await registerTenant();
    const keyword = uniqueKeyword("capped");
    await scriptSerp(keyword, { ranked: { position: 35, link: "https://example.com/" } });
    const config = { ...testConfig(), ranksDailyUpstreamCap: 2 };
    const lookup = {
      domain: "example.com",
      keywords: [keyword],
      gl: "us",
      hl: "en",
      device: "desktop" as const,
    };
    const answer = await withTestSession((session) =>
      lookupRanks(session, config, tenant.tenantId, lookup, new Date()),
    );
    expect(answer.results[0]).toMatchObject({ status: "error", source: "fallback" });
    expect(answer.results[0]?.reason).toContain("the daily cap on SerpApi calls is reached");
    expect(answer.upstream).toEqual({ dailyCap: 2, usedToday: 2, remainingToday: 0 });
    expect((await serpCalls(keyword)).count).toBe(2);
  });
});
