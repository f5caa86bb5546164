import { z } from "zod";

/**
 * OTLP/JSON, the parts Borde reads (opentelemetry-proto's metrics and logs services). Field names are
 * lowerCamelCase; 64-bit integers come as strings or numbers; enums as numbers (or their names); trace and
 * span ids as hex. Unknown fields are ignored (zod strips them), as the specification asks of receivers.
 * The protobuf decoder (protobuf.ts) produces the same shape, so one schema checks both encodings.
 */

/** JSON numbers past 2^53 lose digits but stay integers; zod's int() would refuse them. */
const integer = z.number().refine(Number.isInteger, "must be an integer");
const int64 = z.union([z.string().regex(/^-?\d{1,20}$/, "must be a 64-bit integer"), integer]);
const uint64 = z.union([
  z.string().regex(/^\d{1,20}$/, "must be an unsigned 64-bit integer"),
  integer.refine((value) => value >= 0, "must not be negative"),
]);
/** Protobuf's JSON writes the IEEE 754 specials as strings. */
const double = z.union([z.number(), z.enum(["NaN", "Infinity", "-Infinity"]).transform(Number)]);
const enumeration = z.union([z.number().int(), z.string().max(100)]);

export type AnyValue = {
  stringValue?: string | undefined;
  boolValue?: boolean | undefined;
  intValue?: string | number | undefined;
  doubleValue?: number | undefined;
  arrayValue?: { values?: AnyValue[] | undefined } | undefined;
  kvlistValue?: { values?: KeyValue[] | undefined } | undefined;
  bytesValue?: string | undefined;
};
export type KeyValue = { key: string; value?: AnyValue | undefined };

const AnyValueSchema: z.ZodType<AnyValue> = z.lazy(() =>
  z.object({
    stringValue: z.string().optional(),
    boolValue: z.boolean().optional(),
    intValue: int64.optional(),
    doubleValue: double.optional(),
    arrayValue: z.object({ values: z.array(AnyValueSchema).optional() }).optional(),
    kvlistValue: z.object({ values: z.array(KeyValueSchema).optional() }).optional(),
    bytesValue: z.string().optional(),
  }),
);
const KeyValueSchema: z.ZodType<KeyValue> = z.lazy(() =>
  z.object({ key: z.string(), value: AnyValueSchema.optional() }),
);
const attributes = z.array(KeyValueSchema).optional();

const ResourceSchema = z.object({ attributes }).optional();

const NumberDataPointSchema = z.object({
  attributes,
  timeUnixNano: uint64.optional(),
  asDouble: double.optional(),
  asInt: int64.optional(),
});

const HistogramDataPointSchema = z.object({
  attributes,
  timeUnixNano: uint64.optional(),
  count: uint64.optional(),
  sum: double.optional(),
  bucketCounts: z.array(uint64).optional(),
  explicitBounds: z.array(double).optional(),
});

const SummaryDataPointSchema = z.object({
  attributes,
  timeUnixNano: uint64.optional(),
  count: uint64.optional(),
  sum: double.optional(),
  quantileValues: z.array(z.object({ quantile: double.optional(), value: double.optional() })).optional(),
});

const points = <T extends z.ZodType>(point: T) => z.array(point).optional();

const MetricSchema = z.object({
  name: z.string().default(""),
  unit: z.string().default(""),
  gauge: z.object({ dataPoints: points(NumberDataPointSchema) }).optional(),
  sum: z
    .object({
      dataPoints: points(NumberDataPointSchema),
      aggregationTemporality: enumeration.optional(),
      isMonotonic: z.boolean().optional(),
    })
    .optional(),
  histogram: z
    .object({ dataPoints: points(HistogramDataPointSchema), aggregationTemporality: enumeration.optional() })
    .optional(),
  exponentialHistogram: z.object({ dataPoints: z.array(z.unknown()).optional() }).optional(),
  summary: z.object({ dataPoints: points(SummaryDataPointSchema) }).optional(),
});

export const ExportMetricsRequestSchema = z.object({
  resourceMetrics: z
    .array(
      z.object({
        resource: ResourceSchema,
        scopeMetrics: z.array(z.object({ metrics: z.array(MetricSchema).optional() })).optional(),
      }),
    )
    .optional(),
});
export type ExportMetricsRequest = z.output<typeof ExportMetricsRequestSchema>;
export type OtlpMetric = z.output<typeof MetricSchema>;
export type NumberDataPoint = z.output<typeof NumberDataPointSchema>;
export type HistogramDataPoint = z.output<typeof HistogramDataPointSchema>;
export type SummaryDataPoint = z.output<typeof SummaryDataPointSchema>;

const LogRecordSchema = z.object({
  timeUnixNano: uint64.optional(),
  observedTimeUnixNano: uint64.optional(),
  severityNumber: enumeration.optional(),
  severityText: z.string().optional(),
  body: AnyValueSchema.optional(),
  attributes,
  traceId: z.string().optional(),
  spanId: z.string().optional(),
  eventName: z.string().optional(),
});
export type OtlpLogRecord = z.output<typeof LogRecordSchema>;

export const ExportLogsRequestSchema = z.object({
  resourceLogs: z
    .array(
      z.object({
        resource: ResourceSchema,
        scopeLogs: z.array(z.object({ logRecords: z.array(LogRecordSchema).optional() })).optional(),
      }),
    )
    .optional(),
});
export type ExportLogsRequest = z.output<typeof ExportLogsRequestSchema>;

/** AggregationTemporality: 1 delta, 2 cumulative (0 unspecified). */
export const isDelta = (temporality: number | string | undefined) =>
  temporality === 1 || temporality === "AGGREGATION_TEMPORALITY_DELTA";

/** SeverityNumber as a number, whether sent as one or by name (SEVERITY_NUMBER_WARN …). */
const SEVERITY_NAMES = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"] as const;
export function severityNumberOf(value: number | string | undefined): number {
  if (typeof value === "number") return value >= 0 && value <= 24 ? value : 0;
  const match = /^SEVERITY_NUMBER_([A-Z]+)([2-4]?)$/.exec(value ?? "");
  const index = SEVERITY_NAMES.indexOf((match?.[1] ?? "") as (typeof SEVERITY_NAMES)[number]);
  return index < 0 ? 0 : index * 4 + 1 + (match?.[2] ? Number(match[2]) - 1 : 0);
}

/** The response bodies: `partialSuccess` only when something was rejected (an empty message is a full success). */
export const metricsResponse = (rejected: number, message: string) =>
  rejected > 0 ? { partialSuccess: { rejectedDataPoints: String(rejected), errorMessage: message } } : {};
export const logsResponse = (rejected: number, message: string) =>
  rejected > 0 ? { partialSuccess: { rejectedLogRecords: String(rejected), errorMessage: message } } : {};
