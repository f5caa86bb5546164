import {
  bigint,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  unique,
} from "drizzle-orm/pg-core";
import { at, createdAt, id, instant, ownerId, timestamps } from "../db/columns.ts";
import { tenantIsolation } from "../db/policies.ts";
import { tenantIdColumn, tenantTable } from "../identity/tables.ts";

/** How a series' values read: a gauge as it is, a counter as a running total, a delta as each step's increase. */
export const SERIES_KINDS = ["gauge", "counter", "delta"] as const;
export type SeriesKind = (typeof SERIES_KINDS)[number];

/** A metric name with one label set: what points belong to and alerts are raised for. */
export const metricSeries = tenantTable(
  "metric_series",
  {
    name: text("name").notNull(),
    labels: jsonb("labels").$type<Record<string, string>>().notNull(),
    /** The labels as canonical JSON (keys sorted): what tells two label sets apart. */
    labelsKey: text("labels_key").notNull(),
    kind: text("kind", { enum: SERIES_KINDS }).notNull(),
    unit: text("unit").notNull().default(""),
    createdAt: createdAt(),
  },
  (table) => [unique("metric_series_identity_key").on(table.tenantId, table.name, table.labelsKey)],
);

/** One sample of a series: the value at a time (milliseconds, as Prometheus keeps them). */
export const metricPoints = pgTable(
  "metric_points",
  {
    tenantId: tenantIdColumn(),
    seriesId: ownerId("series_id", () => metricSeries.id),
    time: instant("time").notNull(),
    value: doublePrecision("value").notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.seriesId, table.time] }),
    index("metric_points_tenant_time_idx").on(table.tenantId, table.time),
    tenantIsolation(),
  ],
);

/** A log line or an event (an event has a name), from OTLP logs or the source form. */
export const logRecords = tenantTable(
  "log_records",
  {
    time: instant("time").notNull(),
    observedTime: instant("observed_time").notNull(),
    /** OpenTelemetry's severity number, 1 (TRACE) to 24 (FATAL4); 0 unspecified. */
    severityNumber: smallint("severity_number").notNull(),
    severityText: text("severity_text").notNull(),
    body: text("body").notNull(),
    eventName: text("event_name").notNull(),
    attributes: jsonb("attributes").$type<Record<string, unknown>>().notNull(),
    resource: jsonb("resource").$type<Record<string, unknown>>().notNull(),
    traceId: text("trace_id"),
    spanId: text("span_id"),
  },
  (table) => [index("log_records_tenant_time_idx").on(table.tenantId, table.time, table.id)],
);

/** What a tenant ingested in one minute, against its quota. */
export const telemetryUsage = pgTable(
  "telemetry_usage",
  {
    tenantId: tenantIdColumn(),
    minute: at("minute").notNull(),
    points: bigint("points", { mode: "number" }).notNull(),
    logRecords: bigint("log_records", { mode: "number" }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.tenantId, table.minute] }), tenantIsolation()],
);

/** A tenant's own ingest quotas and retention, where they differ from the deployment's defaults. */
export const telemetrySettings = pgTable(
  "telemetry_settings",
  {
    id: id(),
    tenantId: tenantIdColumn().unique(),
    pointsPerMinute: integer("points_per_minute"),
    logRecordsPerMinute: integer("log_records_per_minute"),
    /** Days metric points and log records are kept; null keeps the defaults (telemetry/retention.ts). */
    metricPointsRetentionDays: integer("metric_points_retention_days"),
    logRecordsRetentionDays: integer("log_records_retention_days"),
    ...timestamps(),
  },
  () => [tenantIsolation()],
);
