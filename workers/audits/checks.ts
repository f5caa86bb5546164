import type { Crawl, CrawledPage } from "./crawler.ts";
import type { Category, Check, CheckStatus, Severity } from "./result.ts";

export const TTFB_WARN_MS = 600;
export const TTFB_FAIL_MS = 1800;
export const PAGE_WEIGHT_WARN_BYTES = 500 * 1024;

// Lighthouse's list of link texts that say nothing about the target (link-text audit).
const VAGUE_LINK_TEXT = new Set([
  "click here",
  "click this",
  "go",
  "here",
  "this",
  "start",
  "right here",
  "more",
  "learn more",
  "read more",
  "link",
  "continue",
]);
const HREFLANG = /^(x-default|[a-z]{2,3}(-[a-z]{4})?(-([a-z]{2}|\d{3}))?)$/i;
const LANG = /^[a-z]{2,3}(-[a-z0-9]{2,8})*$/i;

type Definition = { id: string; title: string; category: Category; severity: Severity };

/** Every check, in report order. The weights in scoring.ts come from `severity`. */
export const CHECKS = {
  httpStatus: {
    id: "http-status-code",
    title: "Page has a successful HTTP status code",
    category: "crawlability",
    severity: "critical",
  },
  crawlable: {
    id: "is-crawlable",
    title: "Pages are not blocked from indexing",
    category: "crawlability",
    severity: "critical",
  },
  robotsTxt: { id: "robots-txt", title: "robots.txt is valid", category: "crawlability", severity: "medium" },
  sitemap: {
    id: "sitemap",
    title: "sitemap.xml exists and lists the pages",
    category: "crawlability",
    severity: "medium",
  },
  crawlableAnchors: {
    id: "crawlable-anchors",
    title: "Links are crawlable",
    category: "crawlability",
    severity: "medium",
  },
  brokenLinks: {
    id: "broken-links",
    title: "Internal links resolve",
    category: "crawlability",
    severity: "high",
  },
  redirects: {
    id: "redirect-chains",
    title: "No chains of redirects",
    category: "crawlability",
    severity: "medium",
  },
  canonical: {
    id: "canonical",
    title: "Canonical links are valid",
    category: "crawlability",
    severity: "high",
  },
  hreflang: {
    id: "hreflang",
    title: "hreflang links are valid",
    category: "crawlability",
    severity: "medium",
  },
  title: { id: "document-title", title: "Pages have a <title>", category: "content", severity: "high" },
  description: {
    id: "meta-description",
    title: "Pages have a meta description",
    category: "content",
    severity: "medium",
  },
  lang: {
    id: "html-lang",
    title: "<html> has a valid lang attribute",
    category: "content",
    severity: "medium",
  },
  h1: { id: "single-h1", title: "Pages have one meaningful <h1>", category: "content", severity: "medium" },
  linkText: { id: "link-text", title: "Links have descriptive text", category: "content", severity: "low" },
  imageAlt: { id: "image-alt", title: "Images have alt text", category: "content", severity: "medium" },
  duplicateTitles: {
    id: "duplicate-titles",
    title: "Titles are unique across pages",
    category: "content",
    severity: "medium",
  },
  duplicateDescriptions: {
    id: "duplicate-descriptions",
    title: "Meta descriptions are unique across pages",
    category: "content",
    severity: "low",
  },
  keywords: {
    id: "keywords",
    title: "Target keywords appear in title, h1 and description",
    category: "content",
    severity: "low",
  },
  viewport: {
    id: "viewport",
    title: "Pages have a viewport meta tag",
    category: "mobile_social",
    severity: "high",
  },
  openGraph: {
    id: "open-graph",
    title: "Pages have Open Graph title, description and image",
    category: "mobile_social",
    severity: "low",
  },
  ttfb: {
    id: "server-response-time",
    title: "Server responds quickly (time to first byte)",
    category: "performance",
    severity: "medium",
  },
  pageWeight: {
    id: "page-weight",
    title: "HTML documents are light",
    category: "performance",
    severity: "medium",
  },
  https: {
    id: "https",
    title: "Site uses HTTPS and redirects http to https",
    category: "security",
    severity: "high",
  },
} satisfies Record<string, Definition>;

const check = (definition: Definition, status: CheckStatus, evidence: string[] = []): Check => ({
  ...definition,
  status,
  evidence,
});
/** Fails with the evidence when there is any, passes otherwise. */
const failIfAny = (definition: Definition, evidence: string[], status: CheckStatus = "fail") =>
  check(definition, evidence.length > 0 ? status : "pass", evidence);

const isHtmlPage = (page: CrawledPage) => page.html && page.status !== null && page.status < 300;

function duplicates(pages: CrawledPage[], value: (page: CrawledPage) => string | null | undefined): string[] {
  const byValue = new Map<string, string[]>();
  for (const page of pages) {
    const text = value(page);
    if (text) byValue.set(text, [...(byValue.get(text) ?? []), page.url]);
  }
  return [...byValue]
    .filter(([, urls]) => urls.length > 1)
    .map(([text, urls]) => `"${text}": ${urls.join(", ")}`);
}

function canonicalProblems(page: CrawledPage): string[] {
  const hrefs = [...new Set(page.facts.canonicals)];
  if (hrefs.length === 0) return [];
  if (hrefs.length > 1) return [`${page.url}: conflicting canonicals ${hrefs.join(", ")}`];
  const href = hrefs[0] ?? "";
  if (!URL.canParse(href)) return [`${page.url}: canonical "${href}" is not an absolute URL`];
  const target = new URL(href);
  const here = new URL(page.finalUrl);
  if (target.protocol !== "http:" && target.protocol !== "https:")
    return [`${page.url}: canonical "${href}" is not http(s)`];
  if (target.pathname === "/" && here.pathname !== "/" && target.host === here.host)
    return [`${page.url}: canonical points at the site root`];
  return [];
}

function startPageOf(crawl: Crawl): CrawledPage | undefined {
  return crawl.pages.find((page) => page.url === crawl.startUrl);
}

/** Runs every check over a crawl. `keywords` are the project's target keywords. */
export function runChecks(crawl: Crawl, keywords: string[]): Check[] {
  // A page reached again through a redirect is judged once, at its final URL.
  const finalUrls = new Set<string>();
  const pages = crawl.pages.filter((page) => {
    if (!isHtmlPage(page) || finalUrls.has(page.finalUrl)) return false;
    finalUrls.add(page.finalUrl);
    return true;
  });
  const start = startPageOf(crawl);
  const startUrl = new URL(crawl.startUrl);
  const checks: Check[] = [];

  // Crawlability
  if (!start) {
    checks.push(check(CHECKS.httpStatus, "fail", [`${crawl.startUrl}: not fetched (blocked by robots.txt)`]));
  } else if (start.status === null || start.status >= 400) {
    checks.push(check(CHECKS.httpStatus, "fail", [`${start.url}: ${start.error ?? `HTTP ${start.status}`}`]));
  } else {
    checks.push(check(CHECKS.httpStatus, "pass", [`${start.url}: HTTP ${start.status}`]));
  }

  const blocked = [
    ...crawl.disallowed
      .filter((url) => url === crawl.startUrl)
      .map((url) => `${url}: disallowed by robots.txt`),
    ...pages.flatMap((page) => {
      const reasons = [
        ...page.facts.robotsMeta
          .filter((content) => /noindex|none/.test(content))
          .map((c) => `meta robots "${c}"`),
        ...(page.xRobotsTag && /noindex|none/i.test(page.xRobotsTag)
          ? [`X-Robots-Tag "${page.xRobotsTag}"`]
          : []),
      ];
      return reasons.map((reason) => `${page.url}: ${reason}`);
    }),
  ];
  checks.push(failIfAny(CHECKS.crawlable, blocked));

  const { robots } = crawl;
  if (robots.status === null) checks.push(check(CHECKS.robotsTxt, "fail", [`robots.txt: ${robots.error}`]));
  else if (robots.status >= 500)
    checks.push(check(CHECKS.robotsTxt, "fail", [`robots.txt: HTTP ${robots.status}`]));
  else if (!robots.parsed)
    checks.push(check(CHECKS.robotsTxt, "pass", [`robots.txt: HTTP ${robots.status}, none`]));
  else checks.push(failIfAny(CHECKS.robotsTxt, robots.parsed.errors));

  if (crawl.sitemap.status === null || crawl.sitemap.status >= 400 || crawl.sitemap.locations.length === 0) {
    checks.push(
      check(CHECKS.sitemap, "fail", [
        `${crawl.sitemap.url}: ${crawl.sitemap.status === null ? "unreachable" : crawl.sitemap.status >= 400 ? `HTTP ${crawl.sitemap.status}` : "lists no URLs"}`,
      ]),
    );
  } else {
    const listed = new Set(crawl.sitemap.locations.map((location) => new URL(location).href));
    const missing = pages
      .filter((page) => !listed.has(page.url))
      .map((page) => `${page.url}: not in the sitemap`);
    checks.push(failIfAny(CHECKS.sitemap, missing, "warn"));
  }

  checks.push(
    failIfAny(
      CHECKS.crawlableAnchors,
      pages.flatMap((page) =>
        page.facts.anchors
          .filter(
            (anchor) =>
              (anchor.href === null && anchor.onclick) ||
              /^\s*javascript:/i.test(anchor.href ?? "") ||
              anchor.href === "",
          )
          .map((anchor) => `${page.url}: <a href="${anchor.href ?? ""}">${anchor.text}</a>`),
      ),
    ),
  );

  const broken = crawl.pages
    .filter((page) => page.status === null || page.status >= 400)
    .filter((page) => page.url !== crawl.startUrl)
    .map(
      (page) =>
        `${page.url}: ${page.error ?? `HTTP ${page.status}`} (linked from ${page.linkedFrom.join(", ") || "the sitemap"})`,
    );
  checks.push(failIfAny(CHECKS.brokenLinks, broken));

  checks.push(
    failIfAny(
      CHECKS.redirects,
      crawl.pages
        .filter((page) => page.redirects.length > 1)
        .map((page) => `${[...page.redirects, page.finalUrl].join(" → ")}`),
    ),
  );

  checks.push(failIfAny(CHECKS.canonical, pages.flatMap(canonicalProblems)));
  checks.push(
    failIfAny(
      CHECKS.hreflang,
      pages.flatMap((page) =>
        page.facts.hreflangs
          .filter((link) => !HREFLANG.test(link.lang) || !URL.canParse(link.href))
          .map((link) => `${page.url}: hreflang="${link.lang}" href="${link.href}"`),
      ),
    ),
  );

  // Content
  checks.push(
    failIfAny(
      CHECKS.title,
      pages.filter((page) => !page.facts.titles.some(Boolean)).map((page) => `${page.url}: no title`),
    ),
  );
  checks.push(
    failIfAny(
      CHECKS.description,
      pages.filter((page) => !page.facts.description).map((page) => `${page.url}: no meta description`),
    ),
  );
  checks.push(
    failIfAny(
      CHECKS.lang,
      pages
        .filter((page) => !page.facts.lang || !LANG.test(page.facts.lang))
        .map((page) => `${page.url}: lang="${page.facts.lang ?? ""}"`),
    ),
  );
  checks.push(
    failIfAny(
      CHECKS.h1,
      pages
        .filter((page) => page.facts.h1s.filter(Boolean).length !== 1)
        .map((page) => `${page.url}: ${page.facts.h1s.filter(Boolean).length} non-empty h1`),
    ),
  );
  checks.push(
    failIfAny(
      CHECKS.linkText,
      pages.flatMap((page) =>
        page.facts.anchors
          .filter((anchor) => anchor.href && VAGUE_LINK_TEXT.has(anchor.text.toLowerCase()))
          .map((anchor) => `${page.url}: "${anchor.text}" → ${anchor.href}`),
      ),
    ),
  );
  checks.push(
    failIfAny(
      CHECKS.imageAlt,
      pages.flatMap((page) => page.facts.imagesWithoutAlt.map((src) => `${page.url}: <img src="${src}">`)),
    ),
  );
  checks.push(
    failIfAny(
      CHECKS.duplicateTitles,
      duplicates(pages, (page) => page.facts.titles[0]),
    ),
  );
  checks.push(
    failIfAny(
      CHECKS.duplicateDescriptions,
      duplicates(pages, (page) => page.facts.description),
    ),
  );

  if (keywords.length === 0 || !start || !isHtmlPage(start)) {
    checks.push(
      check(CHECKS.keywords, "pass", [
        keywords.length === 0 ? "no target keywords set" : "start page not parsed",
      ]),
    );
  } else {
    const places = {
      title: start.facts.titles[0] ?? "",
      h1: start.facts.h1s[0] ?? "",
      description: start.facts.description ?? "",
    };
    const missing = keywords.flatMap((keyword) =>
      Object.entries(places)
        .filter(([, text]) => !text.toLowerCase().includes(keyword.toLowerCase()))
        .map(([place]) => `"${keyword}" not in the ${place}`),
    );
    const absentEverywhere = keywords.some((keyword) =>
      Object.values(places).every((text) => !text.toLowerCase().includes(keyword.toLowerCase())),
    );
    checks.push(
      check(CHECKS.keywords, missing.length === 0 ? "pass" : absentEverywhere ? "fail" : "warn", missing),
    );
  }

  // Mobile and social
  checks.push(
    failIfAny(
      CHECKS.viewport,
      pages
        .filter((page) => !/width\s*=|initial-scale\s*=/i.test(page.facts.viewport ?? ""))
        .map((page) => `${page.url}: no usable viewport meta`),
    ),
  );
  checks.push(
    failIfAny(
      CHECKS.openGraph,
      pages.flatMap((page) => {
        const missing = ["og:title", "og:description", "og:image"].filter(
          (key) => !page.facts.openGraph[key],
        );
        return missing.length > 0 ? [`${page.url}: missing ${missing.join(", ")}`] : [];
      }),
      "warn",
    ),
  );

  // Performance
  const slow = crawl.pages.filter((page) => (page.ttfbMs ?? 0) > TTFB_WARN_MS);
  checks.push(
    check(
      CHECKS.ttfb,
      slow.some((page) => (page.ttfbMs ?? 0) > TTFB_FAIL_MS) ? "fail" : slow.length > 0 ? "warn" : "pass",
      slow.map((page) => `${page.url}: ${page.ttfbMs} ms`),
    ),
  );
  const heavy = pages.filter((page) => page.truncated || page.bytes > PAGE_WEIGHT_WARN_BYTES);
  checks.push(
    check(
      CHECKS.pageWeight,
      heavy.some((page) => page.truncated) ? "fail" : heavy.length > 0 ? "warn" : "pass",
      heavy.map((page) => `${page.url}: ${page.truncated ? "over the size limit" : `${page.bytes} bytes`}`),
    ),
  );

  // Security
  if (startUrl.protocol !== "https:") {
    checks.push(check(CHECKS.https, "fail", [`${crawl.startUrl}: served over http`]));
  } else if (crawl.httpVersionRedirectsTo === null) {
    checks.push(check(CHECKS.https, "warn", ["http:// version could not be fetched"]));
  } else if (!crawl.httpVersionRedirectsTo?.startsWith("https:")) {
    checks.push(check(CHECKS.https, "fail", ["http:// version does not redirect to https"]));
  } else {
    checks.push(check(CHECKS.https, "pass"));
  }
  return checks;
}
