import { aggregate, type Point } from "../telemetry/aggregate.ts";
import { labelsKeyOf } from "../telemetry/samples.ts";
import type { SeriesKind } from "../telemetry/tables.ts";

/**
 * Alerting rules as Prometheus evaluates them (2.x): `fn(selector[window]) <comparator> threshold`, one
 * alert per resulting series, and the states an AlertingRule moves its alerts through. The range
 * functions read the samples in [t − window, t], both ends included.
 */

export const RANGE_FUNCTIONS = [
  "avg_over_time",
  "sum_over_time",
  "min_over_time",
  "max_over_time",
  "count_over_time",
  "rate",
] as const;
export type RangeFunction = (typeof RANGE_FUNCTIONS)[number];

export const COMPARATORS = [">", ">=", "<", "<=", "==", "!="] as const;
export type Comparator = (typeof COMPARATORS)[number];

export type RuleSpec = {
  name: string;
  fn: RangeFunction;
  windowMs: number;
  comparator: Comparator;
  threshold: number;
  forMs: number;
  keepFiringForMs: number;
  /** Added to every alert's labels (over the series' own); `alertname` is the rule's name. */
  labels: Record<string, string>;
  annotations: Record<string, string>;
};

export type SeriesInput = { name: string; labels: Record<string, string>; kind: SeriesKind; points: Point[] };

export type AlertState = "pending" | "firing" | "inactive";

export type Alert = {
  labels: Record<string, string>;
  state: AlertState;
  activeAt: number;
  firedAt: number | null;
  resolvedAt: number | null;
  keepFiringSince: number | null;
  value: number;
  annotations: Record<string, string>;
};

/** How long Prometheus keeps a resolved alert (to keep telling Alertmanager it is resolved). */
export const RESOLVED_RETENTION_MS = 15 * 60 * 1000;

/** The samples of `points` (time order) in [t − window, t]. */
function inWindow(points: Point[], t: number, windowMs: number): Point[] {
  return points.filter((point) => point.t >= t - windowMs && point.t <= t);
}

/** Prometheus's extrapolatedRate for a counter (promql/functions.go), per second. */
export function prometheusRate(samples: Point[], t: number, windowMs: number): number | null {
  const first = samples[0];
  const last = samples[samples.length - 1];
  if (!first || !last || samples.length < 2) return null;
  let result = last.v - first.v;
  for (let index = 1; index < samples.length; index++) {
    const previous = samples[index - 1]?.v ?? 0;
    if ((samples[index]?.v ?? 0) < previous) result += previous;
  }
  // Differences of integer milliseconds, then seconds, in Prometheus's order, so the floats come out alike.
  let durationToStart = (first.t - (t - windowMs)) / 1000;
  const durationToEnd = (t - last.t) / 1000;
  const sampledInterval = (last.t - first.t) / 1000;
  const averageBetweenSamples = sampledInterval / (samples.length - 1);
  if (result > 0 && first.v >= 0) {
    // A counter cannot go below zero: extrapolate no further back than where it would reach it.
    const durationToZero = sampledInterval * (first.v / result);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  const threshold = averageBetweenSamples * 1.1;
  let extrapolateTo = sampledInterval;
  extrapolateTo += durationToStart < threshold ? durationToStart : averageBetweenSamples / 2;
  extrapolateTo += durationToEnd < threshold ? durationToEnd : averageBetweenSamples / 2;
  return (result * (extrapolateTo / sampledInterval)) / (windowMs / 1000);
}

/** The range functions that reduce a window's values as a query reduces a bucket's. */
const BUCKET_AGGREGATION_OF = {
  sum_over_time: "sum",
  min_over_time: "min",
  max_over_time: "max",
  count_over_time: "count",
} as const;

/** `fn(series[window])` at t; null when Prometheus would give no sample. */
export function rangeValue(
  fn: RangeFunction,
  series: SeriesInput,
  t: number,
  windowMs: number,
): number | null {
  const samples = inWindow(series.points, t, windowMs);
  if (samples.length === 0) return null;
  const values = samples.map((sample) => sample.v);
  switch (fn) {
    case "avg_over_time": {
      // Incremental mean, as Prometheus computes it.
      let mean = 0;
      values.forEach((value, index) => {
        mean += value / (index + 1) - mean / (index + 1);
      });
      return mean;
    }
    case "sum_over_time":
    case "min_over_time":
    case "max_over_time":
    case "count_over_time":
      return aggregate(values, BUCKET_AGGREGATION_OF[fn]);
    case "rate":
      // A delta series holds each interval's increase: its rate is their sum over the window.
      return series.kind === "delta"
        ? aggregate(values, "sum") / (windowMs / 1000)
        : prometheusRate(samples, t, windowMs);
  }
}

function compare(value: number, comparator: Comparator, threshold: number): boolean {
  switch (comparator) {
    case ">":
      return value > threshold;
    case ">=":
      return value >= threshold;
    case "<":
      return value < threshold;
    case "<=":
      return value <= threshold;
    case "==":
      return value === threshold;
    case "!=":
      return value !== threshold;
  }
}

/** `{{ $value }}` as Go's %v writes a float64 (shortest digits; exponent form below 1e-4 and from 1e6). */
export function goFloat(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "+Inf" : "-Inf";
  if (value === 0) return "0";
  const [mantissa = "", exponentText = "0"] = value.toExponential().split("e");
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 6) {
    const sign = exponent < 0 ? "-" : "+";
    return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, "0")}`;
  }
  return String(value);
}

/** Expands `{{ $labels.name }}` and `{{ $value }}` in an annotation, as Prometheus's templates do. */
export function expandTemplate(template: string, labels: Record<string, string>, value: number): string {
  return template.replace(
    /\{\{\s*\$(labels\.([A-Za-z_][A-Za-z0-9_]*)|value)\s*\}\}/g,
    (_, what: string, label?: string) => (what === "value" ? goFloat(value) : (labels[label ?? ""] ?? "")),
  );
}

/** The series that satisfy the rule at t, by their alert labels: the series' labels, the rule's, alertname. */
export function activeElements(rule: RuleSpec, series: SeriesInput[], t: number) {
  const elements = new Map<string, { labels: Record<string, string>; value: number }>();
  for (const entry of series) {
    const value = rangeValue(rule.fn, entry, t, rule.windowMs);
    if (value === null || !compare(value, rule.comparator, rule.threshold)) continue;
    const labels = { ...entry.labels, ...rule.labels, alertname: rule.name };
    elements.set(labelsKeyOf(labels), { labels, value });
  }
  return elements;
}

/**
 * One evaluation at `t` (AlertingRule.Eval): a new active element starts pending; pending becomes firing
 * once active for `for`; an alert whose element is gone resolves (a pending one is dropped), unless it was
 * firing and `keep_firing_for` has not passed since it last matched; resolved alerts are kept 15 minutes.
 * `active` is changed in place and returned.
 */
export function evaluateAt(rule: RuleSpec, active: Map<string, Alert>, series: SeriesInput[], t: number) {
  const elements = activeElements(rule, series, t);
  for (const [key, element] of elements) {
    const annotations = Object.fromEntries(
      Object.entries(rule.annotations).map(([name, template]) => [
        name,
        expandTemplate(template, element.labels, element.value),
      ]),
    );
    const alert = active.get(key);
    if (alert && alert.state !== "inactive") {
      alert.value = element.value;
      alert.annotations = annotations;
      continue;
    }
    active.set(key, {
      labels: element.labels,
      state: "pending",
      activeAt: t,
      firedAt: null,
      resolvedAt: null,
      keepFiringSince: null,
      value: element.value,
      annotations,
    });
  }
  for (const [key, alert] of active) {
    if (!elements.has(key)) {
      let keepFiring = false;
      if (alert.state === "firing" && rule.keepFiringForMs > 0) {
        alert.keepFiringSince ??= t;
        keepFiring = t - alert.keepFiringSince < rule.keepFiringForMs;
      }
      if (
        alert.state === "pending" ||
        (alert.resolvedAt !== null && t - alert.resolvedAt > RESOLVED_RETENTION_MS)
      )
        active.delete(key);
      if (alert.state !== "inactive" && !keepFiring) {
        alert.state = "inactive";
        alert.resolvedAt = t;
      }
      if (!keepFiring) continue;
    } else {
      alert.keepFiringSince = null;
    }
    if (alert.state === "pending" && t - alert.activeAt >= rule.forMs) {
      alert.state = "firing";
      alert.firedAt = t;
    }
  }
  return active;
}

export type PreviewStep = { t: number; alerts: Alert[] };

/** The rule evaluated every `stepMs` from `startMs` to `endMs` over the given series, from no state. */
export function previewRule(
  rule: RuleSpec,
  series: SeriesInput[],
  range: { startMs: number; endMs: number; stepMs: number },
): PreviewStep[] {
  const active = new Map<string, Alert>();
  const steps: PreviewStep[] = [];
  for (let t = range.startMs; t <= range.endMs; t += range.stepMs) {
    evaluateAt(rule, active, series, t);
    steps.push({ t, alerts: [...active.values()].map((alert) => ({ ...alert })) });
  }
  return steps;
}
