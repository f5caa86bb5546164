// Two small websites for audit tests, served over loopback HTTP:
//   defective: every defect listed in DEFECTIVE_SITE_FAILURES, one page each where possible
//   clean:     passes every check that a local http:// site can pass (all but https)
// `GET /__requests` lists the paths the crawler asked for, so tests can prove robots.txt was obeyed.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

type Page = { status?: number; type?: string; body: string; headers?: Record<string, string> };

const head = (title: string, description: string, extra = "") => `
<head>
  <meta charset="utf-8">
  ${title ? `<title>${title}</title>` : ""}
  ${description ? `<meta name="description" content="${description}">` : ""}
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta property="og:title" content="${title}">
  <meta property="og:description" content="${description}">
  <meta property="og:image" content="/cover.png">
  ${extra}
</head>`;

function defectivePages(origin: string): Record<string, Page> {
  return {
    // Unknown directive: invalid robots.txt. /private is disallowed and must never be fetched.
    "/robots.txt": { type: "text/plain", body: "User-agent: *\nDisallow: /private\nCrawl-delayy: 5\n" },
    "/": {
      body: `<!doctype html><html lang="en">${head("Shop", "Our shop", `<link rel="canonical" href="${origin}/">`)}
<body>
  <h1>Shop</h1>
  <a href="/about">About the shop</a>
  <a href="/about">click here</a>
  <a href="/contact">Contact us</a>
  <a href="/missing">Our catalogue</a>
  <a href="/private">Staff area</a>
  <a href="/old">Old offers</a>
  <a href="javascript:void(0)">Open the menu</a>
  <a href="https://elsewhere.example/">A partner</a>
</body></html>`,
    },
    // Same title and description as the home page; an image without alt; no h1.
    "/about": {
      body: `<!doctype html><html lang="en">${head("Shop", "Our shop")}
<body><p>About us</p><img src="/team.jpg"><a href="/">Home page</a></body></html>`,
    },
    // noindex, no title, no description, no lang, no viewport, a bad hreflang and a relative canonical.
    "/contact": {
      body: `<!doctype html><html><head>
  <meta name="robots" content="noindex">
  <meta property="og:title" content="Contact"><meta property="og:description" content="Write to us">
  <meta property="og:image" content="/cover.png">
  <link rel="alternate" hreflang="english" href="${origin}/contact">
  <link rel="canonical" href="contact">
</head><body><h1>Contact</h1><a href="/">Home page</a></body></html>`,
    },
    // Two hops: a redirect chain.
    "/old": { status: 301, body: "", headers: { location: "/older" } },
    "/older": { status: 302, body: "", headers: { location: "/contact" } },
    "/private": { body: "<!doctype html><html><head><title>Private</title></head><body></body></html>" },
  };
}

function cleanPages(origin: string): Record<string, Page> {
  const page = (path: string, title: string, description: string, h1: string, links: string) => ({
    body: `<!doctype html><html lang="en-GB">${head(title, description, `<link rel="canonical" href="${origin}${path}"><link rel="alternate" hreflang="en-gb" href="${origin}${path}"><link rel="alternate" hreflang="x-default" href="${origin}${path}">`)}
<body><h1>${h1}</h1>${links}<img src="/logo.png" alt="Borde running shoes logo"></body></html>`,
  });
  return {
    "/robots.txt": {
      type: "text/plain",
      body: `# All welcome\nUser-agent: *\nAllow: /\nDisallow: /drafts/\n\nSitemap: ${origin}/sitemap.xml\n`,
    },
    "/sitemap.xml": {
      type: "application/xml",
      body: `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>${origin}/</loc></url>
  <url><loc>${origin}/guide</loc></url>
</urlset>`,
    },
    // The site under another origin, as example.com → www.example.com would be.
    "/moved": {
      status: 301,
      body: "",
      headers: { location: `${origin.replace("127.0.0.1", "localhost")}/` },
    },
    "/": page(
      "/",
      "Running shoes for every trail",
      "Running shoes tested on real trails, with sizes for everyone.",
      "Running shoes for every trail",
      '<a href="/guide">Read the sizing guide</a>',
    ),
    "/guide": page(
      "/guide",
      "Sizing guide for running shoes",
      "How to pick the right size of running shoe.",
      "Sizing guide",
      '<a href="/">Back to the running shoes</a>',
    ),
  };
}

export type FixtureSite = {
  url: string;
  close: () => Promise<void>;
};

async function serve(pagesFor: (origin: string) => Record<string, Page>): Promise<FixtureSite> {
  const requests: string[] = [];
  let pages: Record<string, Page> = {};
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://fixture").pathname;
    if (path === "/__requests") {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify(requests));
      return;
    }
    requests.push(`${request.method} ${path} ${request.headers["user-agent"] ?? ""}`);
    const page = pages[path];
    if (!page) {
      response.writeHead(404, { "content-type": "text/html" });
      response.end("<!doctype html><title>Not found</title>");
      return;
    }
    response.writeHead(page.status ?? 200, {
      "content-type": page.type ?? "text/html; charset=utf-8",
      ...page.headers,
    });
    response.end(request.method === "HEAD" ? undefined : page.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  pages = pagesFor(origin);
  return {
    url: `${origin}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const startDefectiveSite = () => serve(defectivePages);
export const startCleanSite = () => serve(cleanPages);
