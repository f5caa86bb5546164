import { z } from "zod";
import {
  AAKER_DIMENSIONS,
  AAKER_WORDS,
  EMOTIONS,
  type Emotion,
  FRAME_WORDS,
  FRAMES,
  type Frame,
  TOPICS,
  type Topic,
} from "../language/lexicon.ts";
import { labelsIn, labelTable } from "../language/text-analysis.ts";
import type { AakerProfile, AnalysisModule } from "../tables.ts";
import type { SamplePost, WindowFacts } from "./window-facts.ts";

/** What a module knows of the brand. */
export type BrandContext = {
  name: string;
  handles: string[];
  competitorNames: string[];
  desiredProfile: AakerProfile | null;
};

export type ModuleInput = { facts: WindowFacts; sample: SamplePost[]; brand: BrandContext };

/**
 * One analysis module: its versioned answer schema (sent to the model as a strict JSON schema and checked
 * again, refinements included, on every answer), the parts computed from the stored posts, what the model
 * is asked, and the fallback that answers without a model from the in-Worker language method.
 */
export type ModuleDefinition = {
  module: AnalysisModule;
  version: number;
  title: string;
  instructions: string;
  answer: z.ZodType<Record<string, unknown>>;
  computed: (input: ModuleInput) => Record<string, unknown>;
  fallback: (input: ModuleInput) => Record<string, unknown>;
  /** Checks that need the input (the handles and periods an answer may name); messages, empty when fine. */
  check?: (answer: Record<string, unknown>, input: ModuleInput) => string[];
  /** The stored analysis from a valid answer, e.g. Q2's gap recomputed; the answer itself by default. */
  finish?: (answer: Record<string, unknown>, input: ModuleInput) => Record<string, unknown>;
};

const SHARE_TOLERANCE = 0.02;
const share = z.number().min(0).max(1);
const refs = z
  .array(z.string().regex(/^p\d+$/))
  .max(5)
  .describe("refs of sample posts, e.g. p3");
const text = (max: number) => z.string().min(1).max(max);
const sentimentLabel = z.enum(["positive", "negative", "neutral"]);

/** Shares of a labelled list sum to 1 (within 0.02) and name each label at most once. */
function sharesOfLabels<T extends { label: string; share: number }>(
  items: T[],
  ctx: z.RefinementCtx,
  all?: readonly string[],
) {
  const sum = items.reduce((total, item) => total + item.share, 0);
  if (Math.abs(sum - 1) > SHARE_TOLERANCE)
    ctx.addIssue({ code: "custom", message: `shares sum to ${sum.toFixed(3)}, not 1` });
  const labels = items.map((item) => item.label);
  if (new Set(labels).size !== labels.length)
    ctx.addIssue({ code: "custom", message: "a label is repeated" });
  if (all && labels.length !== all.length)
    ctx.addIssue({ code: "custom", message: `every one of ${all.join(", ")} once` });
}

const ratio = (part: number, whole: number) =>
  whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 10_000;

/** Normalised shares of counts that sum to exactly 1 (the largest absorbs rounding), or equal shares of none. */
function sharesOf<L extends string>(counts: [L, number][]): { label: L; share: number }[] {
  const total = counts.reduce((sum, [, count]) => sum + count, 0);
  const shares = counts.map(([label, count]) => ({
    label,
    share: total === 0 ? Math.round(10_000 / counts.length) / 10_000 : ratio(count, total),
  }));
  const drift = 1 - shares.reduce((sum, item) => sum + item.share, 0);
  const largest = shares.reduce(
    (best, item) => (item.share > best.share ? item : best),
    shares[0] ?? { share: 0 },
  );
  if ("label" in largest) largest.share = Math.round((largest.share + drift) * 10_000) / 10_000;
  return shares;
}

const examplesWhere = (sample: SamplePost[], keep: (post: SamplePost) => boolean, limit = 3) =>
  sample
    .filter(keep)
    .slice(0, limit)
    .map((post) => post.ref);

const labelFromScore = (score: number) =>
  score >= 0.2 ? "positive" : score <= -0.2 ? "negative" : "neutral";

const sentimentShares = (counts: { positive: number; negative: number; neutral: number }, posts: number) => ({
  positive: ratio(counts.positive, posts),
  negative: ratio(counts.negative, posts),
  neutral: ratio(counts.neutral, posts),
  net: ratio(counts.positive - counts.negative, posts),
});

const keyFigures = ({ facts }: ModuleInput) => ({
  posts: facts.posts,
  authors: facts.authors,
  reach: facts.reach,
  views: facts.views,
  engagement: facts.engagement,
  /** Engagement per unit of reach; 0 with no reach. */
  engagement_rate: ratio(facts.engagement, facts.reach),
  sentiment: sentimentShares(facts.sentiment, facts.posts),
});

const topicCounts = ({ facts }: ModuleInput) =>
  facts.topics.map((topic) => ({
    topic: topic.topic,
    posts: topic.posts,
    mean_sentiment: topic.meanSentiment,
  }));

// Q1 ───────────────────────────────────────────────────────────────────────────────────────────────────
const EmotionsAnswer = z.object({
  emotions: z
    .array(z.object({ label: z.enum(EMOTIONS), share, examples: refs }))
    .length(EMOTIONS.length)
    .superRefine((items, ctx) => sharesOfLabels(items, ctx, EMOTIONS)),
  summary: text(1000),
});

// Q2 ───────────────────────────────────────────────────────────────────────────────────────────────────
const PersonalityAnswer = z.object({
  dimensions: z.object({
    sincerity: share,
    excitement: share,
    competence: share,
    sophistication: share,
    ruggedness: share,
  }),
  gap_score: z.number().min(0).max(1).nullable(),
  rationale: text(1000),
  examples: refs,
});

/**
 * Q2's gap: the root mean square of the differences between the measured and the desired dimensions,
 * sqrt(Σ (measured − desired)² / 5), so 0 is the desired personality and 1 its opposite. Null without a
 * desired profile.
 */
export function gapScore(dimensions: AakerProfile, desired: AakerProfile | null): number | null {
  if (!desired) return null;
  const squares = AAKER_DIMENSIONS.reduce(
    (sum, dimension) => sum + (dimensions[dimension] - desired[dimension]) ** 2,
    0,
  );
  return Math.round(Math.sqrt(squares / AAKER_DIMENSIONS.length) * 10_000) / 10_000;
}

const AAKER_TABLE = labelTable(AAKER_WORDS);

// Q4 ───────────────────────────────────────────────────────────────────────────────────────────────────
const FRAME_TABLE = labelTable(FRAME_WORDS);

/**
 * Q4's fallback frame of a post, first rule that holds: controversy words; a competitor or comparison
 * word (comparison); a question mark (question); recommendation words; humour words or 😂; then by its
 * sentiment: negative is a complaint, positive praise, neutral news.
 */
export function frameOf(post: SamplePost, competitorNames: string[]): Frame {
  const marked = labelsIn(FRAME_TABLE, post.text);
  const lower = post.text.toLowerCase();
  if (marked.has("controversy")) return "controversy";
  if (marked.has("comparison") || competitorNames.some((name) => lower.includes(name.toLowerCase())))
    return "comparison";
  if (post.text.includes("?")) return "question";
  if (marked.has("recommendation")) return "recommendation";
  if (marked.has("humor") || post.text.includes("😂")) return "humor";
  return post.sentiment === "negative" ? "complaint" : post.sentiment === "positive" ? "praise" : "news";
}

const FramesAnswer = z.object({
  frames: z
    .array(z.object({ label: z.enum(FRAMES), share, description: text(500), examples: refs }))
    .min(1)
    .max(FRAMES.length)
    .superRefine((items, ctx) => sharesOfLabels(items, ctx)),
});

// Q5 ───────────────────────────────────────────────────────────────────────────────────────────────────
const STANCES = ["advocate", "critic", "neutral"] as const;
const ROLES = ["customer", "creator", "media", "competitor", "brand", "other"] as const;
/** Followers from which an author counts as a creator in Q5's fallback. */
const CREATOR_FOLLOWERS = 10_000;

const InfluencersAnswer = z.object({
  influencers: z
    .array(z.object({ handle: text(200), stance: z.enum(STANCES), role: z.enum(ROLES), note: text(300) }))
    .max(20),
});

// Q6 ───────────────────────────────────────────────────────────────────────────────────────────────────
const OPPORTUNITY_KINDS = ["product", "service", "content", "campaign", "partnership", "reputation"] as const;
const OPPORTUNITY_OF_TOPIC: Record<Topic, (typeof OPPORTUNITY_KINDS)[number]> = {
  price: "campaign",
  quality: "product",
  customer_service: "service",
  delivery: "service",
  product: "product",
  brand_image: "reputation",
  promotion: "campaign",
  experience: "service",
  other: "content",
};

const OpportunitiesAnswer = z.object({
  opportunities: z
    .array(
      z.object({ kind: z.enum(OPPORTUNITY_KINDS), title: text(200), detail: text(1000), examples: refs }),
    )
    .max(8),
});

// Q7 ───────────────────────────────────────────────────────────────────────────────────────────────────
const SentimentAnswer = z.object({
  summary: text(1000),
  positive_drivers: z.array(z.enum(TOPICS)).max(5),
  negative_drivers: z.array(z.enum(TOPICS)).max(5),
});

/** Topics whose mean sentiment is clearly positive (or negative), the most talked-about first. */
const drivers = (input: ModuleInput, sign: 1 | -1) =>
  input.facts.topics
    .filter((topic) => topic.topic !== "other" && sign * topic.meanSentiment >= 0.2)
    .slice(0, 5)
    .map((topic) => topic.topic);

// Q8 ───────────────────────────────────────────────────────────────────────────────────────────────────
const TRENDS = ["rising", "falling", "stable", "volatile"] as const;

/** A period is a peak when its volume is above the mean by two standard deviations (and above 2 posts). */
export function peaksOf(timeline: WindowFacts["timeline"]): string[] {
  const volumes = timeline.map((bucket) => bucket.posts);
  const mean = volumes.reduce((sum, value) => sum + value, 0) / (volumes.length || 1);
  const sd = Math.sqrt(volumes.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (volumes.length || 1));
  return timeline
    .filter((bucket) => bucket.posts > 2 && bucket.posts > mean + 2 * sd)
    .map((bucket) => bucket.period);
}

/**
 * Q8's fallback trend: the least-squares slope of volume per period relative to the mean volume; above
 * +5 % per period rising, below −5 % falling, else volatile when the coefficient of variation exceeds 1,
 * stable otherwise.
 */
export function trendOf(timeline: WindowFacts["timeline"]): (typeof TRENDS)[number] {
  const n = timeline.length;
  if (n < 2) return "stable";
  const volumes = timeline.map((bucket) => bucket.posts);
  const mean = volumes.reduce((sum, value) => sum + value, 0) / n;
  const meanIndex = (n - 1) / 2;
  const slope =
    volumes.reduce((sum, value, index) => sum + (index - meanIndex) * (value - mean), 0) /
    volumes.reduce((sum, _, index) => sum + (index - meanIndex) ** 2, 0);
  if (slope / mean > 0.05) return "rising";
  if (slope / mean < -0.05) return "falling";
  const sd = Math.sqrt(volumes.reduce((sum, value) => sum + (value - mean) ** 2, 0) / n);
  return sd / mean > 1 ? "volatile" : "stable";
}

const TrendsAnswer = z.object({
  trend: z.enum(TRENDS),
  peaks: z.array(z.object({ period: text(10), explanation: text(500), examples: refs })).max(10),
  summary: text(1000),
});

const periodEnd = (period: string, granularity: "day" | "week") =>
  new Date(Date.parse(`${period}T00:00:00Z`) + (granularity === "day" ? 1 : 7) * 86_400_000).toISOString();

// Q9 ───────────────────────────────────────────────────────────────────────────────────────────────────
const RecommendationsAnswer = z.object({
  recommendations: z
    .array(
      z.object({
        priority: z.number().int().min(1).max(5),
        title: text(200),
        detail: text(1000),
        examples: refs.min(1).describe("the sample posts the recommendation rests on"),
      }),
    )
    .max(10),
});

// Q10 ──────────────────────────────────────────────────────────────────────────────────────────────────
const SummaryAnswer = z.object({
  summary: text(2000),
  highlights: z.array(text(300)).max(5),
  risks: z.array(text(300)).max(5),
});

const percent = (value: number) => `${Math.round(value * 100)}%`;

/** The worst-sentiment topics (mean at or below −0.2) with enough posts to matter, most talked-about first. */
const painPoints = (input: ModuleInput) =>
  input.facts.topics.filter((topic) => topic.topic !== "other" && topic.meanSentiment <= -0.2).slice(0, 3);

export const MODULES: Record<AnalysisModule, ModuleDefinition> = {
  q1: {
    module: "q1",
    version: 1,
    title: "Emotions",
    instructions:
      "Give the share of each of Plutchik's eight emotions (joy, trust, fear, surprise, sadness, disgust, anger, anticipation) in the posts: all eight, shares summing to 1, with up to 3 example refs each, and a short summary.",
    answer: EmotionsAnswer,
    computed: ({ facts }) => ({ posts: facts.posts, emotion_posts: facts.emotions }),
    fallback: ({ facts, sample }) => ({
      emotions: sharesOf(
        EMOTIONS.map((emotion): [Emotion, number] => [emotion, facts.emotions[emotion]]),
      ).map((item) => ({
        ...item,
        examples: examplesWhere(sample, (post) => post.emotions.includes(item.label)),
      })),
      summary: `Emotion words of the lexicon over ${facts.posts} posts.`,
    }),
  },
  q2: {
    module: "q2",
    version: 1,
    title: "Brand personality",
    instructions:
      "Rate the brand's personality as the posts show it on Aaker's five dimensions (sincerity, excitement, competence, sophistication, ruggedness), each 0 to 1. If a desired profile is given, gap_score is the root mean square of the differences between your dimensions and it (0 to 1); otherwise null. Explain briefly and cite example refs.",
    answer: PersonalityAnswer,
    computed: ({ brand }) => ({
      desired_profile: brand.desiredProfile,
      gap_formula: "sqrt(sum((measured - desired)^2) / 5)",
    }),
    fallback: ({ sample, brand }) => {
      const counts = Object.fromEntries(AAKER_DIMENSIONS.map((dimension) => [dimension, 0])) as AakerProfile;
      for (const post of sample)
        for (const dimension of labelsIn(AAKER_TABLE, post.text)) counts[dimension]++;
      const most = Math.max(...Object.values(counts));
      const dimensions = Object.fromEntries(
        AAKER_DIMENSIONS.map((dimension) => [dimension, most === 0 ? 0 : ratio(counts[dimension], most)]),
      ) as AakerProfile;
      return {
        dimensions,
        gap_score: gapScore(dimensions, brand.desiredProfile),
        rationale:
          "Each dimension is the number of sampled posts using its words, relative to the most used dimension.",
        examples: examplesWhere(sample, (post) => labelsIn(AAKER_TABLE, post.text).size > 0),
      };
    },
    // The model's gap_score is checked to be a float; the stored one is recomputed by the formula.
    finish: (answer, { brand }) => ({
      ...answer,
      gap_score: gapScore(answer.dimensions as AakerProfile, brand.desiredProfile),
    }),
  },
  q3: {
    module: "q3",
    version: 1,
    title: "Topics",
    instructions: `Say what the posts talk about, using only these topic labels: ${TOPICS.join(", ")}. For each topic present: its share of the posts (shares summing to 1), its prevailing sentiment, and up to 3 example refs.`,
    answer: z.object({
      topics: z
        .array(z.object({ label: z.enum(TOPICS), share, sentiment: sentimentLabel, examples: refs }))
        .min(1)
        .max(TOPICS.length)
        .superRefine((items, ctx) => sharesOfLabels(items, ctx)),
    }),
    computed: (input) => ({ posts: input.facts.posts, topic_posts: topicCounts(input) }),
    fallback: ({ facts, sample }) => {
      const topics =
        facts.topics.length > 0 ? facts.topics : [{ topic: "other" as Topic, posts: 0, meanSentiment: 0 }];
      const mean = new Map(topics.map((topic) => [topic.topic, topic.meanSentiment]));
      return {
        topics: sharesOf(topics.map((topic): [Topic, number] => [topic.topic, topic.posts])).map((item) => ({
          ...item,
          sentiment: labelFromScore(mean.get(item.label) ?? 0),
          examples: examplesWhere(sample, (post) => post.topics.includes(item.label)),
        })),
      };
    },
  },
  q4: {
    module: "q4",
    version: 1,
    title: "Narrative frames",
    instructions: `Classify how the posts frame the brand, using only these frames: ${FRAMES.join(", ")}. For each frame present: its share (shares summing to 1), one sentence on how it is told, and up to 3 example refs.`,
    answer: FramesAnswer,
    computed: ({ sample, facts }) => ({ posts: facts.posts, sample_size: sample.length }),
    fallback: ({ sample, brand }) => {
      const frames = sample.map((post) => [post, frameOf(post, brand.competitorNames)] as const);
      const present = FRAMES.filter((frame) => frames.some(([, of]) => of === frame));
      const labels = present.length > 0 ? present : (["news"] as Frame[]);
      return {
        frames: sharesOf(
          labels.map((frame): [Frame, number] => [frame, frames.filter(([, of]) => of === frame).length]),
        ).map((item) => ({
          ...item,
          description: `Posts framed as ${item.label}, by the rules of the lexicon.`,
          examples: frames
            .filter(([, of]) => of === item.label)
            .slice(0, 3)
            .map(([post]) => post.ref),
        })),
      };
    },
  },
  q5: {
    module: "q5",
    version: 1,
    title: "Influencers",
    instructions: `For the authors of the computed influencer ranking (and only them), give each one's stance towards the brand (${STANCES.join(", ")}), role (${ROLES.join(", ")}) and a short note.`,
    answer: InfluencersAnswer,
    computed: ({ facts }) => ({
      formula: "log10(1 + followers) + 2 * log10(1 + likes + comments + shares over the window)",
      ranking: facts.influencers.map((author) => ({
        handle: author.handle,
        name: author.name,
        followers: author.followers,
        posts: author.posts,
        engagement: author.engagement,
        mean_sentiment: author.meanSentiment,
        influence: author.influence,
      })),
    }),
    fallback: ({ facts, brand }) => ({
      influencers: facts.influencers.map((author) => {
        const handle = author.handle.toLowerCase();
        const role = brand.handles.includes(handle)
          ? "brand"
          : author.followers >= CREATOR_FOLLOWERS
            ? "creator"
            : "customer";
        const stance =
          author.meanSentiment >= 0.2 ? "advocate" : author.meanSentiment <= -0.2 ? "critic" : "neutral";
        return {
          handle: author.handle,
          stance,
          role,
          note: `${author.posts} post(s), mean sentiment ${author.meanSentiment}.`,
        };
      }),
    }),
    check: (answer, { facts }) => {
      const ranked = new Set(facts.influencers.map((author) => author.handle));
      return (answer.influencers as { handle: string }[])
        .filter((author) => !ranked.has(author.handle))
        .map((author) => `influencers: ${author.handle} is not in the computed ranking`);
    },
  },
  q6: {
    module: "q6",
    version: 1,
    title: "Opportunities",
    instructions: `Name up to 8 concrete opportunities for the brand that the posts reveal, each of a kind (${OPPORTUNITY_KINDS.join(", ")}), with a title, a detail and example refs.`,
    answer: OpportunitiesAnswer,
    computed: (input) => ({ topic_posts: topicCounts(input) }),
    fallback: (input) => {
      const strong = input.facts.topics
        .filter((topic) => topic.topic !== "other" && topic.meanSentiment >= 0.2)
        .slice(0, 2);
      return {
        opportunities: [
          ...painPoints(input).map((topic) => ({
            kind: OPPORTUNITY_OF_TOPIC[topic.topic],
            title: `Fix what is said about ${topic.topic.replace("_", " ")}`,
            detail: `${topic.posts} posts talk about ${topic.topic.replace("_", " ")} with a mean sentiment of ${topic.meanSentiment}.`,
            examples: examplesWhere(
              input.sample,
              (post) => post.topics.includes(topic.topic) && post.sentiment === "negative",
            ),
          })),
          ...strong.map((topic) => ({
            kind: "content" as const,
            title: `Amplify what people like about ${topic.topic.replace("_", " ")}`,
            detail: `${topic.posts} posts talk about ${topic.topic.replace("_", " ")} with a mean sentiment of ${topic.meanSentiment}.`,
            examples: examplesWhere(
              input.sample,
              (post) => post.topics.includes(topic.topic) && post.sentiment === "positive",
            ),
          })),
        ],
      };
    },
  },
  q7: {
    module: "q7",
    version: 1,
    title: "Sentiment",
    instructions: `The sentiment shares are computed and given. Summarise what drives sentiment, and name the topics (${TOPICS.join(", ")}) that drive it up and down.`,
    answer: SentimentAnswer,
    computed: ({ facts }) => ({
      ...sentimentShares(facts.sentiment, facts.posts),
      posts: facts.posts,
      by_network: facts.byNetwork.map((network) => ({
        network: network.network,
        posts: network.posts,
        ...sentimentShares(network, network.posts),
      })),
    }),
    fallback: (input) => {
      const shares = sentimentShares(input.facts.sentiment, input.facts.posts);
      return {
        summary: `${percent(shares.positive)} positive, ${percent(shares.negative)} negative and ${percent(shares.neutral)} neutral over ${input.facts.posts} posts (net ${shares.net}).`,
        positive_drivers: drivers(input, 1),
        negative_drivers: drivers(input, -1),
      };
    },
  },
  q8: {
    module: "q8",
    version: 1,
    title: "Temporal trends",
    instructions:
      "The timeline and its peaks are computed and given. Say whether volume is rising, falling, stable or volatile, explain each computed peak (use its period exactly) with example refs, and summarise.",
    answer: TrendsAnswer,
    computed: ({ facts }) => ({
      granularity: facts.granularity,
      timeline: facts.timeline.map((bucket) => ({
        period: bucket.period,
        posts: bucket.posts,
        engagement: bucket.engagement,
        mean_sentiment: bucket.meanSentiment,
      })),
      peaks: peaksOf(facts.timeline),
      peak_rule: "posts > mean + 2 standard deviations of the periods, and more than 2",
    }),
    fallback: ({ facts, sample }) => {
      const byPeriod = new Map(facts.timeline.map((bucket) => [bucket.period, bucket]));
      return {
        trend: trendOf(facts.timeline),
        peaks: peaksOf(facts.timeline).map((period) => {
          const end = periodEnd(period, facts.granularity);
          const bucket = byPeriod.get(period);
          return {
            period,
            explanation: `${bucket?.posts ?? 0} posts, mean sentiment ${bucket?.meanSentiment ?? 0}.`,
            examples: examplesWhere(
              sample,
              (post) => post.publishedAt >= `${period}T00:00:00.000Z` && post.publishedAt < end,
            ),
          };
        }),
        summary: `${facts.posts} posts over ${facts.timeline.length} ${facts.granularity}(s), volume ${trendOf(facts.timeline)}.`,
      };
    },
    check: (answer, { facts }) => {
      const peaks = new Set(peaksOf(facts.timeline));
      return (answer.peaks as { period: string }[])
        .filter((peak) => !peaks.has(peak.period))
        .map((peak) => `peaks: ${peak.period} is not a computed peak`);
    },
  },
  q9: {
    module: "q9",
    version: 1,
    title: "Recommendations",
    instructions:
      "Give up to 10 prioritised recommendations for the brand (priority 1 is most urgent), each tied to at least one example ref it rests on.",
    answer: RecommendationsAnswer,
    computed: (input) => ({ ...keyFigures(input), topic_posts: topicCounts(input) }),
    fallback: (input) => ({
      recommendations: painPoints(input)
        .map((topic, index) => ({
          priority: index + 1,
          title: `Address complaints about ${topic.topic.replace("_", " ")}`,
          detail: `${topic.posts} posts talk about ${topic.topic.replace("_", " ")} with a mean sentiment of ${topic.meanSentiment}; answer them and fix the cause.`,
          examples: examplesWhere(
            input.sample,
            (post) => post.topics.includes(topic.topic) && post.sentiment === "negative",
          ),
        }))
        .filter((recommendation) => recommendation.examples.length > 0),
    }),
  },
  q10: {
    module: "q10",
    version: 1,
    title: "Executive summary",
    instructions:
      "Write an executive summary for the brand's marketing lead from the computed figures and the posts: a paragraph, up to 5 highlights and up to 5 risks.",
    answer: SummaryAnswer,
    computed: keyFigures,
    fallback: (input) => {
      const figures = keyFigures(input);
      const top = input.facts.topics.find((topic) => topic.topic !== "other");
      return {
        summary: `${input.brand.name}: ${figures.posts} posts by ${figures.authors} authors reached ${figures.reach} people with ${figures.engagement} interactions (engagement rate ${figures.engagement_rate}). Sentiment is ${percent(figures.sentiment.positive)} positive and ${percent(figures.sentiment.negative)} negative (net ${figures.sentiment.net}).`,
        highlights: top
          ? [`The most discussed topic is ${top.topic.replace("_", " ")} (${top.posts} posts).`]
          : [],
        risks: painPoints(input).map(
          (topic) => `Negative talk about ${topic.topic.replace("_", " ")} (${topic.posts} posts).`,
        ),
      };
    },
  },
};
