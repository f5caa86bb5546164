import type { SeriesKind } from "./tables.ts";

export const AGGREGATIONS = ["avg", "sum", "min", "max", "count", "rate", "p95"] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

/** A sample as queries read it: time in milliseconds. */
export type Point = { t: number; v: number };

export type Bucket = { t: number; v: number };

/** The q-quantile of sorted values, interpolated between ranks as Prometheus's quantile_over_time does. */
export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = q * (sorted.length - 1);
  const lower = Math.floor(rank);
  const upper = Math.min(lower + 1, sorted.length - 1);
  const low = sorted[lower] ?? Number.NaN;
  const high = sorted[upper] ?? Number.NaN;
  return low + (high - low) * (rank - lower);
}

/** A counter's increase across points in time order: a drop is a reset, after which the value counts whole. */
export function counterIncrease(points: Point[]): number {
  let increase = 0;
  for (let index = 1; index < points.length; index++) {
    const previous = points[index - 1]?.v ?? 0;
    const current = points[index]?.v ?? 0;
    increase += current >= previous ? current - previous : current;
  }
  return increase;
}

/** The values of a bucket (or of a rule's window) reduced to one. */
export function aggregate(values: number[], aggregation: Exclude<Aggregation, "rate">): number {
  switch (aggregation) {
    case "avg":
      return values.reduce((sum, value) => sum + value, 0) / values.length;
    case "sum":
      return values.reduce((sum, value) => sum + value, 0);
    case "min":
      return Math.min(...values);
    case "max":
      return Math.max(...values);
    case "count":
      return values.length;
    case "p95":
      return quantile(
        [...values].sort((a, b) => a - b),
        0.95,
      );
  }
}

/**
 * A series' points (time order) in buckets of `stepMs` from `startMs`: bucket k holds the points at
 * [start + k·step, start + (k+1)·step), and empty buckets are left out. `rate` is the increase per second
 * over the bucket: a counter's from the last point before the bucket to its last point (resets
 * counted), a delta series' the sum of its values; a gauge has no rate.
 */
export function bucketize(
  points: Point[],
  kind: SeriesKind,
  range: { startMs: number; endMs: number; stepMs: number },
  aggregation: Aggregation,
): Bucket[] {
  const buckets: Bucket[] = [];
  let index = 0;
  for (let start = range.startMs; start <= range.endMs; start += range.stepMs) {
    const end = Math.min(start + range.stepMs, range.endMs + 1);
    const first = index;
    while (index < points.length && (points[index]?.t ?? 0) < end) index++;
    const inBucket = points.slice(first, index).filter((point) => point.t >= start);
    if (inBucket.length === 0) continue;
    if (aggregation !== "rate") {
      buckets.push({
        t: start,
        v: aggregate(
          inBucket.map((point) => point.v),
          aggregation,
        ),
      });
      continue;
    }
    if (kind === "gauge") continue;
    const previous = first > 0 ? points[first - 1] : undefined;
    const increase =
      kind === "delta"
        ? inBucket.reduce((sum, point) => sum + point.v, 0)
        : counterIncrease(previous && previous.t < start ? [previous, ...inBucket] : inBucket);
    buckets.push({ t: start, v: increase / (range.stepMs / 1000) });
  }
  return buckets;
}
