import { SELF } from "cloudflare:test";
import { eq, sql } from "drizzle-orm";
import { logRecords, metricPoints, metricSeries } from "../../../workers/telemetry/tables.ts";
import { withTestDatabase } from "./database.ts";
import { BASE, randomIp } from "./identity.ts";

export const nanos = (ms: number) => `${BigInt(ms) * 1_000_000n}`;

/** An OTLP/JSON attribute list from a plain object of strings. */
export const attributes = (labels: Record<string, string>) =>
  Object.entries(labels).map(([key, value]) => ({ key, value: { stringValue: value } }));

/** An OTLP/JSON metrics export of the given metrics under one resource. */
export const metricsExport = (
  metrics: unknown[],
  resource: Record<string, string> = { "service.name": "shop" },
) => ({
  resourceMetrics: [
    { resource: { attributes: attributes(resource) }, scopeMetrics: [{ scope: { name: "test" }, metrics }] },
  ],
});

/** A gauge with one point per [time ms, value] pair, all with `labels`. */
export const gauge = (name: string, labels: Record<string, string>, samples: [number, number][]) => ({
  name,
  unit: "1",
  gauge: {
    dataPoints: samples.map(([time, value]) => ({
      attributes: attributes(labels),
      timeUnixNano: nanos(time),
      asDouble: value,
    })),
  },
});

/** POSTs bytes or JSON to an OTLP route with an API key. */
export function sendOtlp(
  apiKey: string,
  signal: "metrics" | "logs",
  body: BodyInit,
  headers: Record<string, string> = { "content-type": "application/json" },
) {
  return SELF.fetch(`${BASE}/api/v1/telemetry/otlp/v1/${signal}`, {
    method: "POST",
    headers: { "x-api-key": apiKey, "cf-connecting-ip": randomIp(), ...headers },
    body,
  });
}

/** The tenant's stored points, as name, labels, time (ms) and value, in series name and time order. */
export const storedPoints = (tenantId: string) =>
  withTestDatabase((db) =>
    db
      .select({
        name: metricSeries.name,
        labels: metricSeries.labels,
        kind: metricSeries.kind,
        time: sql<number>`(extract(epoch from ${metricPoints.time}) * 1000)::float8`,
        value: metricPoints.value,
      })
      .from(metricPoints)
      .innerJoin(metricSeries, eq(metricSeries.id, metricPoints.seriesId))
      .where(eq(metricPoints.tenantId, tenantId))
      .orderBy(metricSeries.name, metricSeries.labelsKey, metricPoints.time),
  );

export const storedLogs = (tenantId: string) =>
  withTestDatabase((db) =>
    db
      .select()
      .from(logRecords)
      .where(eq(logRecords.tenantId, tenantId))
      .orderBy(logRecords.time, logRecords.id),
  );

/** Gzips bytes as an exporter with `compression: gzip` would. */
export async function gzip(text: string): Promise<Uint8Array> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
