import { describe, expect, it } from "vitest";
import { strictJsonSchemaOf } from "../../../workers/ai/structured-output.ts";
import {
  gapScore,
  MODULES,
  type ModuleInput,
  peaksOf,
  trendOf,
} from "../../../workers/insights/analysis/modules.ts";
import { citingPostIds, validateAnswer } from "../../../workers/insights/analysis/run-model.ts";
import type { SamplePost, WindowFacts } from "../../../workers/insights/analysis/window-facts.ts";

const timeline = (volumes: number[]) =>
  volumes.map((posts, index) => ({
    period: `2026-10-${String(index + 1).padStart(2, "0")}`,
    posts,
    engagement: posts * 3,
    meanSentiment: 0.1,
  }));

const facts: WindowFacts = {
  posts: 12,
  reach: 1000,
  views: 4000,
  engagement: 90,
  authors: 2,
  sentiment: { positive: 6, negative: 4, neutral: 2 },
  byNetwork: [{ network: "instagram", posts: 12, positive: 6, negative: 4, neutral: 2 }],
  emotions: { joy: 5, trust: 3, fear: 0, surprise: 0, sadness: 1, disgust: 0, anger: 2, anticipation: 0 },
  topics: [
    { topic: "delivery", posts: 5, meanSentiment: -0.6 },
    { topic: "quality", posts: 4, meanSentiment: 0.7 },
    { topic: "other", posts: 3, meanSentiment: 0 },
  ],
  granularity: "day",
  timeline: timeline([1, 1, 1, 1, 1, 1, 6]),
  influencers: [
    {
      handle: "@big",
      name: "Big",
      followers: 50_000,
      posts: 2,
      engagement: 60,
      meanSentiment: 0.5,
      influence: 8.3,
    },
    {
      handle: "@small",
      name: null,
      followers: 10,
      posts: 10,
      engagement: 30,
      meanSentiment: -0.4,
      influence: 4,
    },
  ],
  postsHash: "x",
};

const samplePost = (ref: string, overrides: Partial<SamplePost>): SamplePost => ({
  ref,
  id: crypto.randomUUID(),
  network: "instagram",
  authorHandle: "@small",
  publishedAt: "2026-10-07T10:00:00.000Z",
  engagement: 3,
  sentiment: "negative",
  topics: ["delivery"],
  emotions: ["anger"],
  text: "El envío llegó tarde, pésimo",
  ...overrides,
});

const input: ModuleInput = {
  facts,
  sample: [
    samplePost("p1", {}),
    samplePost("p2", {
      sentiment: "positive",
      topics: ["quality"],
      emotions: ["joy"],
      text: "Excelente calidad, muy confiable",
    }),
    samplePost("p3", { sentiment: "neutral", topics: ["other"], emotions: [], text: "¿Abren el domingo?" }),
  ],
  brand: { name: "Acme", handles: ["@big"], competitorNames: ["Rival"], desiredProfile: null },
};

const empty: ModuleInput = {
  facts: {
    ...facts,
    posts: 0,
    reach: 0,
    engagement: 0,
    authors: 0,
    sentiment: { positive: 0, negative: 0, neutral: 0 },
    byNetwork: [],
    emotions: { joy: 0, trust: 0, fear: 0, surprise: 0, sadness: 0, disgust: 0, anger: 0, anticipation: 0 },
    topics: [],
    timeline: [],
    influencers: [],
  },
  sample: [],
  brand: input.brand,
};

describe("the modules' fallbacks", () => {
  it.each(
    Object.values(MODULES).flatMap((module) => [
      [module.module, input] as const,
      [module.module, empty] as const,
    ]),
  )("%s answers valid against its own schema", (module, given) => {
    const definition = MODULES[module];
    const answer = definition.fallback(given);
    expect(validateAnswer(definition, given, JSON.stringify(answer))).toEqual({ answer });
  });

  it("frames posts by the documented rules", () => {
    const frames = MODULES.q4.fallback(input).frames as {
      label: string;
      share: number;
      examples: string[];
    }[];
    expect(frames.map((frame) => [frame.label, frame.examples])).toEqual([
      ["praise", ["p2"]],
      ["complaint", ["p1"]],
      ["question", ["p3"]],
    ]);
  });

  it("turns the worst topics into opportunities and recommendations tied to evidence", () => {
    expect(MODULES.q9.fallback(input).recommendations).toEqual([
      expect.objectContaining({ priority: 1, examples: ["p1"], title: "Address complaints about delivery" }),
    ]);
    const kinds = (MODULES.q6.fallback(input).opportunities as { kind: string }[]).map((each) => each.kind);
    expect(kinds).toEqual(["service", "content"]);
  });
});

describe("the stored answer's citations", () => {
  it("names the cited posts by id wherever an examples list is, and leaves other strings alone", () => {
    const idOf = new Map([
      ["p1", "post-one"],
      ["p2", "post-two"],
    ]);
    const answer = {
      summary: "p1 is mentioned here",
      examples: ["p2", "p1"],
      frames: [{ label: "p1", examples: ["p1"] }],
    };
    expect(citingPostIds(answer, idOf)).toEqual({
      summary: "p1 is mentioned here",
      examples: ["post-two", "post-one"],
      frames: [{ label: "p1", examples: ["post-one"] }],
    });
  });
});

describe("validation of the model's answers", () => {
  const personality = (gap: unknown) =>
    JSON.stringify({
      dimensions: { sincerity: 0.5, excitement: 0.5, competence: 0.5, sophistication: 0.5, ruggedness: 0.5 },
      gap_score: gap,
      rationale: "r",
      examples: ["p1"],
    });

  it("refuses gap_score as a string, and refs outside the sample", () => {
    expect(validateAnswer(MODULES.q2, input, personality("0.3"))).toEqual({
      errors: [expect.stringContaining("gap_score")],
    });
    expect(validateAnswer(MODULES.q2, input, personality(0.3).replace('"p1"', '"p9"'))).toEqual({
      errors: ["examples: p9 is not a post of the sample"],
    });
    expect(validateAnswer(MODULES.q2, input, "{not json")).toEqual({ errors: ["the answer is not JSON"] });
  });

  it("refuses influencers outside the computed ranking and peaks that were not computed", () => {
    const influencers = JSON.stringify({
      influencers: [{ handle: "@ghost", stance: "critic", role: "media", note: "n" }],
    });
    expect(validateAnswer(MODULES.q5, input, influencers)).toEqual({
      errors: ["influencers: @ghost is not in the computed ranking"],
    });
    const trends = JSON.stringify({
      trend: "stable",
      peaks: [{ period: "2026-10-01", explanation: "e", examples: [] }],
      summary: "s",
    });
    expect(validateAnswer(MODULES.q8, input, trends)).toEqual({
      errors: ["peaks: 2026-10-01 is not a computed peak"],
    });
  });

  it("sends every module's schema in OpenAI's strict form: all properties required, no others", () => {
    for (const definition of Object.values(MODULES)) {
      const visit = (schema: Record<string, unknown>): void => {
        if (schema.type === "object") {
          expect(schema.additionalProperties, definition.module).toBe(false);
          expect(schema.required).toEqual(Object.keys(schema.properties as object));
        }
        for (const value of Object.values(schema))
          if (typeof value === "object" && value !== null) visit(value as Record<string, unknown>);
      };
      visit(strictJsonSchemaOf(definition.answer));
    }
  });
});

describe("computed formulas", () => {
  it("measures the gap to the desired profile as a root mean square", () => {
    const measured = { sincerity: 1, excitement: 0, competence: 0.5, sophistication: 0.5, ruggedness: 0.5 };
    expect(gapScore(measured, { ...measured })).toBe(0);
    expect(gapScore(measured, { ...measured, sincerity: 0, excitement: 1 })).toBe(0.6325);
    expect(gapScore(measured, null)).toBeNull();
  });

  it("finds peaks above the mean by two standard deviations, and the trend by the slope", () => {
    expect(peaksOf(timeline([1, 1, 1, 1, 1, 1, 6]))).toEqual(["2026-10-07"]);
    expect(peaksOf(timeline([2, 2, 2]))).toEqual([]);
    expect(trendOf(timeline([1, 2, 3, 4, 5]))).toBe("rising");
    expect(trendOf(timeline([5, 4, 3, 2, 1]))).toBe("falling");
    expect(trendOf(timeline([3, 3, 3, 3]))).toBe("stable");
    expect(trendOf(timeline([0, 9, 0, 0, 9, 0]))).toBe("volatile");
  });
});
