import { SELF } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { posts } from "../../../workers/insights/tables.ts";
import { withTestDatabase } from "../support/database.ts";
import { BASE, bearer, callAs, randomIp, registerTenant, type TestAccount } from "../support/identity.ts";
import { createBrand, type IngestBody, ingest, post } from "./support.ts";

const storedPosts = (brandId: string) =>
  withTestDatabase((db) =>
    db.select().from(posts).where(eq(posts.brandId, brandId)).orderBy(posts.externalId),
  );

type PostBody = {
  id: string;
  external_id: string;
  parent_id: string | null;
  sentiment: { label: string } | null;
};
type PostPage = { data: PostBody[]; next_cursor: string | null };

function sendNdjson(account: TestAccount, brandId: string, body: string | ReadableStream<Uint8Array>) {
  return SELF.fetch(`${BASE}/api/v1/brands/${brandId}/posts`, {
    method: "POST",
    headers: { ...bearer(account), "content-type": "application/x-ndjson", "cf-connecting-ip": randomIp() },
    body,
  });
}

describe("post ingest", () => {
  it("stores good items, lists bad ones by index with their fields, and keeps the columns dashboards read", async () => {
    const owner = await registerTenant();
    const brand = await createBrand(owner);
    const outcome = await ingest(owner, brand.id, [
      post("a1"),
      post("bad-metrics", { metrics: { likes: -1 } }),
      post("a2", { network: "x", text: "Pésimo servicio, el envío llegó tarde", language: "es" }),
      { network: "myspace", external_id: "bad-network", text: "", published_at: "yesterday" },
      post("c-no-parent", { kind: "comment" }),
    ]);
    expect(outcome).toMatchObject({ created: 2, updated: 0, rejected: 3, duplicates: 0 });
    expect(outcome.errors.map((error) => error.index)).toEqual([1, 3, 4]);
    expect(outcome.errors[0]?.errors[0]?.path).toBe("metrics.likes");
    expect(outcome.errors[1]?.errors.map((error) => error.path)).toEqual(
      expect.arrayContaining(["network", "published_at"]),
    );
    expect(outcome.errors[2]?.errors[0]?.path).toBe("parent_external_id");
    const [a1, a2] = await storedPosts(brand.id);
    expect(a1).toMatchObject({
      network: "instagram",
      authorHandle: "@ana",
      authorFollowers: 1200,
      likes: 10,
      reach: 250,
      language: "es",
      sentimentLabel: "positive",
      sentimentSource: "lexicon-v1",
    });
    expect(a2).toMatchObject({ network: "x", sentimentLabel: "negative" });
    expect(a2?.topics).toEqual(expect.arrayContaining(["delivery", "customer_service"]));
  });

  it("is an idempotent upsert on network and external_id, the last of a repeated key winning", async () => {
    const owner = await registerTenant();
    const brand = await createBrand(owner);
    await ingest(owner, brand.id, [post("p1"), post("p2")]);
    const again = await ingest(owner, brand.id, [
      post("p1", { metrics: { likes: 99 } }),
      post("p3", { text: "first" }),
      post("p3", { text: "second" }),
      post("p1", { network: "tiktok" }),
    ]);
    expect(again).toMatchObject({ created: 2, updated: 1, duplicates: 1, rejected: 0 });
    const stored = await storedPosts(brand.id);
    expect(stored).toHaveLength(4);
    expect(stored.find((row) => row.externalId === "p1" && row.network === "instagram")?.likes).toBe(99);
    expect(stored.find((row) => row.externalId === "p3")?.text).toBe("second");
  });

  it("links comments sent before their post, in the same batch or an earlier one", async () => {
    const owner = await registerTenant();
    const brand = await createBrand(owner);
    await ingest(owner, brand.id, [post("c1", { kind: "comment", parent_external_id: "root" })]);
    await ingest(owner, brand.id, [
      post("c2", { kind: "comment", parent_external_id: "root" }),
      post("root"),
      post("c3", { kind: "comment", parent_external_id: "root", network: "x" }),
    ]);
    const stored = await storedPosts(brand.id);
    const root = stored.find((row) => row.externalId === "root");
    expect(stored.find((row) => row.externalId === "c1")?.parentId).toBe(root?.id);
    expect(stored.find((row) => row.externalId === "c2")?.parentId).toBe(root?.id);
    // A parent is looked for on the comment's own network.
    expect(stored.find((row) => row.externalId === "c3")?.parentId).toBeNull();
  });

  it("refuses a batch over 1,000 items and answers 404 for another tenant's brand", async () => {
    const owner = await registerTenant();
    const brand = await createBrand(owner);
    const tooMany = Array.from({ length: 1001 }, (_, index) => ({ external_id: `${index}` }));
    expect((await callAs(owner, "POST", `/api/v1/brands/${brand.id}/posts`, { posts: tooMany })).status).toBe(
      400,
    );
    const other = await registerTenant();
    const foreign = await callAs(other, "POST", `/api/v1/brands/${brand.id}/posts`, { posts: [post("x")] });
    expect(foreign.status).toBe(404);
  });

  it("takes NDJSON streamed in the body, larger than the 1 MiB JSON limit, with the same answer", async () => {
    const owner = await registerTenant();
    const brand = await createBrand(owner);
    const lines = Array.from({ length: 2500 }, (_, index) =>
      JSON.stringify(post(`n${index}`, { text: `${"Excelente producto ".repeat(25)} ${index}` })),
    );
    lines.splice(10, 0, "{not json", "", JSON.stringify(post("bad", { metrics: { views: 1.5 } })));
    const text = `${lines.join("\n")}\n`;
    expect(new TextEncoder().encode(text).byteLength).toBeGreaterThan(1024 * 1024);
    const encoded = new TextEncoder().encode(text);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let offset = 0; offset < encoded.length; offset += 64 * 1024)
          controller.enqueue(encoded.slice(offset, offset + 64 * 1024));
        controller.close();
      },
    });
    const response = await sendNdjson(owner, brand.id, stream);
    expect(response.status, await response.clone().text()).toBe(200);
    const outcome = await response.json<IngestBody>();
    expect(outcome).toMatchObject({ created: 2500, updated: 0, rejected: 2 });
    expect(outcome.errors.map((error) => error.index)).toEqual([10, 12]);
    expect(outcome.errors[1]?.errors[0]?.path).toBe("metrics.views");
    const resent = await (await sendNdjson(owner, brand.id, lines.slice(0, 5).join("\n"))).json<IngestBody>();
    expect(resent).toMatchObject({ created: 0, updated: 5 });
  });

  it("lists a brand's posts in pages, filtered by network, kind, author, dates and text", async () => {
    const owner = await registerTenant();
    const brand = await createBrand(owner);
    await ingest(owner, brand.id, [
      post("1", { published_at: "2026-11-01T10:00:00Z" }),
      post("2", { network: "x", author: { handle: "@Bob" }, text: "Terrible precio" }),
      post("3", { kind: "review", published_at: "2026-11-20T10:00:00Z" }),
      post("4", { kind: "comment", parent_external_id: "1" }),
    ]);
    const list = async (query: string) =>
      (
        await (await callAs(owner, "GET", `/api/v1/brands/${brand.id}/posts?${query}`)).json<PostPage>()
      ).data.map((row) => row.external_id);
    expect(await list("network=x")).toEqual(["2"]);
    expect(await list("kind=review")).toEqual(["3"]);
    expect(await list("author=%40bob")).toEqual(["2"]);
    expect(await list("q=PRECIO")).toEqual(["2"]);
    expect(await list("from=2026-11-15T00:00:00Z")).toEqual(["3"]);
    expect(await list("to=2026-11-05T00:00:00Z")).toEqual(["1"]);
    const first = await (
      await callAs(owner, "GET", `/api/v1/brands/${brand.id}/posts?limit=3`)
    ).json<PostPage>();
    expect(first.data).toHaveLength(3);
    const second = await (
      await callAs(owner, "GET", `/api/v1/brands/${brand.id}/posts?limit=3&cursor=${first.next_cursor}`)
    ).json<PostPage>();
    const all = [...first.data, ...second.data];
    expect(second.next_cursor).toBeNull();
    // Ids of one batch share their millisecond, so their order within it is not the items' order.
    expect(all.map((row) => row.external_id).sort()).toEqual(["1", "2", "3", "4"]);
    const byExternalId = new Map(all.map((row) => [row.external_id, row]));
    expect(byExternalId.get("4")?.parent_id).toBe(byExternalId.get("1")?.id);
    expect(byExternalId.get("1")?.sentiment?.label).toBe("positive");
  });
});
