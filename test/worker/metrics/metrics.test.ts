import {
  createExecutionContext,
  createMessageBatch,
  env,
  SELF,
  waitOnExecutionContext,
} from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Env } from "../../../workers/config/env.ts";
import worker from "../../../workers/index.ts";
import { Logger } from "../../../workers/lib/log.ts";
import { METRICS_SHARDS, MetricsFlusher } from "../../../workers/observability/flush.ts";
import { measuredFetch } from "../../../workers/observability/outbound.ts";
import { MetricsRecorder } from "../../../workers/observability/recorder.ts";
import { parseExposition } from "../../support/exposition.ts";
import { BASE, randomIp } from "../support/identity.ts";

const HEALTH_OK = 'borde_http_requests_total{route="/api/v1/health",method="GET",status_class="2xx"}';

async function scrape(headers: Record<string, string> = {}): Promise<Map<string, number>> {
  const response = await SELF.fetch(`${BASE}/metrics`, { headers });
  expect(response.status).toBe(200);
  return parseExposition(await response.text());
}

async function callWith(bindings: Partial<Env>, path: string, headers: Record<string, string> = {}) {
  const ctx = createExecutionContext();
  const response = await worker.fetch(
    new Request(`${BASE}${path}`, { headers }),
    { ...env, ...bindings },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return response;
}

describe("GET /metrics", () => {
  it("counts every request exactly, whichever isolate served it and however their flushes interleave", async () => {
    const before = (await scrape()).get(HEALTH_OK) ?? 0;
    // Other isolates: each records on its own and flushes to its own shard, several times, all at once.
    const isolates = Array.from(
      { length: 8 },
      (_, index) => new MetricsFlusher(new MetricsRecorder(), index % METRICS_SHARDS),
    );
    const servedElsewhere = isolates.map(async (isolate) => {
      for (let flush = 0; flush < 5; flush++) {
        for (let request = 0; request < 10; request++)
          isolate.recorder.add("borde_http_requests_total", {
            route: "/api/v1/health",
            method: "GET",
            status_class: "2xx",
          });
        await isolate.flush(env, new Logger());
      }
    });
    const servedHere = Array.from({ length: 120 }, () =>
      SELF.fetch(`${BASE}/api/v1/health`, { headers: { "cf-connecting-ip": randomIp() } }),
    );
    const responses = await Promise.all(servedHere);
    await Promise.all(servedElsewhere);
    expect(responses.every((response) => response.status === 200)).toBe(true);
    const after = (await scrape()).get(HEALTH_OK);
    expect(after).toBe(before + 120 + 8 * 5 * 10);
  });

  it("labels series by route template, never by the raw path", async () => {
    const id = crypto.randomUUID();
    const headers = { "cf-connecting-ip": randomIp() };
    expect((await SELF.fetch(`${BASE}/api/v1/projects/${id}`, { headers })).status).toBe(401);
    const response = await SELF.fetch(`${BASE}/metrics`);
    const text = await response.text();
    expect(text).not.toContain(id);
    expect(
      parseExposition(text).get(
        'borde_http_requests_total{route="/api/v1/projects/:id",method="GET",status_class="4xx"}',
      ),
    ).toBeGreaterThan(0);
  });

  it("counts rate-limit decisions by bucket kind and outcome", async () => {
    const key = 'borde_rate_limit_decisions_total{bucket="anonymous",outcome="allowed"}';
    const before = (await scrape()).get(key) ?? 0;
    const headers = { "cf-connecting-ip": randomIp() };
    expect((await SELF.fetch(`${BASE}/api/v1`, { headers })).status).toBe(200);
    expect((await scrape()).get(key)).toBe(before + 1);
  });

  it("counts jobs by type and outcome", async () => {
    const key = 'borde_jobs_total{type="unknown",outcome="rejected"}';
    const before = (await scrape()).get(key) ?? 0;
    const batch = createMessageBatch("borde-jobs", [
      { id: crypto.randomUUID(), body: { type: "no.such.job" }, timestamp: new Date(), attempts: 1 },
    ]);
    await worker.queue(batch, env);
    expect((await scrape()).get(key)).toBe(before + 1);
  });

  it("counts calls to outside services by outcome, with their latency", async () => {
    const before = await scrape();
    const serpapi = measuredFetch("serpapi");
    await (await serpapi(`${env.OPENAI_BASE_URL}/no-such-endpoint`)).body?.cancel();
    await expect(serpapi(`${env.OPENAI_BASE_URL}/models`, { signal: AbortSignal.abort() })).rejects.toThrow();
    const after = await scrape();
    const delta = (key: string) => (after.get(key) ?? 0) - (before.get(key) ?? 0);
    const answered =
      delta('borde_outbound_requests_total{service="serpapi",outcome="ok"}') +
      delta('borde_outbound_requests_total{service="serpapi",outcome="error_status"}');
    expect(answered).toBe(1);
    expect(delta('borde_outbound_requests_total{service="serpapi",outcome="failed"}')).toBe(1);
    expect(delta('borde_outbound_request_duration_seconds_count{service="serpapi"}')).toBe(2);
  });

  it("writes duration and database round-trip histograms per route", async () => {
    const before = await scrape();
    expect((await SELF.fetch(`${BASE}/ready`)).status).toBe(200);
    const after = await scrape();
    const delta = (key: string) => (after.get(key) ?? 0) - (before.get(key) ?? 0);
    expect(delta('borde_http_request_duration_seconds_count{route="/ready"}')).toBe(1);
    expect(delta('borde_http_request_duration_seconds_bucket{route="/ready",le="+Inf"}')).toBe(1);
    // The readiness check is one query.
    expect(delta('borde_http_request_database_round_trips_sum{route="/ready"}')).toBe(1);
    expect(delta('borde_http_request_database_round_trips_bucket{route="/ready",le="1.0"}')).toBe(1);
    expect(delta('borde_http_request_database_round_trips_bucket{route="/ready",le="0.0"}')).toBe(0);
  });

  it("reads the gauges from the database at scrape time", async () => {
    const samples = await scrape();
    for (const status of ["queued", "running", "completed", "failed"])
      expect(samples.get(`borde_audits{status="${status}"}`)).toBeGreaterThanOrEqual(0);
    expect(samples.get("borde_audits_queued_too_long")).toBeGreaterThanOrEqual(0);
    for (const channel of ["webchat", "whatsapp", "voice"])
      expect(samples.get(`borde_conversations_open{channel="${channel}"}`)).toBeGreaterThanOrEqual(0);
    for (const state of ["created", "validating", "validated", "promoted", "failed", "cancelled"])
      expect(samples.get(`borde_import_batches{state="${state}"}`)).toBeGreaterThanOrEqual(0);
    for (const state of ["pending", "firing"])
      expect(samples.get(`borde_alerts{state="${state}"}`)).toBeGreaterThanOrEqual(0);
  });

  it("answers Prometheus text 0.0.4 by default and OpenMetrics when Accept asks for it", async () => {
    const text = await SELF.fetch(`${BASE}/metrics`);
    expect(text.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const body = await text.text();
    expect(body).toContain("# TYPE borde_http_requests_total counter");
    expect(body).not.toContain("# EOF");

    const open = await SELF.fetch(`${BASE}/metrics`, {
      headers: { accept: "application/openmetrics-text; version=1.0.0,text/plain;version=0.0.4;q=0.5" },
    });
    expect(open.headers.get("content-type")).toBe(
      "application/openmetrics-text; version=1.0.0; charset=utf-8",
    );
    const openBody = await open.text();
    expect(openBody).toContain("# TYPE borde_http_requests counter");
    expect(openBody).toMatch(/\nborde_http_requests_total\{/);
    expect(openBody.endsWith("# EOF\n")).toBe(true);
  });

  it("does not exist in production without METRICS_TOKEN", async () => {
    const response = await callWith({ ENVIRONMENT: "production" }, "/metrics");
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
  });

  it("needs the bearer token when METRICS_TOKEN is set", async () => {
    const token = "scrape-token-0123456789";
    const bindings = { ENVIRONMENT: "production", METRICS_TOKEN: token };
    expect((await callWith(bindings, "/metrics")).status).toBe(401);
    expect(
      (await callWith(bindings, "/metrics", { authorization: "Bearer wrong-token-0123456789" })).status,
    ).toBe(401);
    const allowed = await callWith(bindings, "/metrics", { authorization: `Bearer ${token}` });
    expect(allowed.status).toBe(200);
    expect(await allowed.text()).toContain("borde_http_requests_total");
  });
});
