import { describe, expect, inject, it } from "vitest";
import { callAs, registerTenant, type TestAccount } from "../support/identity.ts";
import { createBrand, ingest, post } from "./support.ts";

type ModuleResultBody = {
  id: string;
  analysis_id: string;
  module: string;
  status: string;
  source: string | null;
  attempts: number;
  tokens: { prompt: number; completion: number };
  result: { computed: Record<string, unknown>; analysis: Record<string, unknown> } | null;
  evidence: string[];
  raw_answer: string | null;
  errors: string[] | null;
  sample_size: number;
  post_count: number;
};

type AnalysisBody = { id: string; status: string; reused: boolean; modules: ModuleResultBody[] };

const WINDOW = { from: "2026-10-01T00:00:00Z", to: "2026-10-11T00:00:00Z" };
const day = (n: number) => `2026-10-${String(n).padStart(2, "0")}T12:00:00Z`;

/**
 * A dataset whose answers are known: eight praising posts on Instagram by @fan (one a day except the 5th),
 * eight complaints on X by @critic all on the 5th (the peak), one neutral post on the 10th.
 */
const KNOWN_POSTS = [
  ...[1, 2, 3, 4, 6, 7, 8, 9].map((n) =>
    post(`fan-${n}`, {
      text: "Me encanta, excelente calidad",
      published_at: day(n),
      author: { handle: "@fan", name: "Fan", followers: 10_000 },
      metrics: { likes: 10, comments: 2, shares: 1, views: 500, reach: 100 },
    }),
  ),
  ...Array.from({ length: 8 }, (_, n) =>
    post(`critic-${n}`, {
      network: "x",
      text: "Pésimo servicio, horrible",
      published_at: `2026-10-05T0${n}:00:00Z`,
      author: { handle: "@critic", followers: 100 },
      metrics: { likes: 1, reach: 10 },
    }),
  ),
  post("news", {
    text: "La tienda abre a las diez",
    published_at: day(10),
    author: { handle: "@newsy", followers: 0 },
    metrics: {},
  }),
];

const scriptUrl = (key: string) => `${inject("openaiBaseUrl").replace(/\/v1$/, "")}/__scripts/${key}`;

/** A brand whose prompts carry a script marker, and the fake's answers for it in order. */
async function scriptedBrand(owner: TestAccount, answers: unknown[], body: Record<string, unknown> = {}) {
  const key = crypto.randomUUID();
  const stored = await fetch(scriptUrl(key), { method: "POST", body: JSON.stringify({ answers }) });
  expect(stored.status).toBe(200);
  const brand = await createBrand(owner, { name: `Scripted fake-openai:script:${key}`, ...body });
  await ingest(owner, brand.id, KNOWN_POSTS);
  return brand;
}

async function analyze(
  owner: TestAccount,
  module: string,
  brandId: string,
  extra: Record<string, unknown> = {},
) {
  const response = await callAs(owner, "POST", `/api/v1/analyze/${module}`, {
    brand_id: brandId,
    ...WINDOW,
    ...extra,
  });
  expect(response.status, await response.clone().text()).toBe(200);
  return response.json<ModuleResultBody>();
}

const EMOTIONS = ["joy", "trust", "fear", "surprise", "sadness", "disgust", "anger", "anticipation"];
const emotionsAnswer = (share: number) =>
  JSON.stringify({
    emotions: EMOTIONS.map((label) => ({ label, share, examples: ["p1"] })),
    summary: "Joy.",
  });
const personalityAnswer = (gap: unknown) =>
  JSON.stringify({
    dimensions: { sincerity: 0.5, excitement: 0.5, competence: 0.5, sophistication: 0.5, ruggedness: 0.5 },
    gap_score: gap,
    rationale: "Balanced.",
    examples: ["p2"],
  });
const desired = { sincerity: 0.9, excitement: 0.5, competence: 0.5, sophistication: 0.1, ruggedness: 0.5 };

describe("structured answers from the model, validated", () => {
  it("stores a valid answer with its evidence, tokens and Q2's gap recomputed by the formula", async () => {
    const owner = await registerTenant();
    const brand = await scriptedBrand(owner, [personalityAnswer(0.9)], { desired_profile: desired });
    const result = await analyze(owner, "q2", brand.id);
    expect(result).toMatchObject({ status: "completed", source: "openai", attempts: 1, post_count: 17 });
    // sqrt((0.4² + 0.4²) / 5) = 0.253
    expect(result.result?.analysis.gap_score).toBe(0.253);
    expect(result.evidence).toHaveLength(1);
    // The model cited "p2"; the stored answer names that post by its id, which is the evidence.
    expect(result.result?.analysis.examples).toEqual(result.evidence);
    expect(result.tokens.prompt).toBeGreaterThan(0);
  });

  it("retries an answer whose gap_score is a string, and stores the valid second one", async () => {
    const owner = await registerTenant();
    const brand = await scriptedBrand(owner, [personalityAnswer("0.2"), personalityAnswer(0.2)]);
    const result = await analyze(owner, "q2", brand.id);
    expect(result).toMatchObject({ status: "completed", source: "openai", attempts: 2 });
    expect(result.result?.analysis.gap_score).toBeNull();
  });

  it("stores failed, with the raw answer and the errors, a gap_score that stays a string after two retries", async () => {
    const owner = await registerTenant();
    const brand = await scriptedBrand(owner, [personalityAnswer("0.2")]);
    const result = await analyze(owner, "q2", brand.id);
    expect(result).toMatchObject({ status: "failed", source: "openai", attempts: 3, result: null });
    expect(result.raw_answer).toContain('"gap_score":"0.2"');
    expect(result.errors?.join(" ")).toContain("gap_score");
  });

  it("fails emotion shares that do not sum to 1, after two retries", async () => {
    const owner = await registerTenant();
    const brand = await scriptedBrand(owner, [emotionsAnswer(0.2)]);
    const result = await analyze(owner, "q1", brand.id);
    expect(result).toMatchObject({ status: "failed", attempts: 3 });
    expect(result.errors?.join(" ")).toContain("shares sum to 1.600, not 1");
  });

  it("fails an answer missing a field, after two retries", async () => {
    const owner = await registerTenant();
    const brand = await scriptedBrand(owner, [JSON.stringify({ highlights: [], risks: [] })]);
    const result = await analyze(owner, "q10", brand.id);
    expect(result).toMatchObject({ status: "failed", attempts: 3 });
    expect(result.errors).toEqual([expect.stringContaining("summary")]);
  });

  it("retries a cut-off stream, and falls back when every attempt is cut", async () => {
    const owner = await registerTenant();
    const recovered = await scriptedBrand(owner, [{ cut: true }, emotionsAnswer(0.125)]);
    expect(await analyze(owner, "q1", recovered.id)).toMatchObject({
      status: "completed",
      source: "openai",
      attempts: 2,
    });
    const cut = await scriptedBrand(owner, [{ cut: true }]);
    const result = await analyze(owner, "q1", cut.id);
    expect(result).toMatchObject({ status: "completed", source: "fallback", attempts: 3 });
    expect(result.errors?.length).toBe(1);
    expect(result.result?.analysis.emotions).toHaveLength(8);
  });

  it("returns the stored result for the same input, and runs again when forced or when a post changes", async () => {
    const owner = await registerTenant();
    const brand = await scriptedBrand(owner, [emotionsAnswer(0.125)]);
    const first = await analyze(owner, "q1", brand.id);
    expect((await analyze(owner, "q1", brand.id)).id).toBe(first.id);
    const forced = await analyze(owner, "q1", brand.id, { force: true });
    expect(forced.id).not.toBe(first.id);
    await ingest(owner, brand.id, [post("fan-1", { published_at: day(1), text: "Ya no me encanta" })]);
    expect((await analyze(owner, "q1", brand.id)).id).not.toBe(forced.id);
  });
});

describe("computed parts, against a dataset with known answers", () => {
  // The model fails for this brand, so each module also shows its fallback.
  async function knownBrand() {
    const owner = await registerTenant();
    const brand = await createBrand(owner, {
      name: "Known fake-openai:error",
      handles: { instagram: "@fan" },
    });
    await ingest(owner, brand.id, KNOWN_POSTS);
    return { owner, brand };
  }

  it("computes sentiment shares, per network, exactly", async () => {
    const { owner, brand } = await knownBrand();
    const q7 = await analyze(owner, "q7", brand.id);
    expect(q7).toMatchObject({ status: "completed", source: "fallback", post_count: 17, sample_size: 17 });
    expect(q7.result?.computed).toEqual({
      positive: 0.4706,
      negative: 0.4706,
      neutral: 0.0588,
      net: 0,
      posts: 17,
      by_network: [
        { network: "instagram", posts: 9, positive: 0.8889, negative: 0, neutral: 0.1111, net: 0.8889 },
        { network: "x", posts: 8, positive: 0, negative: 1, neutral: 0, net: -1 },
      ],
    });
    expect(q7.result?.analysis).toMatchObject({
      positive_drivers: ["quality"],
      negative_drivers: ["customer_service"],
    });
  });

  it("ranks influencers by the documented formula", async () => {
    const { owner, brand } = await knownBrand();
    const q5 = await analyze(owner, "q5", brand.id);
    const ranking = q5.result?.computed.ranking as {
      handle: string;
      engagement: number;
      influence: number;
    }[];
    expect(ranking.map((author) => author.handle)).toEqual(["@fan", "@critic", "@newsy"]);
    // log10(1 + 10000) + 2·log10(1 + 104); log10(101) + 2·log10(9)
    expect(ranking[0]).toMatchObject({ engagement: 104, influence: 8.042 });
    expect(ranking[1]).toMatchObject({ engagement: 8, influence: 3.913 });
    expect(q5.result?.analysis.influencers).toEqual([
      expect.objectContaining({ handle: "@fan", role: "brand", stance: "advocate" }),
      expect.objectContaining({ handle: "@critic", role: "customer", stance: "critic" }),
      expect.objectContaining({ handle: "@newsy", stance: "neutral" }),
    ]);
  });

  it("computes the daily timeline and finds the peak", async () => {
    const { owner, brand } = await knownBrand();
    const q8 = await analyze(owner, "q8", brand.id);
    const computed = q8.result?.computed as {
      granularity: string;
      timeline: { posts: number }[];
      peaks: string[];
    };
    expect(computed.granularity).toBe("day");
    expect(computed.timeline.map((bucket) => bucket.posts)).toEqual([1, 1, 1, 1, 8, 1, 1, 1, 1, 1]);
    expect(computed.peaks).toEqual(["2026-10-05"]);
    const peaks = q8.result?.analysis.peaks as { period: string; examples: string[] }[];
    expect(peaks.map((peak) => peak.period)).toEqual(["2026-10-05"]);
    expect(q8.evidence.length).toBeGreaterThan(0);
  });

  it("computes key figures, emotion and topic counts, and the fallback's shares from them", async () => {
    const { owner, brand } = await knownBrand();
    const q10 = await analyze(owner, "q10", brand.id);
    expect(q10.result?.computed).toMatchObject({
      posts: 17,
      authors: 3,
      reach: 880,
      engagement: 112,
      engagement_rate: 0.1273,
    });
    const q1 = await analyze(owner, "q1", brand.id);
    expect(q1.result?.computed.emotion_posts).toMatchObject({ joy: 8, trust: 8, disgust: 8, anger: 0 });
    const shares = q1.result?.analysis.emotions as { label: string; share: number }[];
    expect(
      shares.filter((emotion) => emotion.share > 0).map((emotion) => [emotion.label, emotion.share]),
    ).toEqual([
      ["joy", 0.3334],
      ["trust", 0.3333],
      ["disgust", 0.3333],
    ]);
    const q3 = await analyze(owner, "q3", brand.id);
    expect(
      (q3.result?.computed.topic_posts as { topic: string; posts: number }[] | undefined)?.map((topic) => [
        topic.topic,
        topic.posts,
      ]),
    ).toEqual([
      ["customer_service", 8],
      ["quality", 8],
      ["experience", 1],
    ]);
  });
});

describe("analyses on the long queue", () => {
  async function waitFor(owner: TestAccount, id: string): Promise<AnalysisBody> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const analysis = await (await callAs(owner, "GET", `/api/v1/analyses/${id}`)).json<AnalysisBody>();
      if (analysis.status === "completed" || analysis.status === "failed") return analysis;
      if (Date.now() > deadline) throw new Error(`analysis still ${analysis.status}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  it("runs all ten modules, one job each, and serves the latest results as the brand's insights", async () => {
    const owner = await registerTenant();
    const brand = await createBrand(owner);
    await ingest(owner, brand.id, KNOWN_POSTS);
    const key = crypto.randomUUID();
    const response = await callAs(owner, "POST", `/api/v1/brands/${brand.id}/analyses`, WINDOW, {
      "idempotency-key": key,
    });
    expect(response.status, await response.clone().text()).toBe(202);
    const queued = await response.json<AnalysisBody>();
    expect(queued.modules.map((module) => module.module)).toEqual([
      "q1",
      "q2",
      "q3",
      "q4",
      "q5",
      "q6",
      "q7",
      "q8",
      "q9",
      "q10",
    ]);
    expect(queued.modules.every((module) => module.status === "queued")).toBe(true);
    const replay = await callAs(owner, "POST", `/api/v1/brands/${brand.id}/analyses`, WINDOW, {
      "idempotency-key": key,
    });
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    const done = await waitFor(owner, queued.id);
    expect(done.status).toBe("completed");
    for (const module of done.modules)
      expect(module, module.module).toMatchObject({ status: "completed", source: "openai" });
    const again = await (
      await callAs(owner, "POST", `/api/v1/brands/${brand.id}/analyses`, {
        ...WINDOW,
        modules: ["q10", "q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8", "q9"],
      })
    ).json<AnalysisBody>();
    expect(again).toMatchObject({ id: queued.id, reused: true });
    const insights = await (await callAs(owner, "GET", `/api/v1/brands/${brand.id}/insights`)).json<
      Record<string, ModuleResultBody | null>
    >();
    expect(Object.keys(insights)).toHaveLength(10);
    expect(insights.q7?.analysis_id).toBe(queued.id);
    const history = await (
      await callAs(owner, "GET", `/api/v1/brands/${brand.id}/insights/history?module=q7`)
    ).json<{ data: ModuleResultBody[] }>();
    expect(history.data.map((result) => result.id)).toEqual([insights.q7?.id]);
  });

  it("answers 404 for an unknown brand, and 400 for a window that ends before it starts", async () => {
    const owner = await registerTenant();
    const brand = await createBrand(owner);
    const missing = await callAs(owner, "POST", `/api/v1/brands/${crypto.randomUUID()}/analyses`, WINDOW);
    expect(missing.status).toBe(404);
    const backwards = await callAs(owner, "POST", `/api/v1/brands/${brand.id}/analyses`, {
      from: WINDOW.to,
      to: WINDOW.from,
    });
    expect(backwards.status).toBe(400);
  });
});
