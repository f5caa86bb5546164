import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../http/app-env.ts";
import { htmlResponse, jsonResponse } from "../http/openapi.ts";
import { RouteGroup } from "../http/route-kit.ts";

export const API_VERSION = "0.1.0";

// Swagger UI's and ReDoc's files are Workers static assets (public/docs); the pages are the Worker's so
// they get a policy.
const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Borde API</title>
<link rel="stylesheet" href="/docs/vendor/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/vendor/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>`;

const REDOC_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Borde API reference</title>
</head>
<body>
<div id="redoc"></div>
<script src="/docs/vendor/redoc.standalone.js"></script>
<script src="/docs/redoc-init.js"></script>
</body>
</html>`;

const DOCS_CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

// ReDoc runs its search index in a Worker it starts from a blob: URL.
const REDOC_CONTENT_SECURITY_POLICY = `${DOCS_CONTENT_SECURITY_POLICY}; worker-src blob:`;

const ApiIndexSchema = z
  .object({
    name: z.string(),
    version: z.string(),
    links: z.object({ docs: z.string(), openapi: z.string(), health: z.string() }),
  })
  .openapi("ApiIndex");

const routes = new RouteGroup("System");

routes.add(
  {
    method: "get",
    path: "/api/v1",
    operationId: "getApiIndex",
    summary: "What this API is and where its documents are",
    access: "public",
    responses: { 200: jsonResponse(ApiIndexSchema, "The API index") },
  },
  (c) =>
    c.json(
      {
        name: "Borde API",
        version: API_VERSION,
        links: { docs: "/docs", openapi: "/openapi.json", health: "/ready" },
      },
      200,
    ),
);

const docsPage = (
  path: "/docs" | "/redoc",
  operationId: string,
  summary: string,
  page: string,
  policy: string,
) =>
  routes.add(
    {
      method: "get",
      path,
      operationId,
      summary,
      access: "public",
      responses: { 200: htmlResponse("The page") },
    },
    (c) => {
      c.header("Content-Security-Policy", policy);
      return c.html(page, 200);
    },
  );

docsPage(
  "/docs",
  "getDocs",
  "Interactive documentation (Swagger UI) of this API",
  DOCS_PAGE,
  DOCS_CONTENT_SECURITY_POLICY,
);
docsPage(
  "/redoc",
  "getRedoc",
  "Reference documentation (ReDoc) of this API",
  REDOC_PAGE,
  REDOC_CONTENT_SECURITY_POLICY,
);

export function registerDocsRoutes(app: OpenAPIHono<AppEnv>): void {
  routes.register(app);

  app.doc31("/openapi.json", (c) => ({
    openapi: "3.1.0",
    info: {
      title: "Borde API",
      version: API_VERSION,
      description:
        "Edge-native, multi-tenant API. Errors are RFC 9457 problem documents (`application/problem+json`) whose `type` is `<origin>/problems/<kind>`: the kinds are listed in the Problem schema, and each URI answers with a page saying what it means and what to do. Rules every operation follows: query parameters an operation does not declare are refused with 400; no string anywhere (path, query, body) may contain the NUL character U+0000 (400); every creating POST takes an `Idempotency-Key`. `/v1/*` is served as `/api/v1/*`.",
    },
    servers: [{ url: new URL(c.req.url).origin }],
  }));

  // Workers serve static assets before the Worker runs; this route answers when a caller reaches the
  // Worker first (service bindings, tests) and gives misses a problem document.
  app.get("/docs/*", async (c) => {
    const asset = await c.env.ASSETS.fetch(c.req.raw);
    if (asset.status === 404) return c.notFound();
    return asset;
  });
}
