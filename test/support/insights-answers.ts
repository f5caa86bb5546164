// Valid answers to the insights modules (workers/insights/analysis/modules.ts) for the fake OpenAI server,
// built from the prompt as a model would: the sample's refs, the computed ranking and peaks. Tests that
// need another answer script it (fake-openai:script:<key>).
import type { ChatRequest } from "./fake-openai.ts";

const EMOTIONS = ["joy", "trust", "fear", "surprise", "sadness", "disgust", "anger", "anticipation"];

type Computed = { ranking?: { handle: string }[]; peaks?: string[] };

function computedOf(prompt: string): Computed {
  const line = prompt.split("\n").find((each) => each.startsWith("Computed from all "));
  const json = line?.slice(line.indexOf("{"));
  try {
    return json ? (JSON.parse(json) as Computed) : {};
  } catch {
    return {};
  }
}

/** The answer a module of the given name expects, valid against its schema, refinements and checks. */
export function insightsAnswer(body: ChatRequest, prompt: string): string | undefined {
  const module = /^insights_(q\d+)_v\d+$/.exec(body.response_format?.json_schema?.name ?? "")?.[1];
  if (!module) return undefined;
  const refs = [...prompt.matchAll(/^(p\d+) \[/gm)].map((match) => match[1] as string);
  const examples = refs.slice(0, 2);
  const computed = computedOf(prompt);
  const answers: Record<string, unknown> = {
    q1: {
      emotions: EMOTIONS.map((label) => ({ label, share: 0.125, examples })),
      summary: "Mostly joy and trust.",
    },
    q2: {
      dimensions: { sincerity: 0.6, excitement: 0.5, competence: 0.7, sophistication: 0.3, ruggedness: 0.2 },
      gap_score: 0.15,
      rationale: "Posts praise reliability.",
      examples,
    },
    q3: {
      topics: [
        { label: "product", share: 0.6, sentiment: "positive", examples },
        { label: "price", share: 0.4, sentiment: "negative", examples: [] },
      ],
    },
    q4: {
      frames: [
        { label: "praise", share: 0.7, description: "Customers praise the product.", examples },
        { label: "complaint", share: 0.3, description: "Some complain about prices.", examples: [] },
      ],
    },
    q5: {
      influencers: (computed.ranking ?? [])
        .slice(0, 3)
        .map(({ handle }) => ({ handle, stance: "advocate", role: "customer", note: "Loyal customer." })),
    },
    q6: {
      opportunities: [
        { kind: "content", title: "Share reviews", detail: "Reuse the praise in ads.", examples },
      ],
    },
    q7: {
      summary: "Sentiment is mostly positive.",
      positive_drivers: ["product"],
      negative_drivers: ["price"],
    },
    q8: {
      trend: "stable",
      peaks: (computed.peaks ?? []).map((period) => ({ period, explanation: "A launch.", examples })),
      summary: "Volume is steady.",
    },
    q9: {
      recommendations: examples.length
        ? [{ priority: 1, title: "Answer price complaints", detail: "Explain the value.", examples }]
        : [],
    },
    q10: {
      summary: "A healthy month.",
      highlights: ["Praise for the product."],
      risks: ["Price complaints."],
    },
  };
  return answers[module] === undefined ? undefined : JSON.stringify(answers[module]);
}
