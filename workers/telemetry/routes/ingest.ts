import type { Context } from "hono";
import { areaAccess, principalOf } from "../../access/authorize.ts";
import type { AppEnv } from "../../http/app-env.ts";
import { jsonBody, jsonResponse } from "../../http/openapi.ts";
import { HttpProblem } from "../../http/problem.ts";
import { RouteGroup } from "../../http/route-kit.ts";
import {
  ExportLogsResponseSchema,
  ExportMetricsResponseSchema,
  otlpBody,
  otlpResponse as otlpResponseDoc,
  TelemetryBatchResultSchema,
  TelemetryBatchSchema,
} from "../api-schemas.ts";
import { readEvents } from "../events.ts";
import { type IngestOutcome, type IngestQuota, storeLogEntries, storeSamples } from "../ingest.ts";
import { entriesOfLogs, samplesOfMetrics } from "../otlp.ts";
import { otlpResponse, readOtlpBody } from "../otlp-body.ts";
import { decodeLogsRequest, decodeMetricsRequest } from "../protobuf.ts";
import {
  ExportLogsRequestSchema,
  ExportMetricsRequestSchema,
  logsResponse,
  metricsResponse,
} from "../wire.ts";

const { write: WRITE } = areaAccess("telemetry");

const routes = new RouteGroup("Telemetry", { module: "telemetry" });

const quotaOf = (c: Context<AppEnv>): IngestQuota => c.get("config").telemetry;

/** The caller's tenant and database session, for the ingest functions. */
const target = (c: Context<AppEnv>) => ({ session: c.get("database"), tenantId: principalOf(c).tenantId });

/** A refused batch is a 429 with Retry-After: OTLP exporters (and the source system) retry after it. */
function refuseOverQuota(
  outcome: IngestOutcome,
  what: string,
): asserts outcome is IngestOutcome & { admitted: true } {
  if (outcome.admitted) return;
  throw new HttpProblem("ingest-quota-exceeded", `This batch would exceed the tenant's ${what} per minute.`, {
    headers: { "Retry-After": String(outcome.retryAfterSeconds) },
  });
}

routes.add(
  {
    method: "post",
    path: "/api/v1/telemetry/otlp/v1/metrics",
    operationId: "exportOtlpMetrics",
    summary: "OTLP/HTTP metrics export (protobuf or JSON): gauges, sums, histograms and summaries",
    description:
      "Point an OpenTelemetry SDK or collector's OTLP/HTTP metrics exporter here with an API key (`x-api-key`) scoped `telemetry:write`. A point's labels are its resource's attributes and its own. Points that cannot be stored (exponential histograms, no time, names or labels too long) are counted in `partialSuccess`; the rest are stored.",
    access: WRITE,
    request: { body: otlpBody("ExportMetricsServiceRequest") },
    responses: { 200: otlpResponseDoc(ExportMetricsResponseSchema, "ExportMetricsServiceResponse") },
    problems: [503],
  },
  async (c) => {
    const { encoding, message } = await readOtlpBody(c, ExportMetricsRequestSchema, decodeMetricsRequest);
    const { samples, rejections } = samplesOfMetrics(message, Date.now());
    const { session, tenantId } = target(c);
    refuseOverQuota(await storeSamples(session, tenantId, samples, quotaOf(c)), "metric points");
    return otlpResponse(
      c,
      encoding,
      metricsResponse(rejections.count, rejections.message),
      rejections.count,
      rejections.message,
    );
  },
);

routes.add(
  {
    method: "post",
    path: "/api/v1/telemetry/otlp/v1/logs",
    operationId: "exportOtlpLogs",
    summary: "OTLP/HTTP logs export (protobuf or JSON)",
    description:
      "Point an OpenTelemetry SDK or collector's OTLP/HTTP logs exporter here with an API key scoped `telemetry:write`. Trace and span ids are hex; records with malformed ids are counted in `partialSuccess`.",
    access: WRITE,
    request: { body: otlpBody("ExportLogsServiceRequest") },
    responses: { 200: otlpResponseDoc(ExportLogsResponseSchema, "ExportLogsServiceResponse") },
    problems: [503],
  },
  async (c) => {
    const { encoding, message } = await readOtlpBody(c, ExportLogsRequestSchema, decodeLogsRequest);
    const { entries, rejections } = entriesOfLogs(message, Date.now());
    const { session, tenantId } = target(c);
    refuseOverQuota(await storeLogEntries(session, tenantId, entries, quotaOf(c)), "log records");
    return otlpResponse(
      c,
      encoding,
      logsResponse(rejections.count, rejections.message),
      rejections.count,
      rejections.message,
    );
  },
);

routes.add(
  {
    method: "post",
    path: "/api/v1/telemetry",
    operationId: "ingestTelemetry",
    summary: "Send metric points, log lines and events in the source system's form (up to 5,000 per call)",
    description:
      "Each row is checked on its own: valid rows are stored, the others listed in `errors` by index. Past the tenant's quota the call is a 429 with Retry-After; log rows are stored before metric rows, so a 429 for points may follow stored log rows.",
    access: WRITE,
    request: { body: jsonBody(TelemetryBatchSchema) },
    responses: { 200: jsonResponse(TelemetryBatchResultSchema, "What was stored and what was refused") },
    problems: [503],
  },
  async (c) => {
    const { events } = c.req.valid("json");
    const { samples, entries, errors } = readEvents(events, Date.now());
    const { session, tenantId } = target(c);
    const logs = await storeLogEntries(session, tenantId, entries, quotaOf(c));
    refuseOverQuota(logs, "log records");
    const points = await storeSamples(session, tenantId, samples, quotaOf(c));
    refuseOverQuota(points, "metric points");
    return c.json(
      {
        accepted: { points: samples.length, log_records: entries.length },
        rejected: new Set(errors.map((error) => error.index)).size,
        errors,
      },
      200,
    );
  },
);

export const registerTelemetryIngestRoutes = routes.register;
