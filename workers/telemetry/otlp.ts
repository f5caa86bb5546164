import { type LogEntry, logProblem, Rejections, type Sample, sampleProblem } from "./samples.ts";
import type { SeriesKind } from "./tables.ts";
import {
  type AnyValue,
  type ExportLogsRequest,
  type ExportMetricsRequest,
  type HistogramDataPoint,
  isDelta,
  type KeyValue,
  type NumberDataPoint,
  type OtlpMetric,
  type SummaryDataPoint,
  severityNumberOf,
} from "./wire.ts";

const NANOS_PER_MS = 1_000_000n;

/** Nanoseconds since the epoch (string or number) → milliseconds; 0 when absent. */
export function nanosToMs(nanos: string | number | undefined): number {
  if (nanos === undefined) return 0;
  return Number(BigInt(nanos) / NANOS_PER_MS);
}

/** An attribute value as JSON: ints keep their digits (as a number when exact, else as a string). */
function jsonOf(value: AnyValue | undefined): unknown {
  if (!value) return null;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) {
    const number = Number(value.intValue);
    return Number.isSafeInteger(number) ? number : String(value.intValue);
  }
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(jsonOf);
  if (value.kvlistValue) return objectOf(value.kvlistValue.values);
  if (value.bytesValue !== undefined) return value.bytesValue;
  return null;
}

function objectOf(keyValues: KeyValue[] | undefined): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const { key, value } of keyValues ?? []) object[key] = jsonOf(value);
  return object;
}

/** An attribute as a label value: text as it is, anything else as its JSON. */
function labelOf(value: AnyValue | undefined): string {
  if (value?.stringValue !== undefined) return value.stringValue;
  const json = jsonOf(value);
  return typeof json === "string" ? json : JSON.stringify(json);
}

function labelsOf(keyValues: KeyValue[] | undefined, into: Record<string, string> = {}) {
  for (const { key, value } of keyValues ?? []) into[key] = labelOf(value);
  return into;
}

type Emit = (sample: Sample) => void;

/** A number point's value; NaN when the point carries neither asDouble nor asInt. */
const numberOf = (point: NumberDataPoint) =>
  point.asDouble ?? (point.asInt === undefined ? Number.NaN : Number(point.asInt));

function emitNumberPoints(
  metric: OtlpMetric,
  points: NumberDataPoint[],
  kind: SeriesKind,
  resource: Record<string, string>,
  emit: Emit,
  rejections: Rejections,
) {
  for (const point of points) {
    if (point.asDouble === undefined && point.asInt === undefined) {
      rejections.add("a number data point needs asDouble or asInt");
      continue;
    }
    emit({
      name: metric.name,
      labels: labelsOf(point.attributes, { ...resource }),
      kind,
      unit: metric.unit,
      timeMs: nanosToMs(point.timeUnixNano),
      value: numberOf(point),
    });
  }
}

/** A histogram becomes Prometheus's classic series: cumulative `_bucket{le}`, `_sum` and `_count`. */
function emitHistogramPoints(
  metric: OtlpMetric,
  points: HistogramDataPoint[],
  kind: SeriesKind,
  resource: Record<string, string>,
  emit: Emit,
) {
  for (const point of points) {
    const labels = labelsOf(point.attributes, { ...resource });
    const base = { kind, unit: metric.unit, timeMs: nanosToMs(point.timeUnixNano) };
    const bounds = point.explicitBounds ?? [];
    let cumulative = 0;
    (point.bucketCounts ?? []).forEach((count, index) => {
      cumulative += Number(count);
      const le = index < bounds.length ? String(bounds[index]) : "+Inf";
      emit({ ...base, name: `${metric.name}_bucket`, labels: { ...labels, le }, value: cumulative });
    });
    emit({ ...base, name: `${metric.name}_count`, labels, value: Number(point.count ?? 0) });
    if (point.sum !== undefined) emit({ ...base, name: `${metric.name}_sum`, labels, value: point.sum });
  }
}

/** A summary becomes `{quantile}` series with `_sum` and `_count`, as Prometheus writes it. */
function emitSummaryPoints(
  metric: OtlpMetric,
  points: SummaryDataPoint[],
  resource: Record<string, string>,
  emit: Emit,
) {
  for (const point of points) {
    const labels = labelsOf(point.attributes, { ...resource });
    const base = { unit: metric.unit, timeMs: nanosToMs(point.timeUnixNano) };
    for (const quantile of point.quantileValues ?? []) {
      emit({
        ...base,
        kind: "gauge",
        name: metric.name,
        labels: { ...labels, quantile: String(quantile.quantile ?? 0) },
        value: quantile.value ?? 0,
      });
    }
    emit({ ...base, kind: "counter", name: `${metric.name}_count`, labels, value: Number(point.count ?? 0) });
    emit({ ...base, kind: "counter", name: `${metric.name}_sum`, labels, value: point.sum ?? 0 });
  }
}

/**
 * The samples of an OTLP metrics export. A point's labels are its resource's attributes and its own (its
 * own win). A monotonic cumulative sum is a counter, a delta sum or histogram a delta, anything else a
 * gauge. Exponential histograms are refused, counted in the partial success.
 */
export function samplesOfMetrics(request: ExportMetricsRequest, nowMs: number) {
  const samples: Sample[] = [];
  const rejections = new Rejections();
  const emit: Emit = (sample) => {
    const problem = sampleProblem(sample, nowMs);
    if (problem) rejections.add(problem);
    else samples.push(sample);
  };
  for (const resourceMetrics of request.resourceMetrics ?? []) {
    const resource = labelsOf(resourceMetrics.resource?.attributes);
    for (const scope of resourceMetrics.scopeMetrics ?? []) {
      for (const metric of scope.metrics ?? []) {
        if (metric.gauge)
          emitNumberPoints(metric, metric.gauge.dataPoints ?? [], "gauge", resource, emit, rejections);
        if (metric.sum) {
          const kind = isDelta(metric.sum.aggregationTemporality)
            ? "delta"
            : metric.sum.isMonotonic
              ? "counter"
              : "gauge";
          emitNumberPoints(metric, metric.sum.dataPoints ?? [], kind, resource, emit, rejections);
        }
        if (metric.histogram) {
          const kind = isDelta(metric.histogram.aggregationTemporality) ? "delta" : "counter";
          emitHistogramPoints(metric, metric.histogram.dataPoints ?? [], kind, resource, emit);
        }
        if (metric.summary) emitSummaryPoints(metric, metric.summary.dataPoints ?? [], resource, emit);
        const exponential = metric.exponentialHistogram?.dataPoints?.length ?? 0;
        if (exponential > 0) rejections.add("exponential histograms are not supported", exponential);
      }
    }
  }
  return { samples, rejections };
}

/** A log body as text: a string as it is, any other value as its JSON. */
function bodyText(body: AnyValue | undefined): string {
  if (body?.stringValue !== undefined) return body.stringValue;
  return body ? JSON.stringify(jsonOf(body)) : "";
}

/** The entries of an OTLP logs export; a record without a time takes its observed time, else now. */
export function entriesOfLogs(request: ExportLogsRequest, nowMs: number) {
  const entries: LogEntry[] = [];
  const rejections = new Rejections();
  for (const resourceLogs of request.resourceLogs ?? []) {
    const resource = objectOf(resourceLogs.resource?.attributes);
    for (const scope of resourceLogs.scopeLogs ?? []) {
      for (const record of scope.logRecords ?? []) {
        const observedTimeMs = nanosToMs(record.observedTimeUnixNano) || nowMs;
        const entry: LogEntry = {
          timeMs: nanosToMs(record.timeUnixNano) || observedTimeMs,
          observedTimeMs,
          severityNumber: severityNumberOf(record.severityNumber),
          severityText: record.severityText ?? "",
          body: bodyText(record.body),
          eventName: record.eventName ?? "",
          attributes: objectOf(record.attributes),
          resource,
          traceId: record.traceId ? record.traceId.toLowerCase() : null,
          spanId: record.spanId ? record.spanId.toLowerCase() : null,
        };
        const problem = logProblem(entry);
        if (problem) rejections.add(problem);
        else entries.push(entry);
      }
    }
  }
  return { entries, rejections };
}
