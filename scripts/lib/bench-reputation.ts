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
