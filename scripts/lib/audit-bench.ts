// Audit figures for `npm run bench`: audits per minute through the queue (wrangler dev, local queue,
// a loopback fixture site) and the HTMLRewriter parse rate of the audit's page parser in workerd.
import { build } from "esbuild";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { startCleanSite } from "../../test/support/fixture-site.ts";
import { okJson, registerBenchTenant } from "./bench-tenant.ts";
import { ROOT } from "./local-stack.ts";

/** Queues `count` audits of a two-page fixture site at once and times them until all are finished. */
export async function auditsPerMinute(workerUrl: string, count: number) {
  const site = await startCleanSite();
  try {
    const accessToken = await registerBenchTenant(workerUrl, "bench-audits");
    const headers = { "content-type": "application/json", authorization: `Bearer ${accessToken}` };
    const project = await okJson<{ id: string }>(
      await fetch(`${workerUrl}/api/v1/projects`, {
        method: "POST",
        headers,
        body: JSON.stringify({ name: "Bench site", site_url: site.url }),
      }),
    );
    const started = performance.now();
    const ids = await Promise.all(
      Array.from({ length: count }, async () => {
        const audit = await okJson<{ id: string }>(
          await fetch(`${workerUrl}/api/v1/audits`, {
            method: "POST",
            headers,
            body: JSON.stringify({ project_id: project.id }),
          }),
        );
        return audit.id;
      }),
    );
    const open = new Set(ids);
    let failed = 0;
    const deadline = Date.now() + 300_000;
    while (open.size > 0) {
      if (Date.now() > deadline) throw new Error(`${open.size} audits still unfinished after 300 s`);
      await new Promise((resolve) => setTimeout(resolve, 250));
      for (const auditId of [...open]) {
        const status = await okJson<{ status: string }>(
          await fetch(`${workerUrl}/api/v1/audits/${auditId}/status`, { headers }),
        );
        if (status.status === "completed" || status.status === "failed") {
          open.delete(auditId);
          if (status.status === "failed") failed++;
        }
      }
    }
    const seconds = (performance.now() - started) / 1000;
    return {
      audits: count,
      failed,
      pages_per_audit: 2,
      seconds: Number(seconds.toFixed(2)),
      audits_per_minute: Math.round((count / seconds) * 60),
    };
  } finally {
    await site.close();
  }
}

/** A page with the elements the parser looks at, about `bytes` long. */
function samplePage(bytes: number): string {
  const block = `<section><h2>Section</h2><p>Trail running shoes, tested on real mountains and city streets.
<a href="/product/1">Trail shoe one</a> <a href="/product/2" rel="nofollow">Road shoe two</a>
<img src="/img/a.jpg" alt="A shoe"><img src="/img/b.jpg"></p><meta property="og:x" content="y"></section>\n`;
  const head = `<!doctype html><html lang="en"><head><title>Shoes</title><meta name="description" content="Shoes">
<meta name="viewport" content="width=device-width"><link rel="canonical" href="https://example.com/"></head><body><h1>Shoes</h1>\n`;
  return `${head + block.repeat(Math.ceil(bytes / block.length))}</body></html>`;
}

/**
 * Streams a large page through the audit's HTMLRewriter parser inside workerd (Miniflare), repeatedly,
 * and reports MB/s. Each round trip includes the loopback transfer, so this is a floor for the parser.
 */
export async function parseRate(seconds: number) {
  const bundle = await build({
    stdin: {
      contents: `import { parsePage } from "./workers/audits/page-parser.ts";
export default { async fetch(request) { const facts = await parsePage(request.body); return Response.json({ anchors: facts.anchors.length }); } };`,
      resolveDir: ROOT,
      loader: "ts",
    },
    bundle: true,
    format: "esm",
    write: false,
    platform: "neutral",
  });
  const miniflare = new Miniflare(
    convertV4MiniflareOptions({
      modules: true,
      script: bundle.outputFiles[0]?.text ?? "",
      compatibilityDate: "2026-11-01",
    }),
  );
  try {
    const page = samplePage(2 * 1024 * 1024);
    const size = new TextEncoder().encode(page).byteLength;
    let parsed = 0;
    let rounds = 0;
    const started = performance.now();
    while (rounds < 3 || performance.now() - started < seconds * 1000) {
      const response = await miniflare.dispatchFetch("http://bench/", { method: "POST", body: page });
      const { anchors } = (await response.json()) as { anchors: number };
      if (anchors === 0) throw new Error("the parser found no links");
      parsed += size;
      rounds++;
    }
    const elapsed = (performance.now() - started) / 1000;
    return {
      page_bytes: size,
      rounds,
      mb_per_second: Number((parsed / 1024 / 1024 / elapsed).toFixed(1)),
    };
  } finally {
    await miniflare.dispose();
  }
}
