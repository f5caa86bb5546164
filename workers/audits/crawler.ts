import { FetchRefused, fetchAsBot, fetchText, limitBody } from "./fetch-page.ts";
import { emptyFacts, type PageFacts, parsePage } from "./page-parser.ts";
import { parseRobots, type Robots, robotsAllows, sitemapLocations } from "./robots.ts";

export const CRAWL_CONCURRENCY = 4;

export type CrawledPage = {
  /** The URL as linked or listed. */
  url: string;
  /** Where it ended up after redirects. */
  finalUrl: string;
  status: number | null;
  redirects: string[];
  ttfbMs: number | null;
  bytes: number;
  truncated: boolean;
  html: boolean;
  xRobotsTag: string | null;
  facts: PageFacts;
  error: string | null;
  /** Pages that link here, for the broken-link evidence. */
  linkedFrom: string[];
};

export type Crawl = {
  startUrl: string;
  robots: { status: number | null; parsed: Robots | null; error: string | null };
  sitemap: { url: string; status: number | null; locations: string[] };
  /** Internal URLs robots.txt kept the crawler from fetching. */
  disallowed: string[];
  pages: CrawledPage[];
  /** For https sites: where http:// of the start URL leads (null when it could not be fetched). */
  httpVersionRedirectsTo: string | null | undefined;
};

export type CrawlOptions = {
  maxPages: number;
  allowPrivate: boolean;
  onProgress?: (done: number, planned: number) => Promise<void>;
};

const normalise = (url: URL) => {
  const copy = new URL(url.href);
  copy.hash = "";
  return copy.href;
};

async function fetchPage(url: string, allowPrivate: boolean): Promise<Omit<CrawledPage, "linkedFrom">> {
  const page = {
    url,
    finalUrl: url,
    status: null,
    redirects: [],
    ttfbMs: null,
    bytes: 0,
    truncated: false,
    html: false,
    xRobotsTag: null,
    facts: emptyFacts(),
    error: null,
  };
  try {
    const fetched = await fetchAsBot(url, allowPrivate);
    const { response } = fetched;
    const html = (response.headers.get("content-type") ?? "").includes("html");
    const result = {
      ...page,
      finalUrl: fetched.url,
      status: response.status,
      redirects: fetched.redirects,
      ttfbMs: fetched.ttfbMs,
      html: html && response.ok,
      xRobotsTag: response.headers.get("x-robots-tag"),
    };
    if (!response.body) return result;
    const { stream, state } = limitBody(response.body);
    if (!result.html) {
      await stream.pipeTo(new WritableStream());
      return { ...result, bytes: state.bytes, truncated: state.truncated };
    }
    const facts = await parsePage(stream);
    return { ...result, facts, bytes: state.bytes, truncated: state.truncated };
  } catch (error) {
    const message =
      error instanceof FetchRefused
        ? `refused: ${error.message}`
        : error instanceof Error
          ? `${error.name}: ${error.message}`
          : String(error);
    return { ...page, error: message };
  }
}

/**
 * Crawls a site the way a search engine would: robots.txt first (and obeyed), the sitemap, then the
 * start page and the internal pages it links to, breadth first, a few at a time, up to `maxPages`.
 * Network errors and timeouts become page results, never exceptions.
 */
export async function crawlSite(siteUrl: string, options: CrawlOptions): Promise<Crawl> {
  const start = new URL(siteUrl);
  const origin = start.origin;
  // The site's own origins: the start URL's, and the one it redirects to (example.com → www.example.com).
  const siteOrigins = new Set([origin]);
  const robotsFetch = await fetchText(`${origin}/robots.txt`, options.allowPrivate);
  const robots: Crawl["robots"] =
    robotsFetch.status === null
      ? { status: null, parsed: null, error: robotsFetch.error }
      : {
          status: robotsFetch.status,
          parsed: robotsFetch.status < 400 ? parseRobots(robotsFetch.text) : null,
          error: null,
        };
  const sitemapUrl = robots.parsed?.sitemaps[0] ?? `${origin}/sitemap.xml`;
  const sitemapFetch = await fetchText(sitemapUrl, options.allowPrivate);
  const sitemap = {
    url: sitemapUrl,
    status: sitemapFetch.status,
    locations:
      sitemapFetch.status !== null && sitemapFetch.status < 400 ? sitemapLocations(sitemapFetch.text) : [],
  };

  const seen = new Set<string>();
  const linkedFrom = new Map<string, Set<string>>();
  const disallowed: string[] = [];
  const pages: CrawledPage[] = [];
  const frontier: string[] = [];
  const enqueue = (url: URL, from: string | null) => {
    if (!siteOrigins.has(url.origin)) return;
    const key = normalise(url);
    if (from) {
      const sources = linkedFrom.get(key) ?? new Set<string>();
      sources.add(from);
      linkedFrom.set(key, sources);
    }
    if (seen.has(key)) return;
    seen.add(key);
    if (robots.parsed && !robotsAllows(robots.parsed, url)) disallowed.push(key);
    else frontier.push(key);
  };
  const startKey = normalise(start);
  enqueue(start, null);
  for (const location of sitemap.locations) enqueue(new URL(location), null);

  while (frontier.length > 0 && pages.length < options.maxPages) {
    const batch = frontier.splice(0, Math.min(CRAWL_CONCURRENCY, options.maxPages - pages.length));
    const fetched = await Promise.all(batch.map((url) => fetchPage(url, options.allowPrivate)));
    for (const page of fetched) {
      if (page.url === startKey) siteOrigins.add(new URL(page.finalUrl).origin);
      pages.push({ ...page, linkedFrom: [] });
      seen.add(normalise(new URL(page.finalUrl)));
      for (const anchor of page.facts.anchors) {
        if (!anchor.href || !URL.canParse(anchor.href, page.finalUrl)) continue;
        const target = new URL(anchor.href, page.finalUrl);
        if (target.protocol === "http:" || target.protocol === "https:") enqueue(target, page.url);
      }
    }
    await options.onProgress?.(pages.length, Math.min(options.maxPages, pages.length + frontier.length));
  }
  for (const page of pages) page.linkedFrom = [...(linkedFrom.get(page.url) ?? [])];

  let httpVersionRedirectsTo: string | null | undefined;
  if (start.protocol === "https:") {
    const plain = new URL(start.href);
    plain.protocol = "http:";
    try {
      const { url, response } = await fetchAsBot(plain.href, options.allowPrivate);
      await response.body?.cancel();
      httpVersionRedirectsTo = url;
    } catch {
      httpVersionRedirectsTo = null;
    }
  }
  return { startUrl: startKey, robots, sitemap, disallowed, pages, httpVersionRedirectsTo };
}
