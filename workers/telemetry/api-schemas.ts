import { z } from "@hono/zod-openapi";
import { fieldsOf, timestamp } from "../http/api-schemas.ts";
import { ListQuerySchema } from "../http/pagination.ts";
import { base64url, fromBase64url } from "../lib/crypto.ts";
import { AGGREGATIONS } from "./aggregate.ts";
import { durationSeconds } from "./prometheus-duration.ts";
import type { LogRecord, Series } from "./queries.ts";
import { RETENTION_BOUNDS, RETENTION_DAYS, type Retention } from "./retention.ts";
import { parseSelector, SelectorError } from "./selector.ts";
import { SERIES_KINDS } from "./tables.ts";

export const MAX_EVENTS_PER_CALL = 5000;

const SEVERITIES = ["trace", "debug", "info", "warn", "error", "fatal"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** OpenTelemetry's severity number of each level's first step (TRACE=1 … FATAL=21). */
export const SEVERITY_NUMBERS: Record<Severity, number> = {
  trace: 1,
  debug: 5,
  info: 9,
  warn: 13,
  error: 17,
  fatal: 21,
};

const LabelsSchema = z
  .record(z.string().min(1).max(100), z.string().max(1000))
  .refine((labels) => Object.keys(labels).length <= 64, "at most 64 labels");

/** One row of the source system's form: a metric point, a log line, or a named event. */
export const TelemetryEventSchema = z
  .object({
    type: z.enum(["metric", "log", "event"]),
    source: z.string().trim().min(1).max(200).optional(),
    name: z.string().trim().min(1).max(200).optional(),
    value: z.number().optional(),
    kind: z.enum(["gauge", "counter"]).optional(),
    unit: z.string().max(50).optional(),
    labels: LabelsSchema.optional(),
    timestamp: z.iso.datetime({ offset: true }).optional(),
    severity: z.enum(SEVERITIES).optional(),
    message: z.string().max(32_768).optional(),
  })
  .strict()
  .superRefine((event, ctx) => {
    if (event.type !== "log" && !event.name)
      ctx.addIssue({ code: "custom", path: ["name"], message: `required for a ${event.type}` });
    if (event.type === "metric" && event.value === undefined)
      ctx.addIssue({ code: "custom", path: ["value"], message: "required for a metric" });
    if (event.type === "log" && event.message === undefined)
      ctx.addIssue({ code: "custom", path: ["message"], message: "required for a log" });
  });
export type TelemetryEvent = z.output<typeof TelemetryEventSchema>;

export const TelemetryBatchSchema = z
  .object({
    events: z.array(z.unknown()).min(1).max(MAX_EVENTS_PER_CALL).openapi({
      description:
        "Up to 5,000 rows, each `{type, source?, name?, value?, kind?, unit?, labels?, timestamp?, severity?, message?}`: a `metric` needs `name` and `value` (`kind` gauge, the default, or counter), a `log` needs `message`, an `event` needs `name`. `timestamp` is RFC 3339 (default: now), `severity` one of trace, debug, info, warn, error, fatal. Each row is checked on its own: the valid ones are stored, the others reported by index.",
    }),
  })
  .openapi("TelemetryBatch");

export const TelemetryBatchResultSchema = z
  .object({
    accepted: z.object({ points: z.number().int(), log_records: z.number().int() }),
    rejected: z.number().int(),
    errors: z.array(
      z.object({
        index: z.number().int().openapi({ description: "The row's position in `events`, from 0." }),
        path: z.string(),
        message: z.string(),
      }),
    ),
  })
  .openapi("TelemetryBatchResult");

const OTLP_DESCRIPTION =
  "OTLP/HTTP: the body is the service's Export request as protobuf (`application/x-protobuf`) or OTLP/JSON (`application/json`), optionally with `Content-Encoding: gzip`; the answer comes in the request's encoding. Unknown fields are ignored.";

const binary = z.string().openapi({ format: "binary" });

/** An OTLP export request body; its JSON is checked by wire.ts after decoding, never by the route's validator. */
export const otlpBody = (message: string) => ({
  required: true,
  description: `${OTLP_DESCRIPTION} Message: \`${message}\`.`,
  content: {
    "application/json": { schema: { type: "object" as const, description: `${message} in OTLP/JSON` } },
    "application/x-protobuf": { schema: binary },
  },
});

export const otlpResponse = (schema: z.ZodType, message: string) => ({
  description: `${message}: empty on full success, else \`partialSuccess\` with the count rejected and why`,
  content: { "application/json": { schema }, "application/x-protobuf": { schema: binary } },
});

export const ExportMetricsResponseSchema = z
  .object({
    partialSuccess: z.object({ rejectedDataPoints: z.string(), errorMessage: z.string() }).optional(),
  })
  .openapi("OtlpExportMetricsResponse");

export const ExportLogsResponseSchema = z
  .object({
    partialSuccess: z.object({ rejectedLogRecords: z.string(), errorMessage: z.string() }).optional(),
  })
  .openapi("OtlpExportLogsResponse");

/** A PromQL series selector in a query parameter, parsed (400 naming the problem when it does not parse). */
const selectorParam = z
  .string()
  .max(2000)
  .transform((text, ctx) => {
    try {
      return parseSelector(text);
    } catch (error) {
      ctx.addIssue({
        code: "custom",
        message: error instanceof SelectorError ? error.message : "is not valid",
      });
      return z.NEVER;
    }
  })
  .openapi({
    type: "string",
    description:
      'A PromQL series selector: a metric name and/or label matchers with `=`, `!=`, `=~`, `!~` (regexes anchored, as in Prometheus), e.g. `http_requests{route=~"/api/.*",env!="dev"}`.',
    example: 'cpu{host="web-1"}',
  });

const instant = (description: string) =>
  z.iso
    .datetime({ offset: true })
    .transform(Date.parse)
    .openapi({ type: "string", format: "date-time", description });

export const SeriesQuerySchema = ListQuerySchema.extend({ selector: selectorParam.optional() });

export const SeriesSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    labels: z.record(z.string(), z.string()),
    kind: z.enum(SERIES_KINDS),
    unit: z.string(),
    created_at: timestamp(),
  })
  .openapi("MetricSeries");
export const renderSeries = (series: Series) =>
  fieldsOf(series, "id", "name", "labels", "kind", "unit", "createdAt");

/** Prometheus refuses a range query of more than 11,000 steps; so does this one. */
export const MAX_STEPS = 11_000;

export const MetricQuerySchema = z
  .object({
    selector: selectorParam,
    aggregation: z.enum(AGGREGATIONS).default("avg").openapi({
      description:
        "Per series and step: avg, sum, min, max, count or p95 of the points in the step, or rate (a counter's increase per second, resets counted; a delta series' sum per second; gauges have none).",
    }),
    start: instant("The first step begins here."),
    end: instant("The last step begins at or before here."),
    step: z
      .string()
      .default("60")
      .transform((text, ctx) => {
        const seconds = durationSeconds(text);
        if (seconds === null || seconds < 1 || seconds > 86_400) {
          ctx.addIssue({
            code: "custom",
            message: 'must be seconds ("60") or a duration ("60s", "5m", "1h"), from 1 s to 1 day',
          });
          return z.NEVER;
        }
        return seconds;
      })
      .openapi({
        type: "string",
        example: "5m",
        description: 'Seconds per step ("60"), or a Prometheus duration ("60s", "5m", "1h"); 1 s to 1 day.',
      }),
  })
  .refine((query) => query.end >= query.start, { path: ["end"], message: "must not be before start" })
  .refine((query) => (query.end - query.start) / (query.step * 1000) <= MAX_STEPS, {
    path: ["step"],
    message: `at most ${MAX_STEPS} steps per query; use a longer step or a shorter range`,
  });

export const MetricQueryResultSchema = z
  .object({
    aggregation: z.enum(AGGREGATIONS),
    step: z.number().int(),
    series: z.array(
      z.object({
        id: z.uuid(),
        name: z.string(),
        labels: z.record(z.string(), z.string()),
        buckets: z.array(
          z.object({
            time: timestamp(),
            value: z.number().nullable().openapi({ description: "null where the value is NaN or infinite." }),
          }),
        ),
      }),
    ),
  })
  .openapi("MetricQueryResult");

/** A log page's cursor: the last record's time and id, opaque to clients. */
export const encodeLogCursor = (record: { time: Date; id: string }) =>
  base64url(new TextEncoder().encode(`${record.time.getTime()}:${record.id}`));

const LOG_CURSOR = /^(\d{1,16}):([0-9a-f-]{36})$/;

export const LogQuerySchema = z.object({
  start: instant("Oldest record time; default an hour before end.").optional(),
  end: instant("Newest record time; default now.").optional(),
  severity: z.enum(SEVERITIES).optional().openapi({ description: "This severity or worse." }),
  text: z.string().min(1).max(200).optional().openapi({ description: "Text the body contains (any case)." }),
  attribute: z
    .string()
    .regex(/^[^=]{1,100}=.{0,1000}$/, "write key=value")
    .transform((text) => {
      const at = text.indexOf("=");
      return { key: text.slice(0, at), value: text.slice(at + 1) };
    })
    .optional()
    .openapi({ type: "string", description: "An attribute's value, as `key=value`." }),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z
    .string()
    .transform((cursor, ctx) => {
      let match: RegExpExecArray | null = null;
      try {
        match = LOG_CURSOR.exec(new TextDecoder().decode(fromBase64url(cursor)));
      } catch {
        match = null;
      }
      if (!match?.[1] || !match[2]) {
        ctx.addIssue({ code: "custom", message: "cursor is not one this API returned" });
        return z.NEVER;
      }
      return { timeMs: Number(match[1]), id: match[2] };
    })
    .optional()
    .openapi({ type: "string", minLength: 1, description: "`next_cursor` of the previous page, unchanged." }),
});

export const LogRecordSchema = z
  .object({
    id: z.uuid(),
    time: timestamp(),
    observed_time: timestamp(),
    severity_number: z.number().int(),
    severity_text: z.string(),
    body: z.string(),
    event_name: z.string(),
    attributes: z.record(z.string(), z.unknown()),
    resource: z.record(z.string(), z.unknown()),
    trace_id: z.string().nullable(),
    span_id: z.string().nullable(),
  })
  .openapi("LogRecord");
export const renderLogRecord = (record: LogRecord) =>
  fieldsOf(
    record,
    "id",
    "time",
    "observedTime",
    "severityNumber",
    "severityText",
    "body",
    "eventName",
    "attributes",
    "resource",
    "traceId",
    "spanId",
  );

const retentionDays = (what: string, defaultDays: number) =>
  z
    .number()
    .int()
    .min(RETENTION_BOUNDS.min)
    .max(RETENTION_BOUNDS.max)
    .openapi({
      description: `Days ${what} are kept (${RETENTION_BOUNDS.min} to ${RETENTION_BOUNDS.max}; default ${defaultDays}).`,
    });

export const RetentionSchema = z
  .object({
    metric_points_days: retentionDays("metric points", RETENTION_DAYS.metricPoints),
    log_records_days: retentionDays("log records", RETENTION_DAYS.logRecords),
  })
  .openapi("TelemetryRetention");

export const RetentionUpdateSchema = z
  .object({
    metric_points_days: retentionDays("metric points", RETENTION_DAYS.metricPoints)
      .nullable()
      .openapi({ description: "null goes back to the default." }),
    log_records_days: retentionDays("log records", RETENTION_DAYS.logRecords)
      .nullable()
      .openapi({ description: "null goes back to the default." }),
  })
  .strict()
  .openapi("TelemetryRetentionUpdate");

export const renderRetention = (retention: Retention) =>
  fieldsOf(retention, "metricPointsDays", "logRecordsDays");
