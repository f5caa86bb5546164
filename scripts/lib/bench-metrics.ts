// The metrics part of `npm run bench`: /health throughput of the same Worker with metrics recorded (and
// flushed to the MetricsStore objects) and with METRICS_ENABLED=false, measured in interleaved rounds
// so a noisy machine slows both alike.
import autocannon from "autocannon";

export type MetricsCost = {
  note: string;
  health_rps_metrics_on: number;
  health_rps_metrics_off: number;
  /** on ÷ off: 1 means recording costs nothing measurable; the issue allows at most 5% apart. */
  on_relative_to_off: number;
  rounds: number;
};

async function healthRps(url: string, seconds: number, connections: number): Promise<number> {
  const result = await autocannon({ url: `${url}/health`, connections, duration: seconds });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${url}/health: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.average;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

export async function benchMetricsCost(
  metricsOnUrl: string,
  metricsOffUrl: string,
  options: { seconds: number; rounds: number; connections: number },
): Promise<MetricsCost> {
  const { seconds, rounds, connections } = options;
  for (const url of [metricsOnUrl, metricsOffUrl]) await healthRps(url, 1, connections); // warm-up
  const on: number[] = [];
  const off: number[] = [];
  for (let round = 0; round < rounds; round++) {
    // Alternating which goes first, so neither always runs on a machine still busy with the other.
    const order = round % 2 === 0 ? ([on, off] as const) : ([off, on] as const);
    for (const samples of order)
      samples.push(await healthRps(samples === on ? metricsOnUrl : metricsOffUrl, seconds, connections));
  }
  const onRps = median(on);
  const offRps = median(off);
  return {
    note: "GET /health, the same Worker and database, METRICS_ENABLED true vs false, medians of interleaved rounds",
    health_rps_metrics_on: Math.round(onRps),
    health_rps_metrics_off: Math.round(offRps),
    on_relative_to_off: Math.round((onRps / offRps) * 1000) / 1000,
    rounds,
  };
}
