import { type Labels, METRICS, type MetricName } from "./metric-definitions.ts";

/**
 * A sample's key: the metric's name, its labels as the exposition writes them, and which sample of the
 * series it is ("" for a counter or gauge; "sum", "count" or a bucket's index for a histogram), separated
 * by newlines (escaped label values never hold one). Deltas and totals are maps from this key to a number,
 * so an isolate's deltas add to the totals key by key.
 */
export type SampleKey = string;
export type Samples = Record<SampleKey, number>;

export const HISTOGRAM_SUM = "sum";
export const HISTOGRAM_COUNT = "count";

/** A label value as the text format needs it: backslash, double quote and newline escaped. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/** The labels of a series in the order its metric declares them, e.g. `route="/health",method="GET"`. */
export function labelText<Name extends MetricName>(name: Name, labels: Labels<Name>): string {
  const values = labels as Record<string, string>;
  return METRICS[name].labels
    .map((label: string) => `${label}="${escapeLabelValue(values[label] ?? "")}"`)
    .join(",");
}

export function sampleKey(name: MetricName, labels: string, sample = ""): SampleKey {
  return `${name}\n${labels}\n${sample}`;
}

export function parseSampleKey(key: SampleKey): { name: string; labels: string; sample: string } {
  const first = key.indexOf("\n");
  const last = key.lastIndexOf("\n");
  return { name: key.slice(0, first), labels: key.slice(first + 1, last), sample: key.slice(last + 1) };
}

/** Adds `more` into `into`, key by key. */
export function addSamples(into: Samples, more: Samples): void {
  for (const [key, value] of Object.entries(more)) into[key] = (into[key] ?? 0) + value;
}
