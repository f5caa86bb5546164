import { createExecutionContext, env, SELF, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../workers/index.ts";
import { TEST_ALLOWED_ORIGIN } from "../support/constants.ts";
import { callAs, registerTenant } from "./support/identity.ts";

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  request_id: string;
};

describe("problem documents", () => {
  it("answers an unknown route with a 404 problem carrying the request id", async () => {
    const response = await SELF.fetch("https://borde.test/api/v1/nothing-here");
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    const problem = await response.json<Problem>();
    expect(problem).toMatchObject({
      type: "https://borde.test/problems/not-found",
      title: "Not Found",
      status: 404,
      instance: "/api/v1/nothing-here",
    });
    expect(problem.request_id).toBe(response.headers.get("x-request-id"));
  });

  it("answers a known path with the wrong method with 405 and Allow", async () => {
    const response = await SELF.fetch("https://borde.test/health", { method: "DELETE" });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, HEAD");
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect((await response.json<Problem>()).status).toBe(405);
  });

  it("answers an unexpected failure with a 500 problem that names the broken setting and no stack", async () => {
    const { DATABASE_URL: _omitted, ...withoutDatabase } = env;
    const ctx = createExecutionContext();
    const response = await worker.fetch(new Request("https://borde.test/ready"), withoutDatabase, ctx);
    await waitOnExecutionContext(ctx);
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toMatch(/\bat \S+ \(|\.ts:\d+/);
    const problem = JSON.parse(text) as Problem;
    expect(problem.title).toBe("Internal Server Error");
    expect(problem.detail).toContain("DATABASE_URL is required");
    expect(problem.request_id).toMatch(UUID_V7);
  });
});

describe("problem types", () => {
  const login = (body: string, contentType = "application/json") =>
    SELF.fetch("https://borde.test/api/v1/auth/login", {
      method: "POST",
      headers: { "content-type": contentType, "cf-connecting-ip": "203.0.113.10" },
      body,
    });

  it("gives each kind of error its own type URI on the origin called", async () => {
    const types = await Promise.all(
      [
        SELF.fetch("https://borde.test/health", { method: "DELETE" }),
        login('{"email": '),
        login("email=a@b.c", "application/x-www-form-urlencoded"),
        SELF.fetch("https://borde.test/api/v1/projects"),
      ].map(async (pending) => (await (await pending).json<Problem>()).type),
    );
    expect(types).toEqual([
      "https://borde.test/problems/method-not-allowed",
      "https://borde.test/problems/bad-request",
      "https://borde.test/problems/unsupported-media-type",
      "https://borde.test/problems/unauthenticated",
    ]);
  });

  it("answers a problem's type URI with a page saying what it means and what to do", async () => {
    const { type } = await (await SELF.fetch("https://borde.test/api/v1/nothing-here")).json<Problem>();
    const page = await SELF.fetch(type);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    const html = await page.text();
    expect(html).toContain("<h1>not-found</h1>");
    expect(html).toContain("What to do");
  });

  it("lists every problem type on /problems, each page answering", async () => {
    const index = await (await SELF.fetch("https://borde.test/problems")).text();
    const links = [...index.matchAll(/href="(\/problems\/[a-z-]+)"/g)].map((match) => match[1]);
    expect(links).toContain("/problems/validation-error");
    expect(links).toContain("/problems/twilio-signature");
    const statuses = await Promise.all(
      links.map(async (link) => (await SELF.fetch(`https://borde.test${link}`)).status),
    );
    expect(new Set(statuses)).toEqual(new Set([200]));
  });

  it("answers an unknown problem type with a 404 problem", async () => {
    const response = await SELF.fetch("https://borde.test/problems/no-such-kind");
    expect(response.status).toBe(404);
    expect((await response.json<Problem>()).type).toBe("https://borde.test/problems/not-found");
  });
});

describe("request ids", () => {
  it("echoes a well-formed incoming x-request-id", async () => {
    const response = await SELF.fetch("https://borde.test/health", {
      headers: { "x-request-id": "edge-abc_123" },
    });
    expect(response.headers.get("x-request-id")).toBe("edge-abc_123");
  });

  it("replaces a malformed x-request-id with a generated UUID v7", async () => {
    const response = await SELF.fetch("https://borde.test/health", {
      headers: { "x-request-id": "bad id<script>" },
    });
    expect(response.headers.get("x-request-id")).toMatch(UUID_V7);
  });

  it("generates one when none is sent", async () => {
    const response = await SELF.fetch("https://borde.test/health");
    expect(response.headers.get("x-request-id")).toMatch(UUID_V7);
  });
});

describe("CORS and security headers", () => {
  it("answers a preflight from an allowed origin", async () => {
    const response = await SELF.fetch("https://borde.test/api/v1", {
      method: "OPTIONS",
      headers: {
        Origin: TEST_ALLOWED_ORIGIN,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,authorization",
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe(TEST_ALLOWED_ORIGIN);
    expect(response.headers.get("access-control-allow-credentials")).toBe("true");
    expect(response.headers.get("access-control-allow-methods")).toContain("POST");
    expect(response.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("authorization");
  });

  it("does not allow an origin that is not configured", async () => {
    const response = await SELF.fetch("https://borde.test/api/v1", {
      method: "OPTIONS",
      headers: { Origin: "https://evil.example", "Access-Control-Request-Method": "POST" },
    });
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("sets security headers, and HSTS only over https", async () => {
    const secure = await SELF.fetch("https://borde.test/health");
    expect(secure.headers.get("x-content-type-options")).toBe("nosniff");
    expect(secure.headers.get("x-frame-options")).toBe("DENY");
    expect(secure.headers.get("referrer-policy")).toBe("no-referrer");
    expect(secure.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(secure.headers.get("strict-transport-security")).toContain("max-age=");
    const plain = await SELF.fetch("http://localhost/health");
    expect(plain.headers.get("strict-transport-security")).toBeNull();
  });
});

describe("/v1 compatibility", () => {
  it("serves /v1/* as /api/v1/*", async () => {
    const legacy = await SELF.fetch("https://borde.test/v1");
    const current = await SELF.fetch("https://borde.test/api/v1");
    expect(legacy.status).toBe(200);
    expect(await legacy.json()).toEqual(await current.json());
  });
});

describe("docs", () => {
  it("serves the docs page and its assets from the Worker", async () => {
    const page = await SELF.fetch("https://borde.test/docs");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('src="/docs/vendor/swagger-ui-bundle.js"');
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    for (const asset of [
      "/docs/vendor/swagger-ui-bundle.js",
      "/docs/vendor/swagger-ui.css",
      "/docs/init.js",
    ]) {
      const response = await SELF.fetch(`https://borde.test${asset}`);
      expect(response.status, asset).toBe(200);
      expect((await response.text()).length, asset).toBeGreaterThan(100);
    }
  });

  it("serves the ReDoc page and its bundle from the Worker, with no outside origin", async () => {
    const page = await SELF.fetch("https://borde.test/redoc");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('src="/docs/vendor/redoc.standalone.js"');
    expect(html).not.toMatch(/https?:\/\//);
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    for (const asset of ["/docs/vendor/redoc.standalone.js", "/docs/redoc-init.js"]) {
      const response = await SELF.fetch(`https://borde.test${asset}`);
      expect(response.status, asset).toBe(200);
      expect((await response.text()).length, asset).toBeGreaterThan(100);
    }
  });

  it("serves an OpenAPI 3.1 document listing the routes", async () => {
    const response = await SELF.fetch("https://borde.test/openapi.json");
    const doc = await response.json<{ openapi: string; paths: Record<string, unknown> }>();
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/health",
        "/healthz",
        "/ready",
        "/readyz",
        "/api/v1/health",
        "/docs",
        "/redoc",
        "/api/v1",
      ]),
    );
  });
});

describe("validation problems", () => {
  const post = (body: string, contentType = "application/json") =>
    SELF.fetch("https://borde.test/api/v1/auth/login", {
      method: "POST",
      headers: { "content-type": contentType, "cf-connecting-ip": "203.0.113.9" },
      body,
    });

  it("lists every invalid field with its path", async () => {
    const response = await post(JSON.stringify({ email: "not-an-email", password: 5 }));
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    const problem = await response.json<Problem & { errors: { path: string; message: string }[] }>();
    expect(problem.type).toBe("https://borde.test/problems/validation-error");
    expect(problem.errors.map((error) => error.path).sort()).toEqual(["body.email", "body.password"]);
    expect(problem.request_id).toBe(response.headers.get("x-request-id"));
  });

  it("answers malformed JSON with 400, not 500", async () => {
    const response = await post('{"email": ');
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
  });

  it("answers a body that is not JSON with 415", async () => {
    const response = await post("email=a@b.c", "application/x-www-form-urlencoded");
    expect(response.status).toBe(415);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
  });

  it("answers an invalid query parameter with 400 naming it", async () => {
    const owner = await registerTenant();
    const response = await callAs(owner, "GET", "/api/v1/api-keys?limit=1000&cursor=bogus");
    expect(response.status).toBe(400);
    const problem = await response.json<{ errors: { path: string }[] }>();
    expect(problem.errors.map((error) => error.path).sort()).toEqual(["query.cursor", "query.limit"]);
  });

  it("refuses a NUL character anywhere in a body, a query or a path with 400 naming where", async () => {
    const owner = await registerTenant();
    const body = await callAs(owner, "POST", "/api/v1/projects", {
      name: "a\u0000b",
      site_url: "https://example.com/",
      keywords: ["ok", "k\u0000"],
    });
    expect(body.status).toBe(400);
    expect(body.headers.get("content-type")).toBe("application/problem+json");
    const bodyProblem = await body.json<{ errors: { path: string }[] }>();
    expect(bodyProblem.errors.map((error) => error.path).sort()).toEqual(["body.keywords.1", "body.name"]);

    const query = await callAs(owner, "GET", "/api/v1/projects?name=%00");
    expect(query.status).toBe(400);
    expect((await query.json<{ errors: { path: string }[] }>()).errors).toEqual([
      expect.objectContaining({ path: "query.name" }),
    ]);

    const path = await callAs(owner, "GET", "/api/v1/projects/%00");
    expect(path.status).toBe(400);
    expect(path.headers.get("content-type")).toBe("application/problem+json");
  });

  it("refuses a body over 1 MiB with 413", async () => {
    const response = await post(JSON.stringify({ email: "a@b.co", password: "x".repeat(1024 * 1024 + 1) }));
    expect(response.status).toBe(413);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
  });
});
