import { type SQL, sql } from "drizzle-orm";
import type { DatabaseSession, HttpDatabase } from "../db/client.ts";
import { uuidv7 } from "../lib/uuid.ts";
import { type LogEntry, labelsKeyOf, type Sample } from "./samples.ts";

/** A tenant's ingest quotas per minute, from its settings row, else the deployment's defaults. */
export type IngestQuota = { pointsPerMinute: number; logRecordsPerMinute: number };

/** Why a batch was not stored: the tenant's quota for the current minute would be exceeded. */
export type IngestOutcome =
  | { admitted: true; stored: number }
  | { admitted: false; retryAfterSeconds: number };

/** Seconds until the next quota minute begins (at least 1). */
export const secondsToNextMinute = (nowMs: number) => Math.max(1, 60 - Math.floor((nowMs % 60_000) / 1000));

/**
 * Counts `amount` against the tenant's quota for this minute, atomically: the row is added to (or created)
 * only while the total stays within the limit, so the statement that reads no row was refused. Data
 * statements below read this CTE, so a refused batch writes nothing.
 */
function quotaCte(tenant: SQL, column: "points" | "log_records", limit: number, amount: number) {
  const settingsColumn =
    column === "points" ? sql.raw("points_per_minute") : sql.raw("log_records_per_minute");
  const counted = sql.raw(column);
  return sql`quota_limit AS (
      SELECT coalesce((SELECT ${settingsColumn} FROM telemetry_settings WHERE tenant_id = ${tenant}), ${limit})::bigint AS value
    ), quota AS (
      INSERT INTO telemetry_usage AS usage (tenant_id, minute, points, log_records)
      SELECT ${tenant}, date_trunc('minute', now()), ${column === "points" ? amount : 0}::bigint,
        ${column === "log_records" ? amount : 0}::bigint
      WHERE ${amount}::bigint <= (SELECT value FROM quota_limit)
      ON CONFLICT (tenant_id, minute) DO UPDATE SET ${counted} = usage.${counted} + excluded.${counted}
      WHERE usage.${counted} + excluded.${counted} <= (SELECT value FROM quota_limit)
      RETURNING 1
    )`;
}

type SeriesInput = { id: string; name: string; labelsKey: string; kind: string; unit: string };

/** Distinct series of the samples, each with a proposed id, and the samples deduplicated per series and time. */
function seriesAndPoints(samples: Sample[]) {
  const series = new Map<string, SeriesInput>();
  const points = new Map<string, { seriesId: string; timeMs: number; value: number }>();
  for (const sample of samples) {
    const labelsKey = labelsKeyOf(sample.labels);
    const identity = `${sample.name}\n${labelsKey}`;
    let entry = series.get(identity);
    if (!entry) {
      entry = { id: uuidv7(), name: sample.name, labelsKey, kind: sample.kind, unit: sample.unit };
      series.set(identity, entry);
    }
    // Two samples of one series at one time: the last one sent wins, as a later write would.
    points.set(`${entry.id}@${sample.timeMs}`, {
      seriesId: entry.id,
      timeMs: sample.timeMs,
      value: sample.value,
    });
  }
  return { series: [...series.values()], points: [...points.values()] };
}

/** In an INSERT … SELECT a parameter has no type to take from its column, so the tenant's id says it. */
const tenantParam = (tenantId: string) => sql`${tenantId}::uuid`;

const column = <T, K extends keyof T>(rows: T[], key: K) => sql.param(rows.map((row) => row[key]));

/**
 * Stores samples in one statement (one round trip): the quota, the series that are new (their ids
 * proposed here), and every point, upserted on (series, time). A series another request creates at the
 * same instant is not visible to this statement's snapshot, so its points are missing from `stored`; the
 * caller sends those again (`countQuota: false`).
 */
export function insertSamples(
  db: HttpDatabase,
  tenantId: string,
  samples: Sample[],
  quota: IngestQuota,
  options: { countQuota: boolean },
) {
  const tenant = tenantParam(tenantId);
  const { series, points } = seriesAndPoints(samples);
  const admission = options.countQuota
    ? quotaCte(tenant, "points", quota.pointsPerMinute, points.length)
    : sql`quota AS (SELECT 1)`;
  return db.execute<{ admitted: number; stored: number; expected: number }>(sql`
    WITH ${admission},
    input AS (
      SELECT * FROM unnest(${column(series, "id")}::uuid[], ${column(series, "name")}::text[],
        ${column(series, "labelsKey")}::text[], ${column(series, "kind")}::text[], ${column(series, "unit")}::text[])
        AS input(id, name, labels_key, kind, unit)
      WHERE EXISTS (SELECT FROM quota)
    ),
    created AS (
      INSERT INTO metric_series (id, tenant_id, name, labels, labels_key, kind, unit)
      SELECT id, ${tenant}, name, labels_key::jsonb, labels_key, kind, unit FROM input
      ON CONFLICT (tenant_id, name, labels_key) DO NOTHING
      RETURNING id
    ),
    resolved AS (
      SELECT input.id AS proposed, coalesce(created.id, existing.id) AS id
      FROM input
      LEFT JOIN created ON created.id = input.id
      LEFT JOIN metric_series existing
        ON existing.tenant_id = ${tenant} AND existing.name = input.name AND existing.labels_key = input.labels_key
    ),
    stored AS (
      INSERT INTO metric_points (tenant_id, series_id, time, value)
      SELECT ${tenant}, resolved.id, to_timestamp(point.time_ms / 1000.0), point.value
      FROM unnest(${column(points, "seriesId")}::uuid[], ${column(points, "timeMs")}::float8[],
        ${column(points, "value")}::float8[]) AS point(series, time_ms, value)
      JOIN resolved ON resolved.proposed = point.series AND resolved.id IS NOT NULL
      ON CONFLICT (series_id, time) DO UPDATE SET value = excluded.value
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM quota)::int AS admitted, (SELECT count(*) FROM stored)::int AS stored,
      ${points.length}::int AS expected`);
}

/** Stores log records in one statement, within the tenant's quota of log records per minute. */
export function insertLogEntries(
  db: HttpDatabase,
  tenantId: string,
  entries: LogEntry[],
  quota: IngestQuota,
) {
  const tenant = tenantParam(tenantId);
  const rows = entries.map((entry) => ({
    ...entry,
    id: uuidv7(),
    attributes: JSON.stringify(entry.attributes),
    resource: JSON.stringify(entry.resource),
  }));
  return db.execute<{ admitted: number; stored: number; expected: number }>(sql`
    WITH ${quotaCte(tenant, "log_records", quota.logRecordsPerMinute, rows.length)},
    stored AS (
      INSERT INTO log_records (id, tenant_id, time, observed_time, severity_number, severity_text, body,
        event_name, attributes, resource, trace_id, span_id)
      SELECT entry.id, ${tenant}, to_timestamp(entry.time_ms / 1000.0), to_timestamp(entry.observed_ms / 1000.0),
        entry.severity_number, entry.severity_text, entry.body, entry.event_name, entry.attributes::jsonb,
        entry.resource::jsonb, entry.trace_id, entry.span_id
      FROM unnest(${column(rows, "id")}::uuid[], ${column(rows, "timeMs")}::float8[],
        ${column(rows, "observedTimeMs")}::float8[], ${column(rows, "severityNumber")}::int2[],
        ${column(rows, "severityText")}::text[], ${column(rows, "body")}::text[], ${column(rows, "eventName")}::text[],
        ${column(rows, "attributes")}::text[], ${column(rows, "resource")}::text[], ${column(rows, "traceId")}::text[],
        ${column(rows, "spanId")}::text[])
        AS entry(id, time_ms, observed_ms, severity_number, severity_text, body, event_name, attributes, resource,
          trace_id, span_id)
      WHERE EXISTS (SELECT FROM quota)
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM quota)::int AS admitted, (SELECT count(*) FROM stored)::int AS stored,
      ${rows.length}::int AS expected`);
}

type Counts = { admitted: number; stored: number; expected: number };

function outcomeOf(counts: Counts | undefined, nowMs: number): IngestOutcome {
  if (!counts?.admitted) return { admitted: false, retryAfterSeconds: secondsToNextMinute(nowMs) };
  return { admitted: true, stored: counts.stored };
}

/** Stores samples within the tenant's quota; points of a series created concurrently are sent once more. */
export async function storeSamples(
  session: DatabaseSession,
  tenantId: string,
  samples: Sample[],
  quota: IngestQuota,
): Promise<IngestOutcome> {
  if (samples.length === 0) return { admitted: true, stored: 0 };
  const send = (countQuota: boolean) =>
    session.tenantQuery(tenantId, (db) => insertSamples(db, tenantId, samples, quota, { countQuota }));
  const [counts] = (await send(true)).rows;
  if (counts?.admitted && counts.stored < counts.expected) {
    const [again] = (await send(false)).rows;
    return outcomeOf(again, Date.now());
  }
  return outcomeOf(counts, Date.now());
}

/** Stores log records within the tenant's quota. */
export async function storeLogEntries(
  session: DatabaseSession,
  tenantId: string,
  entries: LogEntry[],
  quota: IngestQuota,
): Promise<IngestOutcome> {
  if (entries.length === 0) return { admitted: true, stored: 0 };
  const [counts] = (
    await session.tenantQuery(tenantId, (db) => insertLogEntries(db, tenantId, entries, quota))
  ).rows;
  return outcomeOf(counts, Date.now());
}
