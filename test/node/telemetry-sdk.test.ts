// The real OpenTelemetry JS SDK's OTLP/HTTP exporters, JSON and protobuf, sending metrics and logs to the
// Worker under wrangler dev with an API key, unchanged: the exporters stream their bodies (no
// Content-Length) and read the answer in the encoding they sent.
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SeverityNumber } from "@opentelemetry/api-logs";
import { OTLPLogExporter as JsonLogExporter } from "@opentelemetry/exporter-logs-otlp-http";
import { OTLPLogExporter as ProtoLogExporter } from "@opentelemetry/exporter-logs-otlp-proto";
import { OTLPMetricExporter as JsonMetricExporter } from "@opentelemetry/exporter-metrics-otlp-http";
import { OTLPMetricExporter as ProtoMetricExporter } from "@opentelemetry/exporter-metrics-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { LoggerProvider, SimpleLogRecordProcessor } from "@opentelemetry/sdk-logs";
import {
  MeterProvider,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
} from "@opentelemetry/sdk-metrics";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type LocalDatabase,
  startLocalDatabase,
  startWranglerDev,
  type WranglerDev,
} from "../../scripts/lib/local-stack.ts";
import { withClient } from "../../scripts/lib/migrate.ts";
import { newSigningKey } from "../../scripts/lib/signing-keys.ts";

async function sparePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === "string") throw new Error("no port");
  return address.port;
}

let database: LocalDatabase;
let worker: WranglerDev;
let persist: string;
let tenantId: string;
let apiKey: string;

async function post<T>(path: string, body: unknown, token?: string): Promise<T> {
  const response = await fetch(`${worker.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

beforeAll(async () => {
  database = await startLocalDatabase({});
  persist = mkdtempSync(join(tmpdir(), "borde-otel-"));
  worker = await startWranglerDev({
    port: await sparePort(),
    quiet: true,
    persistTo: persist,
    vars: {
      ENVIRONMENT: "development",
      DATABASE_URL: database.databaseUrl,
      LOCAL_DB_RELAY: database.relayAddress,
      JWT_SIGNING_KEYS: JSON.stringify([await newSigningKey()]),
    },
  });
  const session = await post<{ tenant: { id: string }; access_token: string }>("/api/v1/auth/register", {
    email: "otel@example.com",
    password: "otel-password-long",
    name: "Otel",
    tenant_name: "Otel",
    tenant_slug: "otel",
  });
  tenantId = session.tenant.id;
  const key = await post<{ key: string }>(
    "/api/v1/api-keys",
    { name: "collector", scopes: ["telemetry:write"] },
    session.access_token,
  );
  apiKey = key.key;
}, 180_000);

afterAll(async () => {
  await worker?.stop();
  await database?.stop();
  rmSync(persist, { recursive: true, force: true });
});

const resource = (encoding: string) => resourceFromAttributes({ "service.name": `sdk-${encoding}` });

async function exportMetrics(encoding: string, exporter: PushMetricExporter) {
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({ resource: resource(encoding), readers: [reader] });
  const meter = provider.getMeter("borde-test");
  meter.createCounter("orders").add(3, { shop: "a" });
  meter.createUpDownCounter("queue_depth").add(-2);
  meter.createHistogram("latency", { advice: { explicitBucketBoundaries: [0.1, 1] } }).record(0.5);
  meter.createGauge("temperature").record(21.5, { room: "b" });
  // Shutting down collects and exports once more (a flush before it would export everything twice).
  await provider.shutdown();
}

async function exportLogs(encoding: string, exporter: JsonLogExporter | ProtoLogExporter) {
  const provider = new LoggerProvider({
    resource: resource(encoding),
    processors: [new SimpleLogRecordProcessor({ exporter })],
  });
  provider.getLogger("borde-test").emit({
    severityNumber: SeverityNumber.ERROR,
    severityText: "ERROR",
    body: `payment failed (${encoding})`,
    attributes: { order: 42 },
  });
  await provider.shutdown();
}

const storedSeries = (service: string) =>
  withClient(database.databaseUrl, async (client) => {
    const result = await client.query<{ name: string; kind: string; value: number }>(
      `select s.name || coalesce('{le=' || (s.labels->>'le') || '}', '') as name, s.kind, p.value from metric_series s join metric_points p on p.series_id = s.id
       where s.tenant_id = $1 and s.labels->>'service.name' = $2 order by s.name, s.labels_key`,
      [tenantId, service],
    );
    return result.rows.map((row) => `${row.name} ${row.kind} ${row.value}`);
  });

const storedLogBodies = (service: string) =>
  withClient(database.databaseUrl, async (client) => {
    const result = await client.query<{ body: string; severity_number: number; attributes: unknown }>(
      "select body, severity_number, attributes from log_records where tenant_id = $1 and resource->>'service.name' = $2",
      [tenantId, service],
    );
    return result.rows;
  });

const EXPECTED_SERIES = [
  "latency_bucket{le=+Inf} counter 1",
  "latency_bucket{le=0.1} counter 0",
  "latency_bucket{le=1} counter 1",
  "latency_count counter 1",
  "latency_sum counter 0.5",
  "orders counter 3",
  "queue_depth gauge -2",
  "temperature gauge 21.5",
];

describe("OpenTelemetry SDK exporters against the Worker", () => {
  for (const [encoding, Exporter] of [
    ["json", JsonMetricExporter],
    ["protobuf", ProtoMetricExporter],
  ] as const) {
    it(`stores what the ${encoding} metrics exporter sends`, async () => {
      await exportMetrics(
        encoding,
        new Exporter({
          url: `${worker.url}/api/v1/telemetry/otlp/v1/metrics`,
          headers: { "x-api-key": apiKey },
        }),
      );
      expect(await storedSeries(`sdk-${encoding}`)).toEqual(EXPECTED_SERIES);
    });
  }

  for (const [encoding, Exporter] of [
    ["json", JsonLogExporter],
    ["protobuf", ProtoLogExporter],
  ] as const) {
    it(`stores what the ${encoding} logs exporter sends`, async () => {
      await exportLogs(
        encoding,
        new Exporter({
          url: `${worker.url}/api/v1/telemetry/otlp/v1/logs`,
          headers: { "x-api-key": apiKey },
        }),
      );
      expect(await storedLogBodies(`sdk-${encoding}`)).toEqual([
        {
          body: `payment failed (${encoding})`,
          severity_number: SeverityNumber.ERROR,
          attributes: { order: 42 },
        },
      ]);
    });
  }
});
