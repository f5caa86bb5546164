import { createExecutionContext, env, SELF, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../workers/index.ts";

describe("health and readiness", () => {
  it("reports liveness on /health", async () => {
    const response = await SELF.fetch("https://borde.test/health");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("answers GET and HEAD on /healthz", async () => {
    const get = await SELF.fetch("https://borde.test/healthz");
    expect(get.status).toBe(200);
    const head = await SELF.fetch("https://borde.test/healthz", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
  });

  it("reports liveness on /api/v1/health, the operations backend's path", async () => {
    const response = await SELF.fetch("https://borde.test/api/v1/health");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("is ready on /readyz, the audits backend's path, with the same checks as /ready", async () => {
    const response = await SELF.fetch("https://borde.test/readyz");
    expect(response.status).toBe(200);
    const body = await response.json<{ status: string; checks: { database: { status: string } } }>();
    expect(body.status).toBe("ok");
    expect(body.checks.database.status).toBe("ok");
  });

  it("is ready when the database answers", async () => {
    const response = await SELF.fetch("https://borde.test/ready");
    expect(response.status).toBe(200);
    const body = await response.json<{ status: string; checks: { database: { status: string } } }>();
    expect(body.status).toBe("ok");
    expect(body.checks.database.status).toBe("ok");
  });

  it("is not ready, naming the database check, when the database is unreachable", async () => {
    const unreachable = { ...env, DATABASE_URL: "postgres://postgres:postgres@127.0.0.1:1/postgres" };
    const ctx = createExecutionContext();
    const response = await worker.fetch(new Request("https://borde.test/ready"), unreachable, ctx);
    await waitOnExecutionContext(ctx);
    expect(response.status).toBe(503);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    const body = await response.json<{ detail: string; checks: { database: { status: string } } }>();
    expect(body.checks.database.status).toBe("fail");
    expect(body.detail).toContain("database");
  });
});
