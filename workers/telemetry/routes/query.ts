import { areaAccess } from "../../access/authorize.ts";
import { jsonResponse } from "../../http/openapi.ts";
import { pageSchema, toPage } from "../../http/pagination.ts";
import { HttpProblem } from "../../http/problem.ts";
import { RouteGroup, tenantRead } from "../../http/route-kit.ts";
import { bucketize } from "../aggregate.ts";
import {
  encodeLogCursor,
  LogQuerySchema,
  LogRecordSchema,
  MetricQueryResultSchema,
  MetricQuerySchema,
  renderLogRecord,
  renderSeries,
  SEVERITY_NUMBERS,
  SeriesQuerySchema,
  SeriesSchema,
} from "../api-schemas.ts";
import { listLogs, listSeries, seriesPoints } from "../queries.ts";

const { read: READ } = areaAccess("telemetry");

/** A query reads at most this many points; past it the caller narrows the selector or the range. */
const MAX_QUERY_POINTS = 200_000;
const HOUR_MS = 60 * 60 * 1000;

const routes = new RouteGroup("Telemetry", { module: "telemetry" });

routes.add(
  {
    method: "get",
    path: "/api/v1/telemetry/series",
    operationId: "listMetricSeries",
    summary: "The tenant's metric series (names and label sets), optionally matching a selector",
    access: READ,
    query: SeriesQuerySchema,
    responses: { 200: jsonResponse(pageSchema(SeriesSchema, "MetricSeriesPage"), "A page of series") },
  },
  async (c, { query }) => {
    const rows = await tenantRead(c, (db, tenantId) =>
      listSeries(db, tenantId, query.selector ?? null, query),
    );
    return c.json(toPage(rows, query, renderSeries), 200);
  },
);

const finiteOrNull = (value: number) => (Number.isFinite(value) ? value : null);

routes.add(
  {
    method: "get",
    path: "/api/v1/telemetry/query",
    operationId: "queryMetrics",
    summary: "A metric's series, each aggregated per step over a range",
    description: `Reads at most ${MAX_QUERY_POINTS} points; a wider query is refused with 400 (narrow the selector or the range).`,
    access: READ,
    query: MetricQuerySchema,
    responses: { 200: jsonResponse(MetricQueryResultSchema, "Buckets per series; empty steps are left out") },
  },
  async (c, { query }) => {
    const range = { startMs: query.start, endMs: query.end, stepMs: query.step * 1000 };
    const series = await tenantRead(c, (db, tenantId) =>
      seriesPoints(db, tenantId, query.selector, range, MAX_QUERY_POINTS),
    );
    if (!series)
      throw new HttpProblem(
        "validation-error",
        `The query would read more than ${MAX_QUERY_POINTS} points.`,
        {
          errors: [{ path: "query.selector", message: "matches too many points; narrow it or the range" }],
        },
      );
    return c.json(
      {
        aggregation: query.aggregation,
        step: query.step,
        series: series.map((entry) => ({
          id: entry.id,
          name: entry.name,
          labels: entry.labels,
          buckets: bucketize(entry.points, entry.kind, range, query.aggregation).map((bucket) => ({
            time: new Date(bucket.t).toISOString(),
            value: finiteOrNull(bucket.v),
          })),
        })),
      },
      200,
    );
  },
);

routes.add(
  {
    method: "get",
    path: "/api/v1/telemetry/logs",
    operationId: "listLogRecords",
    summary: "The tenant's log records and events, newest first, by range, severity, text and attribute",
    access: READ,
    query: LogQuerySchema,
    responses: {
      200: jsonResponse(pageSchema(LogRecordSchema, "LogRecordPage"), "A page of log records, newest first"),
    },
  },
  async (c, { query }) => {
    const endMs = query.end ?? Date.now();
    const rows = await tenantRead(c, (db, tenantId) =>
      listLogs(db, tenantId, {
        startMs: query.start ?? endMs - HOUR_MS,
        endMs,
        minSeverity: query.severity ? SEVERITY_NUMBERS[query.severity] : 0,
        text: query.text,
        attribute: query.attribute,
        limit: query.limit,
        after: query.cursor,
      }),
    );
    const more = rows.length > query.limit;
    const shown = more ? rows.slice(0, query.limit) : rows;
    const last = shown[shown.length - 1];
    return c.json(
      { data: shown.map(renderLogRecord), next_cursor: more && last ? encodeLogCursor(last) : null },
      200,
    );
  },
);

export const registerTelemetryQueryRoutes = routes.register;
