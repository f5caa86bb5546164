import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { rankChecks, rankTracking, rankUpstreamUsage } from "../../../workers/reputation/tables.ts";
import { createProject } from "../audits/support.ts";
import { withTestSession } from "../support/database.ts";
import { callAs, registerTenant, type TestAccount } from "../support/identity.ts";
import { scriptSerp, uniqueKeyword } from "./support.ts";

type RanksBody = {
  results: { status: string; position: number | null; source: string; reason: string | null }[];
  upstream_calls: { used_today: number };
};

describe("tenant isolation: tenant A calling every ranks route with tenant B's ids and keywords", () => {
  let a: TestAccount;
  let b: TestAccount;
  let bProject: string;
  const keyword = uniqueKeyword("isolated");
  const domain = "isolated-site.com";

  beforeAll(async () => {
    a = await registerTenant();
    b = await registerTenant();
    await scriptSerp(keyword, { ranked: { position: 6, link: `https://${domain}/` } });
    bProject = await createProject(b, {
      site_url: `https://${domain}/`,
      keywords: [keyword],
    });
    const looked = await callAs(b, "GET", `/api/v1/reputation/ranks?project_id=${bProject}`);
    expect(looked.status).toBe(200);
  });

  it("cannot look up or read the ranks of B's project", async () => {
    expect((await callAs(a, "GET", `/api/v1/reputation/ranks?project_id=${bProject}`)).status).toBe(404);
    expect((await callAs(a, "GET", `/api/v1/projects/${bProject}/ranks`)).status).toBe(404);
    const own = await (await callAs(b, "GET", `/api/v1/projects/${bProject}/ranks`)).json<{
      keywords: { latest: { position: number } | null }[];
    }>();
    expect(own.keywords[0]?.latest?.position).toBe(6);
  });

  it("shares B's cached result pages but neither B's history as a fallback nor B's SerpApi calls", async () => {
    const cached = await (
      await callAs(a, "GET", `/api/v1/reputation/ranks?domain=${domain}&kw=${encodeURIComponent(keyword)}`)
    ).json<RanksBody>();
    expect(cached.results[0]).toMatchObject({ status: "ranked", position: 6, source: "cache" });
    expect(cached.upstream_calls.used_today).toBe(0);
    const other = uniqueKeyword("isolated failing");
    await scriptSerp(other, { ranked: { position: 2, link: `https://${domain}/` } });
    await callAs(b, "GET", `/api/v1/reputation/ranks?domain=${domain}&kw=${encodeURIComponent(other)}`);
    await withTestSession((session) =>
      session.db.execute(
        sql`update serp_result_pages set fetched_at = fetched_at - interval '16 minutes' where query = ${other}`,
      ),
    );
    await scriptSerp(other, { responses: ["500", "500", "500"] });
    const failed = await (
      await callAs(a, "GET", `/api/v1/reputation/ranks?domain=${domain}&kw=${encodeURIComponent(other)}`)
    ).json<RanksBody>();
    expect(failed.results[0]).toMatchObject({ status: "error", position: null, source: "fallback" });
  });

  it("sees none of B's movers in its overview", async () => {
    const overview = await (await callAs(a, "GET", "/api/v1/overview")).json<{ rank_movers: unknown[] }>();
    expect(overview.rank_movers).toEqual([]);
  });

  it("reads none of B's rank rows under row-level security", async () => {
    const seen = await withTestSession((session) =>
      session.tenant(a.tenantId, async (db) => ({
        checks: await db.select().from(rankChecks).where(sql`${rankChecks.tenantId} = ${b.tenantId}`),
        allChecks: await db.select({ tenantId: rankChecks.tenantId }).from(rankChecks),
        usage: await db.select().from(rankUpstreamUsage),
        tracking: await db.select().from(rankTracking),
      })),
    );
    expect(seen.checks).toEqual([]);
    expect(seen.allChecks.every((row) => row.tenantId === a.tenantId)).toBe(true);
    expect(seen.usage.every((row) => row.tenantId === a.tenantId)).toBe(true);
    expect(seen.tracking.every((row) => row.tenantId === a.tenantId)).toBe(true);
  });
});
