import { METRICS, type MetricDefinition } from "../observability/metric-definitions.ts";
import { HISTOGRAM_COUNT, HISTOGRAM_SUM, parseSampleKey, type Samples } from "../observability/series.ts";

export type ExpositionFormat = "prometheus" | "openmetrics";

export const CONTENT_TYPES: Record<ExpositionFormat, string> = {
  prometheus: "text/plain; version=0.0.4; charset=utf-8",
  openmetrics: "application/openmetrics-text; version=1.0.0; charset=utf-8",
};

/** OpenMetrics when the Accept header asks for it (as Prometheus does when it may), else text 0.0.4. */
export function formatFor(accept: string | undefined): ExpositionFormat {
  return accept?.includes("application/openmetrics-text") ? "openmetrics" : "prometheus";
}

function number(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (value === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(value);
}

/** A bucket bound as OpenMetrics writes floats (`1.0`, not `1`); the text format reads either. */
function bound(value: number | undefined): string {
  if (value === undefined) return "+Inf";
  return Number.isInteger(value) ? value.toFixed(1) : String(value);
}

const braces = (labels: string) => (labels === "" ? "" : `{${labels}}`);
const withLabel = (labels: string, extra: string) => (labels === "" ? extra : `${labels},${extra}`);

/** The sample lines of one histogram series: cumulative buckets up to +Inf, then its sum and count. */
function histogramLines(
  name: string,
  definition: MetricDefinition,
  labels: string,
  samples: Map<string, number>,
) {
  const buckets = definition.buckets ?? [];
  const lines: string[] = [];
  for (let index = 0; index <= buckets.length; index++) {
    const le = `le="${bound(buckets[index])}"`;
    lines.push(`${name}_bucket{${withLabel(labels, le)}} ${number(samples.get(String(index)) ?? 0)}`);
  }
  lines.push(`${name}_sum${braces(labels)} ${number(samples.get(HISTOGRAM_SUM) ?? 0)}`);
  lines.push(`${name}_count${braces(labels)} ${number(samples.get(HISTOGRAM_COUNT) ?? 0)}`);
  return lines;
}

/**
 * The exposition of every metric that has a series, in the order METRICS declares them, series sorted by
 * their labels. In OpenMetrics a counter's family is named without `_total` and the text ends in `# EOF`.
 */
export function renderExposition(samples: Samples, format: ExpositionFormat): string {
  const families = new Map<string, Map<string, Map<string, number>>>();
  for (const [key, value] of Object.entries(samples)) {
    const { name, labels, sample } = parseSampleKey(key);
    const series = families.get(name) ?? new Map<string, Map<string, number>>();
    families.set(name, series);
    const values = series.get(labels) ?? new Map<string, number>();
    series.set(labels, values);
    values.set(sample, value);
  }
  const lines: string[] = [];
  for (const [name, definition] of Object.entries(METRICS) as [string, MetricDefinition][]) {
    const series = families.get(name);
    if (!series) continue;
    const family =
      format === "openmetrics" && definition.type === "counter" ? name.replace(/_total$/, "") : name;
    lines.push(`# HELP ${family} ${definition.help}`, `# TYPE ${family} ${definition.type}`);
    for (const labels of [...series.keys()].sort()) {
      const values = series.get(labels) ?? new Map<string, number>();
      if (definition.type === "histogram") lines.push(...histogramLines(name, definition, labels, values));
      else lines.push(`${name}${braces(labels)} ${number(values.get("") ?? 0)}`);
    }
  }
  if (format === "openmetrics") lines.push("# EOF");
  return `${lines.join("\n")}\n`;
}
