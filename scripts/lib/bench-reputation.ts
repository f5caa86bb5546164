// The ranks part of `npm run bench`: a cached rank lookup against /ready in the same run, and a cold
// lookup of 20 keywords against the local SerpApi (test/support/fake-serpapi.ts).
import autocannon from "autocannon";

export type RanksBench = {
  note: string;
  cached_keywords: number;
  cached_p50_ms: number;
  ready_p50_ms: number;
  cached_p50_relative_to_ready: number;
  cached_requests_per_second: number;
  cached_non_2xx: number;
  cold_keywords: number;
  cold_serpapi_calls: number;
  cold_wall_ms: number;
  cold_statuses: Record<string, number>;
};

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

const ranksPath = (domain: string, keywords: string[]) =>
  `/api/v1/reputation/ranks?${new URLSearchParams([["domain", domain], ...keywords.map((kw) => ["kw", kw])])}`;

async function script(serpapiUrl: string, q: string, position: number, domain: string) {
  await fetch(`${serpapiUrl}/__scripts`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ q, ranked: { position, link: `https://www.${domain}/${position}` } }),
  });
}

async function p50Of(
  url: string,
  path: string,
  headers: Record<string, string>,
  seconds: number,
  connections: number,
) {
  const result = await autocannon({ url: `${url}${path}`, headers, duration: seconds, connections });
  return { p50: result.latency.p50, requestsPerSecond: result.requests.average, non2xx: result.non2xx };
}

/**
 * Cached: one keyword looked up once (so its pages are in the cache and its answer in the history), then
 * measured against /ready in interleaved rounds. Cold: 20 fresh keywords at positions spread over the 10
 * pages, one request, its wall time and the SerpApi calls it made.
 */
export async function benchRanks(
  url: string,
  accessToken: string,
  serpapiUrl: string,
  options: { seconds: number; rounds: number; connections: number },
): Promise<RanksBench> {
  const headers = { authorization: `Bearer ${accessToken}` };
  const domain = "bench-ranks.example";
  const run = crypto.randomUUID().slice(0, 8);
  const cachedKeyword = `bench cached ${run}`;
  await script(serpapiUrl, cachedKeyword, 3, domain);
  const warm = await fetch(`${url}${ranksPath(domain, [cachedKeyword])}`, { headers });
  if (!warm.ok) throw new Error(`ranks warm-up failed: ${warm.status} ${await warm.text()}`);
  const cachedPath = ranksPath(domain, [cachedKeyword]);
  await p50Of(url, cachedPath, headers, 1, options.connections); // warm-up, not recorded
  const cached: Awaited<ReturnType<typeof p50Of>>[] = [];
  const ready: Awaited<ReturnType<typeof p50Of>>[] = [];
  for (let round = 0; round < options.rounds; round++) {
    ready.push(await p50Of(url, "/ready", {}, options.seconds, options.connections));
    cached.push(await p50Of(url, cachedPath, headers, options.seconds, options.connections));
  }
  const cachedP50 = median(cached.map((sample) => sample.p50));
  const readyP50 = median(ready.map((sample) => sample.p50));

  const coldKeywords = Array.from({ length: 20 }, (_, index) => `bench cold ${run} ${index}`);
  // Positions 1..100 in steps of 5, with every fourth keyword absent: 1 to 10 pages each.
  await Promise.all(
    coldKeywords.map((keyword, index) =>
      script(serpapiUrl, keyword, index % 4 === 3 ? 101 : index * 5 + 1, domain),
    ),
  );
  const started = performance.now();
  const cold = await fetch(`${url}${ranksPath(domain, coldKeywords)}`, { headers });
  const body = (await cold.json()) as { results: { status: string; source: string }[] };
  const coldWall = performance.now() - started;
  let calls = 0;
  for (const keyword of coldKeywords) {
    const response = await fetch(`${serpapiUrl}/__calls?q=${encodeURIComponent(keyword)}`);
    calls += ((await response.json()) as { count: number }).count;
  }
  const statuses: Record<string, number> = {};
  for (const result of body.results ?? [])
    statuses[`${result.status}/${result.source}`] = (statuses[`${result.status}/${result.source}`] ?? 0) + 1;
  return {
    note: "cached: one keyword, pages and history already stored (one database round trip); cold: 20 keywords, 1-10 SerpApi pages each, 4 keywords at a time",
    cached_keywords: 1,
    cached_p50_ms: cachedP50,
    ready_p50_ms: readyP50,
    cached_p50_relative_to_ready: Math.round((cachedP50 / readyP50) * 100) / 100,
    cached_requests_per_second: Math.round(median(cached.map((sample) => sample.requestsPerSecond))),
    cached_non_2xx: cached.reduce((sum, sample) => sum + sample.non2xx, 0),
    cold_keywords: coldKeywords.length,
    cold_serpapi_calls: calls,
    cold_wall_ms: Math.round(coldWall),
    cold_statuses: statuses,
  };
}

export type MentionSummaryBench = {
  note: string;
  mentions: number;
  competitor_mentions: number;
  summary_p50_ms: number;
  ready_p50_ms: number;
  summary_p50_relative_to_ready: number;
  summary_requests_per_second: number;
  summary_non_2xx: number;
};

const NETWORKS = ["instagram", "facebook", "tiktok", "x", "youtube", "linkedin"];
const DAY_MS = 86_400_000;

async function postJson(url: string, headers: Record<string, string>, body: unknown) {
  const response = await fetch(url, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${url} failed: ${response.status} ${await response.text()}`);
  return response.json() as Promise<{ id: string }>;
}

/** `count` posts spread over the last 60 days (the window and the one before), networks and authors. */
async function ingestMentions(url: string, headers: Record<string, string>, brandId: string, count: number) {
  const now = Date.now();
  for (let start = 0; start < count; start += 1000) {
    const posts = Array.from({ length: Math.min(1000, count - start) }, (_, offset) => {
      const index = start + offset;
      return {
        network: NETWORKS[index % NETWORKS.length],
        external_id: `bench-${index}`,
        text: index % 3 === 0 ? "Excelente, me encanta" : index % 3 === 1 ? "Terrible servicio" : "Lo vi hoy",
        published_at: new Date(now - ((index * 7919) % (60 * DAY_MS))).toISOString(),
        author: { handle: `@author${index % 400}`, name: null, followers: index },
        metrics: { likes: index % 50, comments: index % 7, shares: index % 3, views: 0, reach: index % 1000 },
      };
    });
    await postJson(`${url}/api/v1/brands/${brandId}/posts`, headers, { posts });
  }
}

/**
 * A brand's summary (its mentions and a competitor's, over the last 30 days and the 30 before) against
 * /ready in interleaved rounds: one SQL statement in one round trip, grouped in Postgres.
 */
export async function benchMentionSummary(
  url: string,
  accessToken: string,
  options: { seconds: number; rounds: number; connections: number; mentions: number },
): Promise<MentionSummaryBench> {
  const headers = { authorization: `Bearer ${accessToken}` };
  const run = crypto.randomUUID().slice(0, 8);
  const competitor = await postJson(`${url}/api/v1/brands`, headers, { name: `Bench rival ${run}` });
  const brand = await postJson(`${url}/api/v1/brands`, headers, {
    name: `Bench brand ${run}`,
    competitor_ids: [competitor.id],
  });
  const competitorMentions = Math.round(options.mentions / 2);
  await ingestMentions(url, headers, brand.id, options.mentions);
  await ingestMentions(url, headers, competitor.id, competitorMentions);
  const summaryPath = `/api/v1/reputation/summary?brand_id=${brand.id}`;
  const warm = await fetch(`${url}${summaryPath}`, { headers });
  if (!warm.ok) throw new Error(`summary warm-up failed: ${warm.status} ${await warm.text()}`);
  await p50Of(url, summaryPath, headers, 1, options.connections); // warm-up, not recorded
  const summary: Awaited<ReturnType<typeof p50Of>>[] = [];
  const ready: Awaited<ReturnType<typeof p50Of>>[] = [];
  for (let round = 0; round < options.rounds; round++) {
    ready.push(await p50Of(url, "/ready", {}, options.seconds, options.connections));
    summary.push(await p50Of(url, summaryPath, headers, options.seconds, options.connections));
  }
  const summaryP50 = median(summary.map((sample) => sample.p50));
  const readyP50 = median(ready.map((sample) => sample.p50));
  return {
    note: "summary: the brand's and one competitor's mentions over the default window and the one before, one statement",
    mentions: options.mentions,
    competitor_mentions: competitorMentions,
    summary_p50_ms: summaryP50,
    ready_p50_ms: readyP50,
    summary_p50_relative_to_ready: Math.round((summaryP50 / readyP50) * 100) / 100,
    summary_requests_per_second: Math.round(median(summary.map((sample) => sample.requestsPerSecond))),
    summary_non_2xx: summary.reduce((sum, sample) => sum + sample.non2xx, 0),
  };
}
