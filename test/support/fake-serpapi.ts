// A local HTTP server that speaks SerpApi's Google engine (`GET /search.json?engine=google&q=…&start=…`),
// so rank lookups are exercised with no network. Each test scripts its own queries (tests use unique
// keywords, so parallel tests never share a script):
//   POST /__scripts  { "q": "...", "ranked": { "position": 25, "link": "https://www.example.com/x" },
//                      "total": 100, "responses": ["429", "500", "timeout", "malformed"], "retry_after": 1,
//                      "delay_ms": 0 }
//     ranked     puts that link at that absolute position (else no result is on any asked-about domain)
//     total      how many results Google has for the query (100 unless said; pages past it answer
//                SerpApi's "no results" error)
//     responses  what the next calls for the query get, in order; later calls are answered normally
//   GET /__calls?q=...  { "count": n, "starts": [0, 10, …] }: the calls received for the query
// Unscripted queries get 100 results on result-<n>.example.org. A call without api_key gets SerpApi's 401.
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { SerpScript } from "./serp-script.ts";

export type FakeSerpApi = { baseUrl: string; close: () => Promise<void> };

function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  response.writeHead(status, { "content-type": "application/json", ...headers });
  response.end(JSON.stringify(body));
}

async function readJson(request: AsyncIterable<unknown>): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

/** SerpApi's answer for one page of a query, with absolute positions and its pagination links. */
function searchPage(url: URL, q: string, start: number, script: SerpScript) {
  const total = script.total ?? 100;
  const metadata = {
    id: crypto.randomUUID().replaceAll("-", "").slice(0, 24),
    status: "Success",
    json_endpoint: `${url.origin}/searches/${q}.json`,
    created_at: new Date().toISOString(),
    total_time_taken: 0.42,
  };
  const parameters = Object.fromEntries(url.searchParams);
  delete parameters.api_key;
  if (start >= total) {
    return {
      search_metadata: metadata,
      search_parameters: parameters,
      error: "Google hasn't returned any results for this query.",
    };
  }
  const organic = [];
  for (let position = start + 1; position <= Math.min(start + 10, total); position++) {
    const ranked = script.ranked?.position === position ? script.ranked : undefined;
    organic.push({
      position,
      title: ranked?.title ?? `Result ${position} for ${q}`,
      link: ranked?.link ?? `https://result-${position}.example.org/${encodeURIComponent(q)}`,
      displayed_link: `result-${position}.example.org`,
      snippet: `Snippet ${position}.`,
    });
  }
  const next =
    start + 10 < total
      ? `${url.origin}/search.json?engine=google&q=${encodeURIComponent(q)}&start=${start + 10}`
      : undefined;
  return {
    search_metadata: metadata,
    search_parameters: parameters,
    search_information: { query_displayed: q, total_results: total },
    organic_results: organic,
    serpapi_pagination: { current: start / 10 + 1, ...(next ? { next } : {}) },
  };
}

export async function startFakeSerpApi(port = 0): Promise<FakeSerpApi> {
  const scripts = new Map<string, SerpScript & { from: number }>();
  const calls = new Map<string, number[]>();
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? "/", `http://${request.headers.host ?? "fake"}`);
    if (request.method === "POST" && url.pathname === "/__scripts") {
      const { q, ...script } = (await readJson(request)) as SerpScript & { q: string };
      // A script's responses count from the calls after it is set, so a test may script a query again.
      scripts.set(q, { ...script, from: calls.get(q)?.length ?? 0 });
      return sendJson(response, 200, { ok: true });
    }
    if (request.method === "GET" && url.pathname === "/__calls") {
      const starts = calls.get(url.searchParams.get("q") ?? "") ?? [];
      return sendJson(response, 200, { count: starts.length, starts });
    }
    if (request.method !== "GET" || url.pathname !== "/search.json") {
      return sendJson(response, 404, { error: "Not found." });
    }
    if (!url.searchParams.get("api_key")) {
      return sendJson(response, 401, {
        error: "Invalid API key. Your API key should be here: https://serpapi.com/manage-api-key",
      });
    }
    const q = url.searchParams.get("q") ?? "";
    const start = Number(url.searchParams.get("start") ?? 0);
    const received = calls.get(q) ?? [];
    received.push(start);
    calls.set(q, received);
    const script = scripts.get(q) ?? { from: 0 };
    const scripted = script.responses?.[received.length - 1 - script.from];
    if (script.delay_ms) await new Promise((resolve) => setTimeout(resolve, script.delay_ms));
    if (scripted === "429") {
      return sendJson(
        response,
        429,
        { error: "Your account has run out of searches." },
        {
          "retry-after": String(script.retry_after ?? 1),
        },
      );
    }
    if (scripted === "500") return sendJson(response, 500, { error: "Internal server error." });
    // Never answers; the client's deadline ends the wait (the server's close ends the connection).
    if (scripted === "timeout") return;
    if (scripted === "malformed") {
      response.writeHead(200, { "content-type": "application/json" });
      return response.end('{"search_metadata": {"status": "Success"}, "organic_results": [');
    }
    return sendJson(response, 200, searchPage(url, q, start, script));
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
