import type { SeriesKind } from "./tables.ts";

/** One point of a series as ingest stores it: time in milliseconds since the epoch. */
export type Sample = {
  name: string;
  labels: Record<string, string>;
  kind: SeriesKind;
  unit: string;
  timeMs: number;
  value: number;
};

/** One log record or event as ingest stores it. */
export type LogEntry = {
  timeMs: number;
  observedTimeMs: number;
  severityNumber: number;
  severityText: string;
  body: string;
  eventName: string;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
  traceId: string | null;
  spanId: string | null;
};

/** What a batch kept and what it refused, with the distinct reasons (for OTLP's partial success). */
export class Rejections {
  count = 0;
  readonly #reasons = new Set<string>();

  add(reason: string, count = 1): void {
    this.count += count;
    this.#reasons.add(reason);
  }

  get message(): string {
    return [...this.#reasons].join("; ");
  }
}

const MAX_NAME = 200;
const MAX_LABELS = 64;
/** The canonical label set is part of a unique index; btree entries stay well under their ~2.7 kB limit. */
const MAX_LABELS_KEY = 2000;
/** Points further ahead than this are refused: a clock that is wrong, not a measurement. */
const MAX_FUTURE_MS = 60 * 60 * 1000;

/** The canonical form of a label set: keys sorted, as JSON. */
export function labelsKeyOf(labels: Record<string, string>): string {
  const sorted: Record<string, string> = {};
  for (const key of Object.keys(labels).sort()) sorted[key] = labels[key] ?? "";
  return JSON.stringify(sorted);
}

const NUL = "\u0000";
/** Postgres keeps timestamps up to the year 294276; past 9999 is a wrong clock, never a measurement. */
const LAST_STORABLE_MS = Date.UTC(10000, 0, 1);

/** Why a sample cannot be stored, or null when it can. */
export function sampleProblem(sample: Sample, nowMs: number): string | null {
  if (!sample.name || sample.name.length > MAX_NAME)
    return `a metric name must be 1 to ${MAX_NAME} characters`;
  if (!Number.isFinite(sample.timeMs) || sample.timeMs <= 0) return "a data point needs timeUnixNano";
  if (sample.timeMs > nowMs + MAX_FUTURE_MS) return "a data point is more than an hour in the future";
  const entries = Object.entries(sample.labels);
  if (entries.length > MAX_LABELS) return `a series may have at most ${MAX_LABELS} labels`;
  if (sample.name.includes(NUL) || entries.some(([key, value]) => key.includes(NUL) || value.includes(NUL)))
    return "names and labels must not contain the NUL character";
  if (labelsKeyOf(sample.labels).length > MAX_LABELS_KEY)
    return `a series' labels may be at most ${MAX_LABELS_KEY} characters in all`;
  return null;
}

/** Why a log record cannot be stored, or null when it can. */
export function logProblem(entry: LogEntry): string | null {
  if (!(entry.timeMs > 0 && entry.timeMs < LAST_STORABLE_MS)) return "a log record has an invalid time";
  const text = JSON.stringify([
    entry.body,
    entry.eventName,
    entry.severityText,
    entry.attributes,
    entry.resource,
  ]);
  if (text.includes("\\u0000")) return "log records must not contain the NUL character";
  if (entry.traceId !== null && !/^[0-9a-f]{32}$/.test(entry.traceId)) return "traceId must be 32 hex digits";
  if (entry.spanId !== null && !/^[0-9a-f]{16}$/.test(entry.spanId)) return "spanId must be 16 hex digits";
  return null;
}
