import {
  EMOJI,
  EMOTION_WORDS,
  EMOTIONS,
  type Emotion,
  INTENSIFIERS,
  NEGATORS,
  POLARITY,
  STOPWORDS,
  TOPIC_WORDS,
  TOPICS,
  type Topic,
} from "./lexicon.ts";

/**
 * The in-Worker language method: a lexicon over Spanish and English (lexicon.ts), so every post gets a
 * sentiment, its emotions and its topics at ingest without a model, and every module's fallback has them.
 *
 * - Tokens: lower case, accents removed, split on anything but letters, digits and apostrophes.
 * - Sentiment: the sum of the polarities of the words (±1 to ±3) and emoji; a negator flips the next three
 *   words, an intensifier multiplies the next polar word by 1.5. The sum s becomes a score in (−1, 1) as
 *   s / √(s² + 4); positive at 0.2 and above, negative at −0.2 and below, neutral between.
 * - Emotions: each of Plutchik's eight that a word or emoji of its list names, most named first.
 * - Topics: each fixed topic a word of its list names; "other" when none does.
 * - Language: the one whose common words occur more (Spanish on a tie with any), null with none.
 */
export const LANGUAGE_METHOD = "lexicon-v1";

export type SentimentLabel = "positive" | "negative" | "neutral";

export type TextAnalysis = {
  language: "es" | "en" | null;
  sentiment: { label: SentimentLabel; score: number };
  emotions: Emotion[];
  topics: Topic[];
};

const NEGATION_REACH = 3;
const LABEL_THRESHOLD = 0.2;

export type WordTable<V> = { exact: Map<string, V>; stems: Map<string, V> };

const STEM_MIN = 3;
const STEM_MAX = 12;

function wordTable<V>(entries: [string, V][]): WordTable<V> {
  const table: WordTable<V> = { exact: new Map(), stems: new Map() };
  for (const [word, value] of entries) {
    if (word.endsWith("*")) table.stems.set(word.slice(0, -1), value);
    else table.exact.set(word, value);
  }
  return table;
}

const words = (list: string) => list.split(/\s+/).filter(Boolean);

function lookup<V>(table: WordTable<V>, token: string): V | undefined {
  const exact = table.exact.get(token);
  if (exact !== undefined) return exact;
  for (let length = Math.min(token.length, STEM_MAX); length >= STEM_MIN; length--) {
    const stem = table.stems.get(token.slice(0, length));
    if (stem !== undefined) return stem;
  }
  return undefined;
}

const POLARITY_TABLE = wordTable(
  Object.entries(POLARITY).flatMap(([weight, list]) =>
    words(list).map((word): [string, number] => [word, Number(weight)]),
  ),
);
const NEGATOR_SET = new Set(words(NEGATORS));
const INTENSIFIER_SET = new Set(words(INTENSIFIERS));
const EMOTION_TABLE = labelTable(EMOTION_WORDS);
const TOPIC_TABLE = labelTable(TOPIC_WORDS);
const STOPWORD_SETS = { es: new Set(words(STOPWORDS.es)), en: new Set(words(STOPWORDS.en)) };
const EMOJI_PATTERN = new RegExp(`(${Object.keys(EMOJI).join("|")})`, "gu");

/** A table of labelled word lists (a word may carry several labels). */
export function labelTable<L extends string>(lists: Record<L, string>): WordTable<L[]> {
  const grouped = new Map<string, L[]>();
  for (const [label, list] of Object.entries(lists) as [L, string][])
    for (const word of words(list)) grouped.set(word, [...(grouped.get(word) ?? []), label]);
  return wordTable([...grouped]);
}

/** The labels whose words occur in `text`. */
export function labelsIn<L extends string>(table: WordTable<L[]>, text: string): Set<L> {
  const found = new Set<L>();
  for (const token of tokenize(text)) for (const label of lookup(table, token) ?? []) found.add(label);
  return found;
}

/** Lower case, accents removed, split into words; "don't" is "dont". */
export function tokenize(text: string): string[] {
  return text
    .toLowerCase()
    .normalize("NFD")
    .replace(/[\u0300-\u036f']/g, "")
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

function detectLanguage(tokens: string[]): "es" | "en" | null {
  let es = 0;
  let en = 0;
  for (const token of tokens) {
    if (STOPWORD_SETS.es.has(token)) es++;
    if (STOPWORD_SETS.en.has(token)) en++;
  }
  if (es === 0 && en === 0) return null;
  return es >= en ? "es" : "en";
}

const labelOf = (score: number): SentimentLabel =>
  score >= LABEL_THRESHOLD ? "positive" : score <= -LABEL_THRESHOLD ? "negative" : "neutral";

/** Sentiment, emotions, topics and language of one text. */
export function analyseText(text: string): TextAnalysis {
  const tokens = tokenize(text);
  let sum = 0;
  let negated = 0;
  let boost = 1;
  const emotionCounts = new Map<Emotion, number>();
  const topics = new Set<Topic>();
  const count = (emotion: Emotion) => emotionCounts.set(emotion, (emotionCounts.get(emotion) ?? 0) + 1);
  for (const token of tokens) {
    if (NEGATOR_SET.has(token)) {
      negated = NEGATION_REACH;
      continue;
    }
    if (INTENSIFIER_SET.has(token)) {
      boost = 1.5;
      continue;
    }
    const polarity = lookup(POLARITY_TABLE, token);
    if (polarity !== undefined) {
      sum += polarity * boost * (negated > 0 ? -1 : 1);
      boost = 1;
    }
    // A negated emotion word ("no me gusta") is not that emotion; its sentiment already flipped.
    if (negated === 0) for (const emotion of lookup(EMOTION_TABLE, token) ?? []) count(emotion);
    for (const topic of lookup(TOPIC_TABLE, token) ?? []) topics.add(topic);
    if (negated > 0) negated--;
  }
  for (const [emoji] of text.matchAll(EMOJI_PATTERN)) {
    const entry = EMOJI[emoji];
    if (!entry) continue;
    sum += entry.polarity;
    count(entry.emotion);
  }
  const score = Math.round((sum / Math.sqrt(sum * sum + 4)) * 1000) / 1000;
  const emotions = EMOTIONS.filter((emotion) => emotionCounts.has(emotion)).sort(
    (a, b) => (emotionCounts.get(b) ?? 0) - (emotionCounts.get(a) ?? 0),
  );
  return {
    language: detectLanguage(tokens),
    sentiment: { label: labelOf(score), score },
    emotions,
    topics: topics.size === 0 ? ["other"] : TOPICS.filter((topic) => topics.has(topic)),
  };
}
