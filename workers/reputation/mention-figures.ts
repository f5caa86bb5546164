/**
 * The mention dashboards' figures, computed from sums the database returns (a `Tally`), so a bucket, a
 * network and the whole window are figured the same way, and the tallies of buckets or networks add up to
 * the window's. The formulas are stated in the OpenAPI description (`FORMULAS`).
 */

/** Sums over a set of mentions: what the database adds up. */
export type Tally = {
  mentions: number;
  reach: number;
  /** likes + comments + shares. */
  engagement: number;
  /** Distinct (network, author handle) pairs: a handle names an account on one network. */
  uniqueAuthors: number;
  positive: number;
  negative: number;
  neutral: number;
  /** The sum of the sentiment scores (−1 … 1) and how many mentions have one. */
  scoreSum: number;
  scored: number;
};

export const emptyTally = (): Tally => ({
  mentions: 0,
  reach: 0,
  engagement: 0,
  uniqueAuthors: 0,
  positive: 0,
  negative: 0,
  neutral: 0,
  scoreSum: 0,
  scored: 0,
});

export type SentimentFigures = {
  counts: { positive: number; negative: number; neutral: number };
  shares: { positive: number; negative: number; neutral: number };
  netSentiment: number;
  reputationScore: number | null;
  brandHealthIndex: number | null;
};

export const FORMULAS = [
  "With n mentions, of which p positive, q negative and u neutral:",
  "- sentiment share of a label = its count / n (0 when n = 0);",
  "- net sentiment = (p − q) / n, from −1 to 1 (0 when n = 0);",
  "- reputation score = 100 × the mean sentiment score of the mentions (each score from −1 to 1), rounded to one decimal: from −100 to 100, null with no mentions;",
  "- brand health index = p / (p + q), from 0 to 1, null when p + q = 0;",
  "- share of voice (mentions, reach, engagement) = the brand's total / (the brand's + its competitors' totals) over the same window, from 0 to 1, null when that sum is 0;",
  "- change = this window's figure − the previous window's (the window of the same length just before), null when either is null.",
  "Unique authors are distinct (network, author handle) pairs. Engagement is likes + comments + shares.",
].join("\n");

const ratio = (part: number, whole: number) => (whole === 0 ? 0 : part / whole);
const ratioOrNull = (part: number, whole: number) => (whole === 0 ? null : part / whole);
const oneDecimal = (value: number) => Math.round(value * 10) / 10;

export function sentimentFigures(tally: Tally): SentimentFigures {
  const { mentions, positive, negative, neutral } = tally;
  return {
    counts: { positive, negative, neutral },
    shares: {
      positive: ratio(positive, mentions),
      negative: ratio(negative, mentions),
      neutral: ratio(neutral, mentions),
    },
    netSentiment: ratio(positive - negative, mentions),
    reputationScore: tally.scored === 0 ? null : oneDecimal((100 * tally.scoreSum) / tally.scored),
    brandHealthIndex: ratioOrNull(positive, positive + negative),
  };
}

export type ShareOfVoice = { mentions: number | null; reach: number | null; engagement: number | null };

/** The brand's share of the totals of itself and its competitors. */
export function shareOfVoice(brand: Tally, competitors: Tally[]): ShareOfVoice {
  const total = addTallies([brand, ...competitors]);
  return {
    mentions: ratioOrNull(brand.mentions, total.mentions),
    reach: ratioOrNull(brand.reach, total.reach),
    engagement: ratioOrNull(brand.engagement, total.engagement),
  };
}

export function addTallies(tallies: Tally[]): Tally {
  const sum = emptyTally();
  for (const tally of tallies) for (const key of Object.keys(sum) as (keyof Tally)[]) sum[key] += tally[key];
  return sum;
}

/** current − previous, or null when either is null. */
export const change = (current: number | null, previous: number | null) =>
  current === null || previous === null ? null : current - previous;

/** Longest window a dashboard reads, as the insights analyses allow. */
export const MAX_WINDOW_DAYS = 731;
/** The window when a request names neither end: the last 30 days. */
export const DEFAULT_WINDOW_DAYS = 30;

const DAY_MS = 86_400_000;

export type MentionWindow = { from: Date; to: Date; previousFrom: Date };

/**
 * The window a request reads, [from, to), and the start of the previous one of the same length (which ends
 * at `from`). Without `to` it ends now; without `from` it starts 30 days before its end. Null when from is
 * not before to, or the window is longer than MAX_WINDOW_DAYS.
 */
export function resolveWindow(
  from: string | undefined,
  to: string | undefined,
  now: Date,
): MentionWindow | null {
  const end = to === undefined ? now : new Date(to);
  const start = from === undefined ? new Date(end.getTime() - DEFAULT_WINDOW_DAYS * DAY_MS) : new Date(from);
  const length = end.getTime() - start.getTime();
  if (length <= 0 || length > MAX_WINDOW_DAYS * DAY_MS) return null;
  return { from: start, to: end, previousFrom: new Date(start.getTime() - length) };
}
