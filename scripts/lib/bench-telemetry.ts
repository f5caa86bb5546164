// The telemetry figure for `npm run bench`: metric points ingested per second through OTLP/HTTP JSON, in
// exports of 1,000 points each (200 series of a collector's scrape, five points each), sent by a few
// concurrent exporters with an API key, every point checked as accepted. The target is 10,000/s.
import { okJson, registerBenchTenant } from "./bench-tenant.ts";

const SERIES_PER_EXPORT = 200;
const POINTS_PER_SERIES = 5;
export const POINTS_PER_EXPORT = SERIES_PER_EXPORT * POINTS_PER_SERIES;

const text = (key: string, value: string) => ({ key, value: { stringValue: value } });

/** One OTLP/JSON metrics export: gauges of 200 series (40 hosts × 5 metrics), five points each from `startMs`. */
export function otlpExport(startMs: number): string {
  const metrics = ["cpu", "memory", "disk", "net_in", "net_out"].map((name) => ({
    name: `node_${name}`,
    unit: "1",
    gauge: {
      dataPoints: Array.from({ length: SERIES_PER_EXPORT / 5 }, (_, host) =>
        Array.from({ length: POINTS_PER_SERIES }, (_, step) => ({
          attributes: [text("host", `host-${host}`), text("region", host % 2 ? "eu" : "us")],
          timeUnixNano: `${BigInt(startMs + step * 1000) * 1_000_000n}`,
          asDouble: (host * 7 + step) / 3,
        })),
      ).flat(),
    },
  }));
  return JSON.stringify({
    resourceMetrics: [
      {
        resource: { attributes: [text("service.name", "bench")] },
        scopeMetrics: [{ scope: { name: "bench" }, metrics }],
      },
    ],
  });
}

type ExportAnswer = { partialSuccess?: { rejectedDataPoints?: string | number } };

/**
 * Sends `exports` exports over `concurrency` connections (after a warm-up of a few), each with its own
 * time range so no point repeats, and reports the points stored per second over the whole run.
 */
export async function benchTelemetryIngest(
  workerUrl: string,
  { exports = 100, concurrency = 4 }: { exports?: number; concurrency?: number } = {},
) {
  const accessToken = await registerBenchTenant(workerUrl, "bench-telemetry");
  const { key } = await okJson<{ key: string }>(
    await fetch(`${workerUrl}/api/v1/api-keys`, {
      method: "POST",
      headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "bench exporter", scopes: ["telemetry:write"] }),
    }),
  );
  // Five seconds of points per export, each export its own five seconds, all within the last day.
  const base = Date.now() - 24 * 60 * 60 * 1000;
  const bodies = Array.from({ length: exports + concurrency }, (_, index) => otlpExport(base + index * 5000));
  let rejected = 0;
  const send = async (body: string) => {
    const answer = await okJson<ExportAnswer>(
      await fetch(`${workerUrl}/api/v1/telemetry/otlp/v1/metrics`, {
        method: "POST",
        headers: { "x-api-key": key, "content-type": "application/json" },
        body,
      }),
    );
    rejected += Number(answer.partialSuccess?.rejectedDataPoints ?? 0);
  };
  // Warm-up: the first export of each connection makes the series; the measured ones find them.
  await Promise.all(bodies.splice(0, concurrency).map(send));
  const started = performance.now();
  const latencies: number[] = [];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let body = bodies.shift(); body !== undefined; body = bodies.shift()) {
        const sent = performance.now();
        await send(body);
        latencies.push(performance.now() - sent);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    note: "OTLP/HTTP JSON metrics exports of 1,000 points (200 series × 5) through wrangler dev into the bench database",
    exports,
    points_per_export: POINTS_PER_EXPORT,
    concurrency,
    points_per_second: Math.round((exports * POINTS_PER_EXPORT) / seconds),
    export_p50_ms: Math.round(latencies[Math.floor(latencies.length / 2)] ?? 0),
    export_p99_ms: Math.round(latencies[Math.floor(latencies.length * 0.99)] ?? 0),
    rejected_points: rejected,
    target_points_per_second: 10_000,
  };
}
