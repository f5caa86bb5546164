import { fieldErrors } from "../http/errors.ts";
import type { FieldError } from "../http/problem.ts";
import { SEVERITY_NUMBERS, type TelemetryEvent, TelemetryEventSchema } from "./api-schemas.ts";
import { type LogEntry, logProblem, type Sample, sampleProblem } from "./samples.ts";

export type RowError = FieldError & { index: number };

/** The source system's rows, each checked on its own: samples and log entries to store, and each refusal by index. */
export function readEvents(rows: unknown[], nowMs: number) {
  const samples: Sample[] = [];
  const entries: LogEntry[] = [];
  const errors: RowError[] = [];
  rows.forEach((row, index) => {
    const parsed = TelemetryEventSchema.safeParse(row);
    if (!parsed.success) {
      for (const error of fieldErrors(parsed.error)) errors.push({ index, ...error });
      return;
    }
    const event = parsed.data;
    const timeMs = event.timestamp ? Date.parse(event.timestamp) : nowMs;
    if (event.type === "metric") {
      const sample = sampleOf(event, timeMs);
      const problem = sampleProblem(sample, nowMs);
      if (problem) errors.push({ index, path: "(root)", message: problem });
      else samples.push(sample);
      return;
    }
    const entry = entryOf(event, timeMs, nowMs);
    const problem = logProblem(entry);
    if (problem) errors.push({ index, path: "(root)", message: problem });
    else entries.push(entry);
  });
  return { samples, entries, errors };
}

const withSource = (labels: Record<string, string> | undefined, source: string | undefined) => ({
  ...labels,
  ...(source ? { source } : {}),
});

function sampleOf(event: TelemetryEvent, timeMs: number): Sample {
  return {
    name: event.name ?? "",
    labels: withSource(event.labels, event.source),
    kind: event.kind ?? "gauge",
    unit: event.unit ?? "",
    timeMs,
    value: event.value ?? 0,
  };
}

function entryOf(event: TelemetryEvent, timeMs: number, nowMs: number): LogEntry {
  const severity = event.severity ?? "info";
  return {
    timeMs,
    observedTimeMs: nowMs,
    severityNumber: SEVERITY_NUMBERS[severity],
    severityText: severity.toUpperCase(),
    body: event.message ?? "",
    eventName: event.type === "event" ? (event.name ?? "") : "",
    attributes: event.labels ?? {},
    resource: event.source ? { source: event.source } : {},
    traceId: null,
    spanId: null,
  };
}
