import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { createBrand, ingest } from "../insights/support.ts";
import { withTestSession } from "../support/database.ts";
import { callAs, registerTenant, type TestAccount } from "../support/identity.ts";

type Sentiment = "positive" | "negative" | "neutral";

/** A mention of the dataset: its sentiment is set exactly after ingest, so the figures do not rest on the lexicon. */
type Mention = {
  id: string;
  network: string;
  author: string | null;
  at: string;
  reach: number;
  likes: number;
  comments?: number;
  shares?: number;
  sentiment: Sentiment;
  score: number;
  text?: string;
};

const FROM = "2026-10-01T00:00:00.000Z";
const TO = "2026-10-15T00:00:00.000Z";

// The brand's mentions: a1–a5 in the window [FROM, TO), a6 at TO (outside), a7–a8 in the previous window
// (2026-09-17 to FROM), a9–a11 long before, published within microseconds of each other.
const BRAND: Mention[] = [
  {
    id: "a1",
    network: "instagram",
    author: "@ana",
    at: "2026-10-02T10:00:00Z",
    reach: 120,
    likes: 10,
    comments: 2,
    shares: 1,
    sentiment: "positive",
    score: 0.8,
  },
  {
    id: "a2",
    network: "instagram",
    author: "@ana",
    at: "2026-10-02T18:00:00Z",
    reach: 300,
    likes: 5,
    sentiment: "negative",
    score: -0.6,
    text: "Terrible SERVICE, 100%_off is a lie",
  },
  {
    id: "a3",
    network: "x",
    author: "@bob",
    at: "2026-10-09T09:00:00Z",
    reach: 30,
    likes: 1,
    comments: 1,
    shares: 1,
    sentiment: "neutral",
    score: 0,
  },
  {
    id: "a4",
    network: "x",
    author: "@ana",
    at: "2026-10-14T23:59:59.999Z",
    reach: 550,
    likes: 20,
    comments: 5,
    shares: 5,
    sentiment: "positive",
    score: 0.4,
  },
  {
    id: "a5",
    network: "facebook",
    author: null,
    at: "2026-10-05T00:00:00Z",
    reach: 0,
    likes: 0,
    sentiment: "positive",
    score: 0.5,
  },
  {
    id: "a6",
    network: "instagram",
    author: "@dan",
    at: TO,
    reach: 9000,
    likes: 90,
    sentiment: "neutral",
    score: 0,
  },
  {
    id: "a7",
    network: "instagram",
    author: "@Ana",
    at: "2026-09-20T00:00:00Z",
    reach: 200,
    likes: 2,
    sentiment: "negative",
    score: -0.5,
  },
  {
    id: "a8",
    network: "x",
    author: "@carl",
    at: "2026-09-30T23:00:00Z",
    reach: 100,
    likes: 0,
    sentiment: "positive",
    score: 0.7,
  },
  {
    id: "a9",
    network: "youtube",
    author: "@eve",
    at: "2026-08-01T10:00:00.000001Z",
    reach: 77,
    likes: 0,
    sentiment: "neutral",
    score: 0,
  },
  {
    id: "a10",
    network: "youtube",
    author: "@eve",
    at: "2026-08-01T10:00:00.000002Z",
    reach: 77,
    likes: 0,
    sentiment: "neutral",
    score: 0,
  },
  {
    id: "a11",
    network: "youtube",
    author: "@eve",
    at: "2026-08-01T10:00:00.000002Z",
    reach: 77,
    likes: 0,
    sentiment: "neutral",
    score: 0,
  },
];

const COMPETITOR: Mention[] = [
  {
    id: "c1",
    network: "instagram",
    author: "@zoe",
    at: "2026-10-03T00:00:00Z",
    reach: 2000,
    likes: 29,
    sentiment: "positive",
    score: 0.5,
  },
  {
    id: "c2",
    network: "x",
    author: "@zoe",
    at: "2026-10-10T00:00:00Z",
    reach: 1000,
    likes: 20,
    sentiment: "negative",
    score: -0.5,
  },
  {
    id: "c3",
    network: "x",
    author: "@zoe",
    at: "2026-09-25T00:00:00Z",
    reach: 300,
    likes: 2,
    sentiment: "neutral",
    score: 0,
  },
];

const asPost = (mention: Mention) => ({
  network: mention.network,
  external_id: mention.id,
  text: mention.text ?? `Mention ${mention.id}`,
  published_at: mention.at,
  author: mention.author === null ? null : { handle: mention.author, name: null, followers: 10 },
  metrics: {
    likes: mention.likes,
    comments: mention.comments ?? 0,
    shares: mention.shares ?? 0,
    views: 0,
    reach: mention.reach,
  },
});

async function storeMentions(account: TestAccount, brandId: string, mentions: Mention[]): Promise<void> {
  await ingest(account, brandId, mentions.map(asPost));
  await withTestSession((session) =>
    session.db.execute(sql`
      UPDATE posts SET sentiment_label = m.label, sentiment_score = m.score
      FROM jsonb_to_recordset(${JSON.stringify(mentions.map((m) => ({ id: m.id, label: m.sentiment, score: m.score })))}::jsonb)
        AS m(id text, label text, score double precision)
      WHERE posts.brand_id = ${brandId} AND posts.external_id = m.id`),
  );
}

type Figures = {
  mentions: number;
  reach: number;
  engagement: number;
  unique_authors: number;
  sentiment: {
    counts: Record<Sentiment, number>;
    shares: Record<Sentiment, number>;
    net_sentiment: number;
    reputation_score: number | null;
    brand_health_index: number | null;
  };
};

type Summary = Figures & {
  window: { from: string; to: string };
  previous_window: { from: string; to: string };
  share_of_voice: { mentions: number | null; reach: number | null; engagement: number | null };
  previous: Figures & { share_of_voice: Summary["share_of_voice"] };
  change: Record<string, number | null> & { share_of_voice: Record<string, number | null> };
  competitors: { brand_id: string; name: string; mentions: number; reach: number; engagement: number }[];
};

type Bucket = {
  starts: string;
  ends: string;
  mentions: number;
  reach: number;
  engagement: number;
  sentiment: Record<Sentiment, number>;
  score: number | null;
};

type MentionPage = {
  data: { external_id: string; published_at: string; metrics: { reach: number } }[];
  next_cursor: string | null;
};

describe("reputation dashboards over a dataset whose answers are known", () => {
  let account: TestAccount;
  let brandId: string;
  let competitorId: string;
  const windowQuery = `from=${FROM}&to=${TO}`;

  const get = async <T>(path: string): Promise<T> => {
    const response = await callAs(account, "GET", path);
    expect(response.status, await response.clone().text()).toBe(200);
    return response.json<T>();
  };

  beforeAll(async () => {
    account = await registerTenant();
    const competitor = await createBrand(account, { name: "Rival" });
    competitorId = competitor.id;
    brandId = (await createBrand(account, { name: "Acme", competitor_ids: [competitorId] })).id;
    await storeMentions(account, brandId, BRAND);
    await storeMentions(account, competitorId, COMPETITOR);
  });

  it("sums the window's mentions, reach, engagement and authors, and figures their sentiment", async () => {
    const summary = await get<Summary>(`/api/v1/reputation/summary?brand_id=${brandId}&${windowQuery}`);
    expect(summary.window).toEqual({ from: FROM, to: TO });
    expect(summary.previous_window).toEqual({ from: "2026-09-17T00:00:00.000Z", to: FROM });
    expect(summary).toMatchObject({
      mentions: 5,
      reach: 1000,
      engagement: 51,
      // instagram @ana, x @bob, x @ana; a5 has no author.
      unique_authors: 3,
      sentiment: {
        counts: { positive: 3, negative: 1, neutral: 1 },
        shares: { positive: 0.6, negative: 0.2, neutral: 0.2 },
        net_sentiment: 0.4,
        reputation_score: 22,
        brand_health_index: 0.75,
      },
    });
  });

  it("gives the share of voice against the competitor by mentions, reach and engagement", async () => {
    const summary = await get<Summary>(`/api/v1/reputation/summary?brand_id=${brandId}&${windowQuery}`);
    expect(summary.share_of_voice).toEqual({ mentions: 5 / 7, reach: 0.25, engagement: 0.51 });
    expect(summary.competitors).toEqual([
      { brand_id: competitorId, name: "Rival", mentions: 2, reach: 3000, engagement: 49 },
    ]);
  });

  it("compares every figure with the previous window of the same length", async () => {
    const summary = await get<Summary>(`/api/v1/reputation/summary?brand_id=${brandId}&${windowQuery}`);
    expect(summary.previous).toMatchObject({
      mentions: 2,
      reach: 300,
      engagement: 2,
      unique_authors: 2,
      sentiment: {
        counts: { positive: 1, negative: 1, neutral: 0 },
        net_sentiment: 0,
        reputation_score: 10,
        brand_health_index: 0.5,
      },
      share_of_voice: { mentions: 2 / 3, reach: 0.5, engagement: 0.5 },
    });
    expect(summary.change).toMatchObject({
      mentions: 3,
      reach: 700,
      engagement: 49,
      unique_authors: 1,
      positive: 2,
      negative: 0,
      neutral: 1,
      net_sentiment: 0.4,
      reputation_score: 12,
      brand_health_index: 0.25,
    });
    expect(summary.change.share_of_voice.mentions).toBeCloseTo(5 / 7 - 2 / 3, 12);
    expect(summary.change.share_of_voice.reach).toBeCloseTo(-0.25, 12);
    expect(summary.change.share_of_voice.engagement).toBeCloseTo(0.01, 12);
  });

  it("reads the last 30 days up to now when the window is not given", async () => {
    const summary = await get<Summary>(`/api/v1/reputation/summary?brand_id=${brandId}`);
    const from = Date.parse(summary.window.from);
    const to = Date.parse(summary.window.to);
    expect(to - from).toBe(30 * 86_400_000);
    expect(Math.abs(Date.now() - to)).toBeLessThan(60_000);
  });

  it("answers nulls, not zeros, for the ratios of a window without mentions", async () => {
    const empty = await createBrand(account, { name: "Quiet" });
    const summary = await get<Summary>(`/api/v1/reputation/summary?brand_id=${empty.id}&${windowQuery}`);
    expect(summary).toMatchObject({ mentions: 0, reach: 0, unique_authors: 0 });
    expect(summary.sentiment).toMatchObject({
      net_sentiment: 0,
      reputation_score: null,
      brand_health_index: null,
    });
    expect(summary.share_of_voice).toEqual({ mentions: null, reach: null, engagement: null });
    expect(summary.change).toMatchObject({ mentions: 0, reputation_score: null, brand_health_index: null });
  });

  it("refuses a window that ends before it starts", async () => {
    const response = await callAs(
      account,
      "GET",
      `/api/v1/reputation/summary?brand_id=${brandId}&from=${TO}&to=${FROM}`,
    );
    expect(response.status).toBe(400);
  });

  it("lists every UTC day of the window, and the days add up to the summary", async () => {
    const timeline = await get<{ buckets: Bucket[] }>(
      `/api/v1/reputation/timeline?brand_id=${brandId}&interval=day&${windowQuery}`,
    );
    expect(timeline.buckets).toHaveLength(14);
    expect(timeline.buckets[0]?.starts).toBe(FROM);
    expect(timeline.buckets[13]).toMatchObject({
      starts: "2026-10-14T00:00:00.000Z",
      ends: TO,
      mentions: 1,
      reach: 550,
    });
    expect(timeline.buckets[1]).toMatchObject({
      starts: "2026-10-02T00:00:00.000Z",
      mentions: 2,
      reach: 420,
      engagement: 18,
      sentiment: { positive: 1, negative: 1, neutral: 0 },
      score: 10,
    });
    expect(timeline.buckets[2]).toMatchObject({ mentions: 0, score: null });
    await expectSumsToSummary(timeline.buckets);
  });

  it("lists ISO weeks from Monday, counting only mentions inside the window", async () => {
    const timeline = await get<{ buckets: Bucket[] }>(
      `/api/v1/reputation/timeline?brand_id=${brandId}&interval=week&${windowQuery}`,
    );
    expect(timeline.buckets.map((bucket) => [bucket.starts, bucket.mentions])).toEqual([
      // a8 (2026-09-30) is in this week but before the window.
      ["2026-09-28T00:00:00.000Z", 2],
      ["2026-10-05T00:00:00.000Z", 2],
      ["2026-10-12T00:00:00.000Z", 1],
    ]);
    await expectSumsToSummary(timeline.buckets);
  });

  it("gives the figures per network, adding up to the summary", async () => {
    const { channels } = await get<{ channels: (Figures & { network: string })[] }>(
      `/api/v1/reputation/channels?brand_id=${brandId}&${windowQuery}`,
    );
    expect(channels.map((channel) => channel.network)).toEqual([
      "instagram",
      "facebook",
      "tiktok",
      "x",
      "youtube",
      "linkedin",
    ]);
    const byNetwork = Object.fromEntries(channels.map((channel) => [channel.network, channel]));
    expect(byNetwork.instagram).toMatchObject({ mentions: 2, reach: 420, engagement: 18, unique_authors: 1 });
    expect(byNetwork.x).toMatchObject({
      mentions: 2,
      reach: 580,
      engagement: 33,
      unique_authors: 2,
      sentiment: { counts: { positive: 1, negative: 0, neutral: 1 }, reputation_score: 20 },
    });
    expect(byNetwork.youtube).toMatchObject({ mentions: 0, sentiment: { reputation_score: null } });
    const total = (pick: (channel: Figures) => number) =>
      channels.reduce((sum, channel) => sum + pick(channel), 0);
    expect({
      mentions: total((channel) => channel.mentions),
      reach: total((channel) => channel.reach),
      engagement: total((channel) => channel.engagement),
      unique_authors: total((channel) => channel.unique_authors),
      positive: total((channel) => channel.sentiment.counts.positive),
      negative: total((channel) => channel.sentiment.counts.negative),
      neutral: total((channel) => channel.sentiment.counts.neutral),
    }).toEqual({
      mentions: 5,
      reach: 1000,
      engagement: 51,
      unique_authors: 3,
      positive: 3,
      negative: 1,
      neutral: 1,
    });
  });

  const mentionIds = async (query: string) =>
    (await get<MentionPage>(`/api/v1/reputation/mentions?brand_id=${brandId}&limit=100&${query}`)).data.map(
      (mention) => mention.external_id,
    );

  it("filters mentions by network, sentiment, author, date range and text", async () => {
    expect((await mentionIds("network=x")).sort()).toEqual(["a3", "a4", "a8"]);
    expect((await mentionIds("sentiment=negative")).sort()).toEqual(["a2", "a7"]);
    expect((await mentionIds("author=%40ANA")).sort()).toEqual(["a1", "a2", "a4", "a7"]);
    expect((await mentionIds(windowQuery)).sort()).toEqual(["a1", "a2", "a3", "a4", "a5"]);
    expect(await mentionIds("text=service")).toEqual(["a2"]);
    // % and _ are matched as themselves, not as wildcards.
    expect(await mentionIds(`text=${encodeURIComponent("100%_")}`)).toEqual(["a2"]);
    expect(await mentionIds(`text=${encodeURIComponent("n%1")}`)).toEqual([]);
    expect(await mentionIds("network=x&sentiment=positive&author=%40ana")).toEqual(["a4"]);
  });

  it("sorts by recency to the microsecond and by reach", async () => {
    const recent = await mentionIds("sort=recent");
    expect(recent.slice(0, 8)).toEqual(["a6", "a4", "a3", "a5", "a2", "a1", "a8", "a7"]);
    // a10 and a11 share a microsecond, one after a9's.
    expect(recent.slice(8, 10).sort()).toEqual(["a10", "a11"]);
    expect(recent[10]).toBe("a9");
    const byReach = await mentionIds("sort=reach");
    expect(byReach.slice(0, 6)).toEqual(["a6", "a4", "a2", "a7", "a1", "a8"]);
    expect(byReach.slice(6, 9).sort()).toEqual(["a10", "a11", "a9"]);
    expect(byReach.slice(9)).toEqual(["a3", "a5"]);
  });

  for (const sort of ["recent", "reach"]) {
    it(`pages through every mention sorted by ${sort} without gaps or repeats`, async () => {
      const whole = await mentionIds(`sort=${sort}`);
      const paged: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: MentionPage = await get<MentionPage>(
          `/api/v1/reputation/mentions?brand_id=${brandId}&sort=${sort}&limit=2${cursor ? `&cursor=${cursor}` : ""}`,
        );
        paged.push(...page.data.map((mention) => mention.external_id));
        cursor = page.next_cursor;
        pages++;
      } while (cursor !== null && pages < 20);
      expect(pages).toBe(6);
      expect(paged).toEqual(whole);
      expect(whole).toHaveLength(BRAND.length);
    });
  }

  it("refuses a cursor of the other sort, and one it did not hand out", async () => {
    const first = await get<MentionPage>(
      `/api/v1/reputation/mentions?brand_id=${brandId}&sort=reach&limit=1`,
    );
    const other = await callAs(
      account,
      "GET",
      `/api/v1/reputation/mentions?brand_id=${brandId}&sort=recent&cursor=${first.next_cursor}`,
    );
    expect(other.status).toBe(400);
    const forged = await callAs(account, "GET", `/api/v1/reputation/mentions?brand_id=${brandId}&cursor=abc`);
    expect(forged.status).toBe(400);
  });

  async function expectSumsToSummary(buckets: Bucket[]): Promise<void> {
    const summary = await get<Summary>(`/api/v1/reputation/summary?brand_id=${brandId}&${windowQuery}`);
    const total = (pick: (bucket: Bucket) => number) =>
      buckets.reduce((sum, bucket) => sum + pick(bucket), 0);
    expect({
      mentions: total((bucket) => bucket.mentions),
      reach: total((bucket) => bucket.reach),
      engagement: total((bucket) => bucket.engagement),
      positive: total((bucket) => bucket.sentiment.positive),
      negative: total((bucket) => bucket.sentiment.negative),
      neutral: total((bucket) => bucket.sentiment.neutral),
    }).toEqual({
      mentions: summary.mentions,
      reach: summary.reach,
      engagement: summary.engagement,
      ...summary.sentiment.counts,
    });
  }
});

describe("tenant isolation: another tenant calling every dashboard with the brand's id", () => {
  let owner: TestAccount;
  let other: TestAccount;
  let brandId: string;

  beforeAll(async () => {
    owner = await registerTenant();
    other = await registerTenant();
    brandId = (await createBrand(owner, { name: "Owned" })).id;
    await storeMentions(owner, brandId, BRAND.slice(0, 2));
  });

  const paths = (id: string) => [
    `/api/v1/reputation/summary?brand_id=${id}`,
    `/api/v1/reputation/timeline?brand_id=${id}&interval=week`,
    `/api/v1/reputation/channels?brand_id=${id}`,
    `/api/v1/reputation/mentions?brand_id=${id}`,
  ];

  it("answers 404 to the other tenant, as for a brand that does not exist", async () => {
    for (const path of [...paths(brandId), ...paths(crypto.randomUUID())]) {
      const response = await callAs(other, "GET", path);
      expect(response.status, path).toBe(404);
      expect(response.headers.get("content-type")).toContain("application/problem+json");
    }
  });

  it("answers the owner, also on the /v1 paths", async () => {
    for (const path of paths(brandId)) {
      expect((await callAs(owner, "GET", path)).status, path).toBe(200);
      expect((await callAs(owner, "GET", path.replace("/api/v1/", "/v1/"))).status, path).toBe(200);
    }
    const mentions = await (
      await callAs(owner, "GET", `/api/v1/reputation/mentions?brand_id=${brandId}`)
    ).json<MentionPage>();
    expect(mentions.data.map((mention) => mention.external_id).sort()).toEqual(["a1", "a2"]);
  });
});
