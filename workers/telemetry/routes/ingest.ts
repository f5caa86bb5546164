import type { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { areaAccess, principalOf } from "../../access/authorize.ts";
import type { DatabaseSession } from "../../db/client.ts";
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

/**
 * `POST /api/v1/telemetry/otlp/v1/<signal>`: an OTLP/HTTP export, answered in the encoding it came in, with
 * the items that could not be stored counted in `partialSuccess`.
 */
function otlpExport<S extends z.ZodType, Item>(
  route: { signal: "metrics" | "logs"; operationId: string; summary: string; description: string },
  wire: {
    /** The OTLP service's name, e.g. "Metrics" for ExportMetricsServiceRequest and its response. */
    service: string;
    request: S;
    decode: (bytes: Uint8Array) => unknown;
    responseSchema: z.ZodType;
    response: (rejected: number, message: string) => Record<string, unknown>;
  },
  store: {
    read: (
      message: z.output<S>,
      nowMs: number,
    ) => { items: Item[]; rejections: { count: number; message: string } };
    write: (
      session: DatabaseSession,
      tenantId: string,
      items: Item[],
      quota: IngestQuota,
    ) => Promise<IngestOutcome>;
    /** What a refused batch would exceed, e.g. "metric points". */
    what: string;
  },
) {
  const { signal, ...operation } = route;
  routes.add(
    {
      ...operation,
      method: "post",
      path: `/api/v1/telemetry/otlp/v1/${signal}`,
      access: WRITE,
      request: { body: otlpBody(`Export${wire.service}ServiceRequest`) },
      responses: { 200: otlpResponseDoc(wire.responseSchema, `Export${wire.service}ServiceResponse`) },
      problems: [503],
    },
    async (c) => {
      const { encoding, message } = await readOtlpBody(c, wire.request, wire.decode);
      const { items, rejections } = store.read(message, Date.now());
      const { session, tenantId } = target(c);
      refuseOverQuota(await store.write(session, tenantId, items, quotaOf(c)), store.what);
      const { count, message: reason } = rejections;
      return otlpResponse(c, encoding, wire.response(count, reason), count, reason);
    },
  );
}

otlpExport(
  {
    signal: "metrics",
    operationId: "exportOtlpMetrics",
    summary: "OTLP/HTTP metrics export (protobuf or JSON): gauges, sums, histograms and summaries",
    description:
      "Point an OpenTelemetry SDK or collector's OTLP/HTTP metrics exporter here with an API key (`x-api-key`) scoped `telemetry:write`. A point's labels are its resource's attributes and its own. Points that cannot be stored (exponential histograms, no time, names or labels too long) are counted in `partialSuccess`; the rest are stored.",
  },
  {
    service: "Metrics",
    request: ExportMetricsRequestSchema,
    decode: decodeMetricsRequest,
    responseSchema: ExportMetricsResponseSchema,
    response: metricsResponse,
  },
  {
    read: (message, nowMs) => {
      const { samples, rejections } = samplesOfMetrics(message, nowMs);
      return { items: samples, rejections };
    },
    write: storeSamples,
    what: "metric points",
  },
);

otlpExport(
  {
    signal: "logs",
    operationId: "exportOtlpLogs",
    summary: "OTLP/HTTP logs export (protobuf or JSON)",
    description:
      "Point an OpenTelemetry SDK or collector's OTLP/HTTP logs exporter here with an API key scoped `telemetry:write`. Trace and span ids are hex; records with malformed ids are counted in `partialSuccess`.",
  },
  {
    service: "Logs",
    request: ExportLogsRequestSchema,
    decode: decodeLogsRequest,
    responseSchema: ExportLogsResponseSchema,
    response: logsResponse,
  },
  {
    read: (message, nowMs) => {
      const { entries, rejections } = entriesOfLogs(message, nowMs);
      return { items: entries, rejections };
    },
    write: storeLogEntries,
    what: "log records",
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
