import { SELF } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { analysisResults, brands, posts } from "../../../workers/insights/tables.ts";
import { withTestDatabase } from "../support/database.ts";
import { BASE, bearer, callAs, randomIp, registerTenant } from "../support/identity.ts";
import { createBrand, ingest, post } from "./support.ts";

const WINDOW = { from: "2026-11-01T00:00:00Z", to: "2026-11-30T00:00:00Z" };

describe("tenant isolation: tenant A calling every insights route with tenant B's ids", () => {
  it("finds none of B's brands, posts, analyses or insights, and changes nothing of B's", async () => {
    const [a, b] = await Promise.all([registerTenant(), registerTenant()]);
    const ownBrand = await createBrand(a);
    const brand = await createBrand(b);
    await ingest(b, brand.id, [post("b1"), post("b2")]);
    const analysis = await (
      await callAs(b, "POST", `/api/v1/brands/${brand.id}/analyses`, { ...WINDOW, modules: ["q7"] })
    ).json<{ id: string }>();
    const snapshot = () =>
      withTestDatabase(async (db) => ({
        brands: await db.select().from(brands).where(eq(brands.tenantId, b.tenantId)),
        posts: await db.select().from(posts).where(eq(posts.tenantId, b.tenantId)),
        results: (await db.select().from(analysisResults).where(eq(analysisResults.tenantId, b.tenantId)))
          .length,
      }));
    // Let B's queued module finish, so the snapshot does not move under the test.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const before = await snapshot();

    const calls: [string, string, unknown?][] = [
      ["GET", `/api/v1/brands/${brand.id}`],
      ["PATCH", `/api/v1/brands/${brand.id}`, { name: "Taken" }],
      ["DELETE", `/api/v1/brands/${brand.id}`],
      ["GET", `/api/v1/brands/${brand.id}/posts`],
      ["POST", `/api/v1/brands/${brand.id}/posts`, { posts: [post("b1", { text: "overwritten" })] }],
      ["POST", `/api/v1/brands/${brand.id}/analyses`, WINDOW],
      ["GET", `/api/v1/analyses/${analysis.id}`],
      ["POST", "/api/v1/analyze/q7", { brand_id: brand.id, ...WINDOW }],
      ["GET", `/api/v1/brands/${brand.id}/insights`],
      ["GET", `/api/v1/brands/${brand.id}/insights/history`],
    ];
    for (const [method, path, body] of calls) {
      const response = await callAs(a, method, path, body);
      expect(response.status, `${method} ${path}`).toBe(404);
    }
    const ndjson = await SELF.fetch(`${BASE}/api/v1/brands/${brand.id}/posts`, {
      method: "POST",
      headers: { ...bearer(a), "content-type": "application/x-ndjson", "cf-connecting-ip": randomIp() },
      body: JSON.stringify(post("b2", { text: "overwritten" })),
    });
    expect(ndjson.status).toBe(404);
    const competitor = await callAs(a, "PATCH", `/api/v1/brands/${ownBrand.id}`, {
      competitor_ids: [brand.id],
    });
    expect(competitor.status).toBe(400);
    const listed = await (await callAs(a, "GET", "/api/v1/brands")).json<{ data: { id: string }[] }>();
    expect(listed.data.map((row) => row.id)).toEqual([ownBrand.id]);
    expect(await snapshot()).toEqual(before);
  });
});
