import { beforeAll, describe, expect, inject, it } from "vitest";
import { registerTenant, type TestAccount } from "../support/identity.ts";
import { createProject, notPassing, resultOf, startAudit, waitForAudit } from "./support.ts";

const DEFECTIVE_SITE_FAILURES = [
  "broken-links",
  "canonical",
  "crawlable-anchors",
  "document-title",
  "duplicate-descriptions",
  "duplicate-titles",
  "hreflang",
  "html-lang",
  "https",
  "image-alt",
  "is-crawlable",
  "keywords",
  "link-text",
  "meta-description",
  "redirect-chains",
  "robots-txt",
  "single-h1",
  "sitemap",
  "viewport",
];

let owner: TestAccount;
beforeAll(async () => {
  owner = await registerTenant();
});

describe("auditing the defective fixture site", () => {
  it("finds exactly its known defects, with evidence", async () => {
    const siteUrl = inject("defectiveSiteUrl");
    const projectId = await createProject(owner, { site_url: siteUrl, keywords: ["running shoes"] });
    const queued = await startAudit(owner, projectId);
    expect(queued).toMatchObject({ status: "queued", progress: { pages_done: 0 } });

    const done = await waitForAudit(owner, queued.id);
    expect(done.status).toBe("completed");
    expect(done.progress.pages_done).toBe(done.progress.pages_planned);
    expect(done.progress.pages_done).toBeGreaterThan(0);

    const result = await resultOf(owner, queued.id);
    expect(notPassing(result)).toEqual(DEFECTIVE_SITE_FAILURES);
    const byId = Object.fromEntries(result.checks.map((check) => [check.id, check]));
    expect(byId["broken-links"]?.evidence.join()).toContain("/missing: HTTP 404");
    expect(byId["robots-txt"]?.evidence).toEqual(["line 3: Crawl-delayy: 5"]);
    expect(byId["redirect-chains"]?.evidence.join()).toMatch(/\/old → .*\/older → .*\/contact/);
    expect(byId["link-text"]?.evidence.join()).toContain('"click here"');
    expect(byId["is-crawlable"]?.evidence.join()).toContain('meta robots "noindex"');
    expect(byId["image-alt"]?.evidence.join()).toContain("/team.jpg");
    expect(byId.hreflang?.evidence.join()).toContain('hreflang="english"');
    expect(byId.canonical?.evidence.join()).toContain('canonical "contact" is not an absolute URL');
    expect(byId.keywords).toMatchObject({ status: "fail" });

    expect(result.scores.overall).toBeGreaterThan(0);
    expect(result.scores.overall).toBeLessThan(60);
    expect(result.summary_source).toBe("openai");
    expect(result.summary.length).toBeGreaterThan(0);
  });

  it("obeys robots.txt, never leaves the site, and says who it is", async () => {
    const siteUrl = inject("defectiveSiteUrl");
    const projectId = await createProject(owner, { site_url: siteUrl });
    const { id } = await startAudit(owner, projectId);
    await waitForAudit(owner, id);
    const requests = await (await fetch(`${siteUrl}__requests`)).json<string[]>();
    expect(requests.some((line) => line.includes("/private"))).toBe(false);
    expect(requests.filter((line) => line.startsWith("GET /robots.txt")).length).toBeGreaterThan(0);
    expect(requests.every((line) => line.includes("BordeAuditBot/1.0"))).toBe(true);
  });

  it("stops at the project's max_pages", async () => {
    const projectId = await createProject(owner, { site_url: inject("defectiveSiteUrl"), max_pages: 2 });
    const { id } = await startAudit(owner, projectId);
    const done = await waitForAudit(owner, id);
    expect(done.progress).toEqual({ pages_done: 2, pages_planned: 2 });
    expect((await resultOf(owner, id)).pages).toHaveLength(2);
  });
});

describe("auditing the clean fixture site", () => {
  it("passes every check but https, which a local http site cannot pass", async () => {
    const projectId = await createProject(owner, {
      site_url: inject("cleanSiteUrl"),
      keywords: ["running shoes"],
    });
    const { id } = await startAudit(owner, projectId);
    expect((await waitForAudit(owner, id)).status).toBe("completed");
    const result = await resultOf(owner, id);
    expect(notPassing(result)).toEqual(["https"]);
    expect(result.pages.map((page) => page.status)).toEqual([200, 200]);
    expect(result.scores.categories).toMatchObject({
      crawlability: 100,
      content: 100,
      mobile_social: 100,
      performance: 100,
      security: 0,
    });
  });
});

describe("a start URL that redirects to another origin", () => {
  it("crawls the site under the origin it redirects to", async () => {
    const siteUrl = inject("cleanSiteUrl");
    const projectId = await createProject(owner, { site_url: `${siteUrl}moved`, max_pages: 5 });
    const { id } = await startAudit(owner, projectId);
    await waitForAudit(owner, id);
    const movedOrigin = new URL(siteUrl).origin.replace("127.0.0.1", "localhost");
    const urls = (await resultOf(owner, id)).pages.map((page) => page.url);
    expect(urls[0]).toBe(`${siteUrl}moved`);
    expect(urls).toContain(`${movedOrigin}/guide`);
  });
});

describe("unreachable sites", () => {
  it("records a network failure as a failed check, not a crashed audit", async () => {
    const projectId = await createProject(owner, { site_url: "http://127.0.0.1:9/" });
    const { id } = await startAudit(owner, projectId);
    expect((await waitForAudit(owner, id)).status).toBe("completed");
    const result = await resultOf(owner, id);
    const status = result.checks.find((check) => check.id === "http-status-code");
    expect(status?.status).toBe("fail");
    expect(status?.evidence.join()).toMatch(/127\.0\.0\.1:9/);
  });
});
