import { z } from "@hono/zod-openapi";

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
