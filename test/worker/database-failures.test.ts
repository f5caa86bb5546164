import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { loadConfig } from "../../workers/config/config.ts";
import { DatabaseSession } from "../../workers/db/client.ts";
import { deadlineGuard, isDatabaseUnavailable } from "../../workers/db/failures.ts";
import worker from "../../workers/index.ts";
import { projects } from "../../workers/projects/tables.ts";
import { withTestDatabase } from "./support/database.ts";
import { randomIp, registerTenant, type TestAccount } from "./support/identity.ts";

const TIMEOUT_MS = 600;
const DATABASES = {
  unreachable: "postgres://postgres:postgres@127.0.0.1:1/postgres",
  hung: `postgres://postgres:postgres@127.0.0.1:${inject("silentDatabasePort")}/postgres`,
};

/** Calls the Worker with the database replaced by a broken one. */
async function callWith(
  databaseUrl: string,
  account: TestAccount,
  method: string,
  path: string,
  body?: unknown,
) {
  const broken = { ...env, DATABASE_URL: databaseUrl, DATABASE_TIMEOUT_MS: String(TIMEOUT_MS) };
  const ctx = createExecutionContext();
  const started = Date.now();
  const response = await worker.fetch(
    new Request(`https://borde.test${path}`, {
      method,
      headers: {
        authorization: `Bearer ${account.accessToken}`,
        "cf-connecting-ip": randomIp(),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
    broken,
    ctx,
  );
  const elapsed = Date.now() - started;
  await waitOnExecutionContext(ctx);
  return { response, elapsed };
}

describe("when the database fails", () => {
  let account: TestAccount;
  beforeAll(async () => {
    account = await registerTenant();
  });

  const routes = [
    { name: "a read in a transaction", method: "GET", path: "/api/v1/projects" },
    { name: "a read in one round trip", method: "GET", path: "/api/v1/tenants/current" },
    {
      name: "a write in one round trip",
      method: "POST",
      path: "/api/v1/projects",
      body: { name: "Never", site_url: "https://example.com/" },
    },
  ];

  for (const [kind, databaseUrl] of Object.entries(DATABASES)) {
    for (const route of routes) {
      it(`answers ${route.name} with 503, Retry-After and its request id, within the deadline, when the database is ${kind}`, async () => {
        const { response, elapsed } = await callWith(
          databaseUrl,
          account,
          route.method,
          route.path,
          route.body,
        );
        expect(response.status).toBe(503);
        expect(response.headers.get("content-type")).toBe("application/problem+json");
        expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
        const problem = await response.json<{ type: string; request_id: string }>();
        expect(problem.type).toBe("https://borde.test/problems/service-unavailable");
        expect(problem.request_id).toBe(response.headers.get("x-request-id"));
        // A read is tried twice; each try is bounded by the deadline.
        expect(elapsed).toBeLessThan(2 * TIMEOUT_MS + 1500);
      });
    }
  }

  it("is not ready with Retry-After, naming the check without its SQL, when the database hangs", async () => {
    const { response } = await callWith(DATABASES.hung, account, "GET", "/ready");
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).not.toBeNull();
    const problem = await response.json<{ detail: string }>();
    expect(problem.detail).toContain("database");
    expect(problem.detail.toLowerCase()).not.toContain("select");
  });

  it("rolls back a tenant write whose transaction outlives the deadline, never committing it later", async () => {
    const session = new DatabaseSession({ ...loadConfig(env), databaseTimeoutMs: 300 });
    const name = `late-${crypto.randomUUID()}`;
    const write = session.tenant(account.tenantId, async (db) => {
      await db.insert(projects).values({ tenantId: account.tenantId, name, siteUrl: "https://example.com/" });
      await new Promise((resolve) => setTimeout(resolve, 600));
    });
    const failure = await write.then(
      () => null,
      (error: unknown) => error,
    );
    expect(isDatabaseUnavailable(failure)).toBe(true);
    await session.close();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const rows = await withTestDatabase((db) => db.select().from(projects).where(eq(projects.name, name)));
    expect(rows).toEqual([]);
  });

  it("aborts a transaction whose COMMIT the server reaches after the deadline", async () => {
    const session = new DatabaseSession(loadConfig(env));
    const failure = await session
      .tenant(account.tenantId, (db) => db.execute(sql.raw(deadlineGuard(new Date(Date.now() - 1000)))))
      .then(
        () => null,
        (error: unknown) => error,
      );
    await session.close();
    expect(isDatabaseUnavailable(failure)).toBe(true);
  });
});
