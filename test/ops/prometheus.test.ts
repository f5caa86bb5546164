// A real Prometheus (Debian's package) scrapes `npm run dev`, and promtool lints what /metrics writes.
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { type DevServer, sparePort, startDevServer } from "../support/dev-server.ts";

const PROMETHEUS = process.env.PROMETHEUS_PATH ?? "/usr/bin/prometheus";
const PROMTOOL = process.env.PROMTOOL_PATH ?? "/usr/bin/promtool";

let server: DevServer;
before(async () => {
  server = await startDevServer();
  // Some traffic of each kind: liveness, readiness (a database round trip), a miss and an API call.
  for (const path of ["/health", "/ready", "/nowhere", "/api/v1", "/api/v1/health"])
    await fetch(`${server.base}${path}`);
});
after(() => server?.stop());

// promtool lints the text format 0.0.4; the OpenMetrics form is read by the Prometheus server below, whose
// scrapes ask for it first (Accept: application/openmetrics-text;version=1.0.0,…).
test("promtool check metrics finds nothing to fix in the text exposition", async () => {
  const response = await fetch(`${server.base}/metrics`);
  assert.equal(response.status, 200);
  const exposition = await response.text();
  assert.match(
    exposition,
    /borde_http_requests_total\{route="\/health",method="GET",status_class="2xx"\} [1-9]/,
  );
  const lint = spawnSync(PROMTOOL, ["check", "metrics"], { input: exposition, encoding: "utf8" });
  assert.equal(lint.status, 0, `${lint.stdout}${lint.stderr}`);
  assert.equal(`${lint.stdout}${lint.stderr}`.trim(), "");
});

type QueryResult = {
  status: string;
  data: { result: { metric: Record<string, string>; value: [number, string] }[] };
};

async function query(base: string, expression: string): Promise<QueryResult["data"]["result"]> {
  const response = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(expression)}`);
  const body = (await response.json()) as QueryResult;
  return body.status === "success" ? body.data.result : [];
}

async function eventually<T>(read: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("Prometheus never reported it");
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

test("a Prometheus server scrapes npm run dev: up is 1 and the request counter is above 0", {
  timeout: 120_000,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), "borde-prometheus-"));
  const port = await sparePort();
  writeFileSync(
    join(dir, "prometheus.yml"),
    [
      "global:",
      "  scrape_interval: 1s",
      "  scrape_timeout: 1s",
      "scrape_configs:",
      "  - job_name: borde",
      "    metrics_path: /metrics",
      "    static_configs:",
      `      - targets: ["127.0.0.1:${server.port}"]`,
      "",
    ].join("\n"),
  );
  const prometheus: ChildProcess = spawn(
    PROMETHEUS,
    [
      `--config.file=${join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: "ignore" },
  );
  const base = `http://127.0.0.1:${port}`;
  try {
    const up = await eventually(async () => (await query(base, 'up{job="borde"} == 1'))[0]);
    assert.equal(up.value[1], "1");
    const requests = await eventually(async () => {
      const [sum] = await query(base, 'sum(borde_http_requests_total{job="borde"})');
      return sum && Number(sum.value[1]) > 0 ? sum : undefined;
    });
    assert.ok(Number(requests.value[1]) >= 5);
    // A histogram Prometheus can compute with, and a gauge read from the database.
    assert.ok(
      (await query(base, 'borde_http_request_duration_seconds_bucket{route="/health",le="+Inf"}')).length > 0,
    );
    assert.ok((await query(base, 'borde_audits{status="queued"}')).length > 0);
  } finally {
    const exited = new Promise((resolve) => prometheus.once("exit", resolve));
    prometheus.kill("SIGTERM");
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
});
