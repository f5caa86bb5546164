import { describe, expect, it } from "vitest";
import {
  CHECKS,
  PAGE_WEIGHT_WARN_BYTES,
  runChecks,
  TTFB_FAIL_MS,
  TTFB_WARN_MS,
} from "../../../workers/audits/checks.ts";
import type { Crawl, CrawledPage } from "../../../workers/audits/crawler.ts";
import { emptyFacts, type PageFacts } from "../../../workers/audits/page-parser.ts";
import { parseRobots } from "../../../workers/audits/robots.ts";

// Small constructed crawls: a healthy two-page site that passes every check, and one change per case.

const SITE = "https://site.test/";
const ABOUT = "https://site.test/about";

function page(url: string, facts: Partial<PageFacts> = {}, changes: Partial<CrawledPage> = {}): CrawledPage {
  const name = url === SITE ? "Home" : "About";
  return {
    url,
    finalUrl: url,
    status: 200,
    redirects: [],
    ttfbMs: 120,
    bytes: 20_000,
    truncated: false,
    html: true,
    xRobotsTag: null,
    error: null,
    linkedFrom: [],
    ...changes,
    facts: {
      ...emptyFacts(),
      lang: "en",
      titles: [`${name} of Site`],
      description: `The ${name.toLowerCase()} page of the site`,
      viewport: "width=device-width, initial-scale=1",
      openGraph: { "og:title": name, "og:description": name, "og:image": `${SITE}og.png` },
      h1s: [`${name} of Site`],
      anchors: [{ href: "/about", text: "About the team", onclick: false }],
      ...facts,
    },
  };
}

function crawl(changes: Partial<Crawl> = {}): Crawl {
  return {
    startUrl: SITE,
    robots: { status: 200, parsed: parseRobots("User-agent: *\nAllow: /\n"), error: null },
    sitemap: { url: `${SITE}sitemap.xml`, status: 200, locations: [SITE, ABOUT] },
    disallowed: [],
    pages: [page(SITE), page(ABOUT, {}, { linkedFrom: [SITE] })],
    httpVersionRedirectsTo: SITE,
    ...changes,
  };
}

/** The one check `definition` names, run over `input` (with `keywords`). */
function result(definition: { id: string }, input: Crawl, keywords: string[] = []) {
  const found = runChecks(input, keywords).find((check) => check.id === definition.id);
  if (!found) throw new Error(`no ${definition.id} check in the report`);
  return found;
}

/** The healthy site with the about page replaced. */
const withAbout = (facts: Partial<PageFacts>, changes: Partial<CrawledPage> = {}) =>
  crawl({ pages: [page(SITE), page(ABOUT, facts, { linkedFrom: [SITE], ...changes })] });

describe("audit checks", () => {
  it("reports every check once, in report order, on a healthy site all passing", () => {
    const checks = runChecks(crawl(), ["site"]);
    expect(checks.map((check) => check.id)).toEqual(Object.values(CHECKS).map((definition) => definition.id));
    expect(checks.filter((check) => check.status !== "pass")).toEqual([]);
  });

  it("http-status-code: passes a 200 start page, fails a 5xx or one robots.txt kept out", () => {
    expect(result(CHECKS.httpStatus, crawl())).toMatchObject({
      status: "pass",
      evidence: [`${SITE}: HTTP 200`],
    });
    const down = crawl({ pages: [page(SITE, {}, { status: 503 })] });
    expect(result(CHECKS.httpStatus, down)).toMatchObject({
      status: "fail",
      evidence: [`${SITE}: HTTP 503`],
    });
    expect(result(CHECKS.httpStatus, crawl({ pages: [] })).status).toBe("fail");
  });

  it("is-crawlable: passes indexable pages, fails noindex by meta, header or robots.txt", () => {
    expect(result(CHECKS.crawlable, crawl()).status).toBe("pass");
    expect(result(CHECKS.crawlable, withAbout({ robotsMeta: ["noindex, follow"] })).evidence).toEqual([
      `${ABOUT}: meta robots "noindex, follow"`,
    ]);
    expect(result(CHECKS.crawlable, withAbout({}, { xRobotsTag: "noindex" })).status).toBe("fail");
    expect(result(CHECKS.crawlable, crawl({ disallowed: [SITE] })).evidence).toEqual([
      `${SITE}: disallowed by robots.txt`,
    ]);
  });

  it("robots-txt: passes a valid or missing file, fails broken lines or a server error", () => {
    expect(result(CHECKS.robotsTxt, crawl()).status).toBe("pass");
    expect(
      result(CHECKS.robotsTxt, crawl({ robots: { status: 404, parsed: null, error: null } })).status,
    ).toBe("pass");
    const broken = crawl({
      robots: { status: 200, parsed: parseRobots("User-agent: *\nDisalow: /x\n"), error: null },
    });
    expect(result(CHECKS.robotsTxt, broken)).toMatchObject({
      status: "fail",
      evidence: ["line 2: Disalow: /x"],
    });
    expect(
      result(CHECKS.robotsTxt, crawl({ robots: { status: 500, parsed: null, error: null } })).status,
    ).toBe("fail");
  });

  it("sitemap: passes when it lists every page, warns on a missing page, fails without one", () => {
    expect(result(CHECKS.sitemap, crawl()).status).toBe("pass");
    const partial = crawl({ sitemap: { url: `${SITE}sitemap.xml`, status: 200, locations: [SITE] } });
    expect(result(CHECKS.sitemap, partial)).toMatchObject({
      status: "warn",
      evidence: [`${ABOUT}: not in the sitemap`],
    });
    const missing = crawl({ sitemap: { url: `${SITE}sitemap.xml`, status: 404, locations: [] } });
    expect(result(CHECKS.sitemap, missing)).toMatchObject({
      status: "fail",
      evidence: [`${SITE}sitemap.xml: HTTP 404`],
    });
  });

  it("crawlable-anchors: passes real links, fails javascript:, empty and onclick-only anchors", () => {
    expect(result(CHECKS.crawlableAnchors, crawl()).status).toBe("pass");
    const anchors = [
      { href: "javascript:void(0)", text: "Open", onclick: false },
      { href: null, text: "Menu", onclick: true },
      { href: "", text: "Nothing", onclick: false },
    ];
    expect(result(CHECKS.crawlableAnchors, withAbout({ anchors })).evidence).toHaveLength(3);
  });

  it("broken-links: passes when every page resolves, fails a 404 with where it was linked from", () => {
    expect(result(CHECKS.brokenLinks, crawl()).status).toBe("pass");
    expect(result(CHECKS.brokenLinks, withAbout({}, { status: 404, html: false }))).toMatchObject({
      status: "fail",
      evidence: [`${ABOUT}: HTTP 404 (linked from ${SITE})`],
    });
  });

  it("redirect-chains: passes a single redirect, fails a chain", () => {
    expect(result(CHECKS.redirects, withAbout({}, { redirects: ["http://site.test/about"] })).status).toBe(
      "pass",
    );
    const chain = withAbout(
      {},
      { url: "http://site.test/old", redirects: ["http://site.test/old", "http://site.test/about"] },
    );
    expect(result(CHECKS.redirects, chain)).toMatchObject({
      status: "fail",
      evidence: [`http://site.test/old → http://site.test/about → ${ABOUT}`],
    });
  });

  it("canonical: passes a canonical to the page itself, fails one to the root or a relative one", () => {
    expect(result(CHECKS.canonical, withAbout({ canonicals: [ABOUT] })).status).toBe("pass");
    expect(result(CHECKS.canonical, withAbout({ canonicals: [SITE] })).evidence).toEqual([
      `${ABOUT}: canonical points at the site root`,
    ]);
    expect(result(CHECKS.canonical, withAbout({ canonicals: ["/about"] })).status).toBe("fail");
    expect(result(CHECKS.canonical, withAbout({ canonicals: [ABOUT, `${ABOUT}/`] })).status).toBe("fail");
  });

  it("hreflang: passes valid language codes, fails an invalid one", () => {
    expect(
      result(CHECKS.hreflang, withAbout({ hreflangs: [{ lang: "de-CH", href: `${SITE}de` }] })).status,
    ).toBe("pass");
    expect(
      result(CHECKS.hreflang, withAbout({ hreflangs: [{ lang: "german", href: `${SITE}de` }] })).status,
    ).toBe("fail");
  });

  it("document-title: passes pages with a title, fails a page without", () => {
    expect(result(CHECKS.title, crawl()).status).toBe("pass");
    expect(result(CHECKS.title, withAbout({ titles: [""] })).evidence).toEqual([`${ABOUT}: no title`]);
  });

  it("meta-description: passes pages with one, fails a page without", () => {
    expect(result(CHECKS.description, crawl()).status).toBe("pass");
    expect(result(CHECKS.description, withAbout({ description: null })).evidence).toEqual([
      `${ABOUT}: no meta description`,
    ]);
  });

  it("html-lang: passes a valid lang, fails a missing or malformed one", () => {
    expect(result(CHECKS.lang, withAbout({ lang: "pt-BR" })).status).toBe("pass");
    expect(result(CHECKS.lang, withAbout({ lang: null })).status).toBe("fail");
    expect(result(CHECKS.lang, withAbout({ lang: "english language" })).status).toBe("fail");
  });

  it("single-h1: passes one non-empty h1, fails none or two", () => {
    expect(result(CHECKS.h1, withAbout({ h1s: ["About", ""] })).status).toBe("pass");
    expect(result(CHECKS.h1, withAbout({ h1s: [] })).evidence).toEqual([`${ABOUT}: 0 non-empty h1`]);
    expect(result(CHECKS.h1, withAbout({ h1s: ["About", "Team"] })).status).toBe("fail");
  });

  it("link-text: passes descriptive link text, fails 'click here'", () => {
    expect(result(CHECKS.linkText, crawl()).status).toBe("pass");
    const vague = withAbout({ anchors: [{ href: "/pricing", text: "Click here", onclick: false }] });
    expect(result(CHECKS.linkText, vague).evidence).toEqual([`${ABOUT}: "Click here" → /pricing`]);
  });

  it("image-alt: passes when every image has alt text, fails an image without", () => {
    expect(result(CHECKS.imageAlt, crawl()).status).toBe("pass");
    expect(result(CHECKS.imageAlt, withAbout({ imagesWithoutAlt: ["/team.jpg"] })).evidence).toEqual([
      `${ABOUT}: <img src="/team.jpg">`,
    ]);
  });

  it("duplicate-titles: passes distinct titles, fails two pages sharing one", () => {
    expect(result(CHECKS.duplicateTitles, crawl()).status).toBe("pass");
    expect(result(CHECKS.duplicateTitles, withAbout({ titles: ["Home of Site"] })).evidence).toEqual([
      `"Home of Site": ${SITE}, ${ABOUT}`,
    ]);
  });

  it("duplicate-descriptions: passes distinct descriptions, fails two pages sharing one", () => {
    expect(result(CHECKS.duplicateDescriptions, crawl()).status).toBe("pass");
    expect(
      result(CHECKS.duplicateDescriptions, withAbout({ description: "The home page of the site" })).status,
    ).toBe("fail");
  });

  it("keywords: passes keywords in title, h1 and description; warns when partly there, fails when absent", () => {
    expect(result(CHECKS.keywords, crawl(), ["site"]).status).toBe("pass");
    expect(result(CHECKS.keywords, crawl(), ["home page"])).toMatchObject({
      status: "warn",
      evidence: ['"home page" not in the title', '"home page" not in the h1'],
    });
    expect(result(CHECKS.keywords, crawl(), ["pricing"]).status).toBe("fail");
    expect(result(CHECKS.keywords, crawl(), [])).toMatchObject({
      status: "pass",
      evidence: ["no target keywords set"],
    });
  });

  it("viewport: passes a usable viewport, fails a page without one", () => {
    expect(result(CHECKS.viewport, crawl()).status).toBe("pass");
    expect(result(CHECKS.viewport, withAbout({ viewport: "user-scalable=no" })).evidence).toEqual([
      `${ABOUT}: no usable viewport meta`,
    ]);
  });

  it("open-graph: passes title, description and image; warns on what is missing", () => {
    expect(result(CHECKS.openGraph, crawl()).status).toBe("pass");
    expect(result(CHECKS.openGraph, withAbout({ openGraph: { "og:title": "About" } }))).toMatchObject({
      status: "warn",
      evidence: [`${ABOUT}: missing og:description, og:image`],
    });
  });

  it("server-response-time: passes fast pages, warns over the warning time, fails over the failing time", () => {
    expect(result(CHECKS.ttfb, crawl()).status).toBe("pass");
    expect(result(CHECKS.ttfb, withAbout({}, { ttfbMs: TTFB_WARN_MS + 1 })).status).toBe("warn");
    expect(result(CHECKS.ttfb, withAbout({}, { ttfbMs: TTFB_FAIL_MS + 1 }))).toMatchObject({
      status: "fail",
      evidence: [`${ABOUT}: ${TTFB_FAIL_MS + 1} ms`],
    });
  });

  it("page-weight: passes light pages, warns on a heavy one, fails one cut off at the size limit", () => {
    expect(result(CHECKS.pageWeight, crawl()).status).toBe("pass");
    expect(result(CHECKS.pageWeight, withAbout({}, { bytes: PAGE_WEIGHT_WARN_BYTES + 1 })).status).toBe(
      "warn",
    );
    expect(result(CHECKS.pageWeight, withAbout({}, { truncated: true }))).toMatchObject({
      status: "fail",
      evidence: [`${ABOUT}: over the size limit`],
    });
  });

  it("https: passes https with http redirecting to it, fails plain http or no redirect", () => {
    expect(result(CHECKS.https, crawl()).status).toBe("pass");
    const http = crawl({
      startUrl: "http://site.test/",
      pages: [page("http://site.test/")],
      httpVersionRedirectsTo: undefined,
    });
    expect(result(CHECKS.https, http)).toMatchObject({
      status: "fail",
      evidence: ["http://site.test/: served over http"],
    });
    expect(result(CHECKS.https, crawl({ httpVersionRedirectsTo: "http://site.test/" })).status).toBe("fail");
    expect(result(CHECKS.https, crawl({ httpVersionRedirectsTo: null })).status).toBe("warn");
  });
});
