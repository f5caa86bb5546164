import type { Config } from "../config/config.ts";
import { measuredFetch } from "../observability/outbound.ts";
import {
  NO_RESULTS_ERROR,
  RESULTS_PER_PAGE,
  SerpApiOrganicResultSchema,
  SerpApiSearchSchema,
} from "./wire.ts";

/** Counted in borde_outbound_requests_total{service="serpapi"} with its latency. */
const serpapiFetch = measuredFetch("serpapi");

export const DEVICES = ["desktop", "mobile", "tablet"] as const;
export type Device = (typeof DEVICES)[number];

/** A Google search as SerpApi runs it: the normalised query and where and how it is searched from. */
export type SerpQuery = { query: string; gl: string; hl: string; device: Device };

export type OrganicResult = { position: number; link: string; title: string };

/** One result page: its organic results, and whether Google has no page after it. */
export type SerpPage = { results: OrganicResult[]; last: boolean };

export type SerpOutcome = { ok: true; page: SerpPage } | { ok: false; reason: string };

/** Attempts per page: the first, and up to two retries after a 429 or a 5xx. */
export const MAX_ATTEMPTS = 3;
/** The longest Retry-After honoured; a longer one fails the page at once instead of holding the caller. */
export const MAX_RETRY_AFTER_MS = 5000;
const BACKOFF_MS = 250;

/** The longest one page can take through every attempt and wait, so a concurrent caller knows how long to wait. */
export const pageBudgetMs = (config: Config) =>
  MAX_ATTEMPTS * config.serpapi.timeoutMs + (MAX_ATTEMPTS - 1) * MAX_RETRY_AFTER_MS;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Retry-After in milliseconds, from seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number): number | null {
  if (header === null || header.trim() === "") return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/**
 * Reads one page of SerpApi's answer. Positions are absolute; a result without one is placed by its order
 * on the page, and results without a usable link are skipped.
 */
export function parseSerpPage(body: unknown, page: number): SerpOutcome {
  const parsed = SerpApiSearchSchema.safeParse(body);
  if (!parsed.success) return { ok: false, reason: "SerpApi answered with JSON of an unexpected shape" };
  const search = parsed.data;
  if (search.error !== undefined) {
    if (NO_RESULTS_ERROR.test(search.error)) return { ok: true, page: { results: [], last: true } };
    return { ok: false, reason: `SerpApi refused the search: ${search.error}` };
  }
  const results: OrganicResult[] = [];
  for (const [index, item] of (search.organic_results ?? []).entries()) {
    const result = SerpApiOrganicResultSchema.safeParse(item);
    if (!result.success || !URL.canParse(result.data.link)) continue;
    results.push({
      position: result.data.position ?? page * RESULTS_PER_PAGE + index + 1,
      link: result.data.link,
      title: result.data.title,
    });
  }
  const last = results.length < RESULTS_PER_PAGE || !search.serpapi_pagination?.next;
  return { ok: true, page: { results, last } };
}

function searchUrl(config: Config, apiKey: string, query: SerpQuery, page: number): string {
  const url = new URL("/search.json", `${config.serpapi.baseUrl}/`);
  url.search = new URLSearchParams({
    engine: "google",
    q: query.query,
    gl: query.gl,
    hl: query.hl,
    device: query.device,
    start: String(page * RESULTS_PER_PAGE),
    api_key: apiKey,
    output: "json",
  }).toString();
  return url.toString();
}

const isTimeout = (error: unknown) =>
  error instanceof DOMException && (error.name === "TimeoutError" || error.name === "AbortError");

/**
 * Fetches one result page (0-based) from SerpApi's Google engine. Each attempt has the configured deadline;
 * a 429 is retried after its Retry-After (at most MAX_RETRY_AFTER_MS), a 5xx or a lost connection after a
 * short backoff, MAX_ATTEMPTS in all. A timeout, malformed JSON or another refusal fails at once: trying
 * again would only double the caller's wait. Never throws; a failure carries a reason for the answer.
 */
export async function fetchSerpPage(
  config: Config,
  apiKey: string,
  query: SerpQuery,
  page: number,
): Promise<SerpOutcome> {
  const url = searchUrl(config, apiKey, query, page);
  let reason = "SerpApi could not be reached";
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    let response: Response;
    try {
      response = await serpapiFetch(url, {
        headers: { accept: "application/json" },
        signal: AbortSignal.timeout(config.serpapi.timeoutMs),
      });
    } catch (error) {
      if (isTimeout(error)) {
        return { ok: false, reason: `SerpApi did not answer within ${config.serpapi.timeoutMs} ms` };
      }
      reason = "SerpApi could not be reached";
      if (attempt < MAX_ATTEMPTS) await sleep(BACKOFF_MS * attempt);
      continue;
    }
    if (response.status === 429) {
      await response.body?.cancel();
      const wait = retryAfterMs(response.headers.get("retry-after"), Date.now()) ?? BACKOFF_MS * attempt;
      reason = "SerpApi is rate limiting this account (429)";
      if (wait > MAX_RETRY_AFTER_MS)
        return { ok: false, reason: `${reason}, retry after ${Math.ceil(wait / 1000)} s` };
      if (attempt < MAX_ATTEMPTS) await sleep(wait);
      continue;
    }
    if (response.status >= 500) {
      await response.body?.cancel();
      reason = `SerpApi failed with ${response.status}`;
      if (attempt < MAX_ATTEMPTS) await sleep(BACKOFF_MS * attempt);
      continue;
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch (error) {
      if (isTimeout(error)) {
        return { ok: false, reason: `SerpApi did not answer within ${config.serpapi.timeoutMs} ms` };
      }
      return { ok: false, reason: `SerpApi answered ${response.status} with malformed JSON` };
    }
    if (!response.ok) {
      const said = SerpApiSearchSchema.safeParse(body).data?.error;
      return {
        ok: false,
        reason: `SerpApi refused the search (${response.status})${said ? `: ${said}` : ""}`,
      };
    }
    return parseSerpPage(body, page);
  }
  return { ok: false, reason: `${reason}, after ${MAX_ATTEMPTS} attempts` };
}
