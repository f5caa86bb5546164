// `npm run bench`: the Worker under wrangler dev with a fresh embedded database, driven from this process by
// autocannon over loopback. Routes are measured in interleaved rounds, so a noisy machine slows all alike
// and the ratios between routes hold. With BORDE_DB_RTT_MS set (e.g. 80), the same scenarios also run one
// request at a time, without and then with that delay added to every database round trip (a far database). Then the voice bridge:
// media-stream latency of the VoiceCall object against the local Realtime server
// (scripts/lib/voice-bench.ts). Not part of `npm test`.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { startFakeRealtime } from "../test/support/fake-realtime.ts";
import { startFakeSerpApi } from "../test/support/fake-serpapi.ts";
import { auditsPerMinute, parseRate } from "./lib/audit-bench.ts";
import { benchAlerts } from "./lib/bench-alerts.ts";
import { benchImports } from "./lib/bench-imports.ts";
import { benchInsights } from "./lib/bench-insights.ts";
import { benchMetricsCost } from "./lib/bench-metrics.ts";
import { benchMentionSummary, benchRanks } from "./lib/bench-reputation.ts";
import { benchTelemetryIngest } from "./lib/bench-telemetry.ts";
import { benchWebchat } from "./lib/bench-webchat.ts";
import { buildDocsAssets } from "./lib/docs-assets.ts";
import { ROOT, startLocalDatabase, startWranglerDev } from "./lib/local-stack.ts";
import { DEMO, seedDemo } from "./lib/seed.ts";
import { newSigningKey } from "./lib/signing-keys.ts";
import { BENCH_TWILIO, measureBridgeLatency, percentile, routeBenchNumber } from "./lib/voice-bench.ts";
import { type Relay, rttFromEnvironment } from "./lib/ws-relay.ts";

type Scenario = {
  name: string;
  path: string;
  note: string;
  method?: "GET" | "POST";
  body?: string;
  headers?: Record<string, string>;
};

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
const port = Number(process.env.BENCH_PORT ?? 8797);
const idleSockets = Number(process.env.BENCH_IDLE_SOCKETS ?? 1000);
/** The far-database run's delay per round trip; none, and no such run, when BORDE_DB_RTT_MS is unset. */
const farRttMs = rttFromEnvironment();
/** Caller turns per round of the voice bridge measurement. */
const voiceTurns = Number(process.env.BENCH_VOICE_TURNS ?? Math.max(20, seconds * 40));

const baseScenarios: Scenario[] = [
  {
    name: "asset",
    path: "/docs/init.js",
    note: "static asset, never reaches the Worker: wrangler dev's own floor",
  },
  {
    name: "bare",
    path: "/api/v1",
    note: "static JSON, full middleware chain; rate limit from the isolate's lease, no I/O",
  },
  { name: "health", path: "/health", note: "liveness, no I/O" },
  {
    name: "ready",
    path: "/ready",
    note: "one query on a Pool per request, through the local WebSocket relay",
  },
];

/** Signs the demo owner in: its access cookie (for the authenticated scenario) and access token. */
async function demoSession(url: string): Promise<{ cookie: string; accessToken: string }> {
  const response = await fetch(`${url}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: DEMO.email, password: DEMO.password }),
  });
  if (!response.ok) throw new Error(`demo login failed: ${response.status} ${await response.text()}`);
  const cookie = response.headers.getSetCookie().find((line) => line.startsWith("borde_access="));
  if (!cookie) throw new Error("demo login set no access cookie");
  const { access_token } = (await response.json()) as { access_token: string };
  return { cookie: cookie.split(";")[0] ?? "", accessToken: access_token };
}

/**
 * Database round trips of one request of the scenario, as the local proxy counts them: WebSocket
 * connections, and client frames plus HTTP SQL requests that reached it while the request was in flight
 * (awaited) and in all, including what ran after the response (a pool's close, waitUntil work).
 */
async function databaseTrips(url: string, scenario: Scenario, counters: Relay["counters"]) {
  const trips = () => counters.clientFrames + counters.sqlRequests;
  const before = { connections: counters.connections, trips: trips() };
  const response = await fetch(`${url}${scenario.path}`, {
    method: scenario.method ?? "GET",
    headers: scenario.headers,
    body: scenario.body,
  });
  await response.arrayBuffer();
  const awaited = trips() - before.trips;
  // The pool is closed after the response (waitUntil); give it a moment so its Terminate is counted.
  await new Promise((resolve) => setTimeout(resolve, 200));
  return {
    connections: counters.connections - before.connections,
    awaited_round_trips: awaited,
    round_trips: trips() - before.trips,
  };
}

type Sample = { requestsPerSecond: number; p50: number; p99: number; non2xx: number; errors: number };

async function measure(url: string, scenario: Scenario, parallel = connections): Promise<Sample> {
  const result = await autocannon({
    url: `${url}${scenario.path}`,
    connections: parallel,
    duration: seconds,
    method: scenario.method ?? "GET",
    body: scenario.body,
    headers: scenario.headers,
  });
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

buildDocsAssets();
const persist = mkdtempSync(join(tmpdir(), "borde-bench-"));
// DATABASE_URL=postgres://… benches against a PostgreSQL server instead of the embedded database.
const database = await startLocalDatabase({ databaseUrl: process.env.DATABASE_URL });
await seedDemo(database.databaseUrl);
const realtime = await startFakeRealtime();
const serpapi = await startFakeSerpApi();
const vars = {
  ENVIRONMENT: "development",
  DATABASE_URL: database.databaseUrl,
  LOCAL_DB_RELAY: database.relayAddress,
  JWT_SIGNING_KEYS: JSON.stringify([await newSigningKey()]),
  // The bench measures the limiter's cost, not its refusals: every bucket is made 100,000 times larger.
  RATE_LIMIT_SCALE: "100000",
  // The audit scenario crawls a loopback fixture site.
  AUDIT_ALLOW_PRIVATE_TARGETS: "true",
  OPENAI_API_KEY: "sk-bench-local",
  OPENAI_REALTIME_URL: realtime.url,
  TWILIO_ACCOUNT_SID: BENCH_TWILIO.accountSid,
  TWILIO_AUTH_TOKEN: BENCH_TWILIO.authToken,
  SERPAPI_API_KEY: "serpapi-bench-local",
  SERPAPI_BASE_URL: serpapi.baseUrl,
};
const worker = await startWranglerDev({ port, quiet: true, persistTo: persist, vars });

try {
  const demo = await demoSession(worker.url);
  const scenarios: Scenario[] = [
    ...baseScenarios,
    {
      name: "authenticated",
      path: "/api/v1/tenants/current",
      note: "JWT cookie verified at the edge + rate limit (isolate lease) + one tenant-scoped read under RLS, over HTTP",
      headers: { cookie: demo.cookie },
    },
    {
      name: "create_project",
      path: "/api/v1/projects",
      method: "POST",
      body: JSON.stringify({ name: "Bench site", site_url: "https://example.com/" }),
      note: "Bearer JWT + rate limit + one tenant-scoped INSERT … RETURNING under RLS",
      headers: { authorization: `Bearer ${demo.accessToken}`, "content-type": "application/json" },
    },
  ];
  /** Each scenario, `rounds` times, interleaved, at `parallel` connections; one request's trips counted before. */
  async function measureAll(parallel = connections) {
    const samples = new Map<string, Sample[]>(scenarios.map((scenario) => [scenario.name, []]));
    for (const scenario of scenarios) await measure(worker.url, scenario, parallel); // warm-up, not recorded
    await new Promise((resolve) => setTimeout(resolve, 1000)); // let the warm-up's pools close
    const trips = new Map<string, Awaited<ReturnType<typeof databaseTrips>>>();
    for (const scenario of scenarios) {
      trips.set(scenario.name, await databaseTrips(worker.url, scenario, database.relayCounters));
    }
    for (let round = 1; round <= rounds; round++) {
      for (const scenario of scenarios) {
        samples.get(scenario.name)?.push(await measure(worker.url, scenario, parallel));
      }
      console.log(
        `round ${round}/${rounds} done (${parallel} connections, ${database.rtt.ms} ms per round trip)`,
      );
    }
    return { samples, trips };
  }
  const { samples, trips } = await measureAll();
  // Near and far compared one request at a time: under load, time queued for the CPU would hide the delay.
  let near: Awaited<ReturnType<typeof measureAll>> | undefined;
  let far: typeof near;
  if (farRttMs) {
    near = await measureAll(1);
    database.rtt.ms = farRttMs;
    far = await measureAll(1);
    database.rtt.ms = 0; // the audit, webchat and voice measurements below are of the near database
  }
  await routeBenchNumber(worker.url, demo.accessToken);
  await measureBridgeLatency(worker.url, 5); // warm-up, not recorded
  const voiceLatencies: number[] = [];
  for (let round = 1; round <= rounds; round++) {
    voiceLatencies.push(...(await measureBridgeLatency(worker.url, voiceTurns)));
  }
  const voiceBridge = {
    note: "one caller frame in to the first answer frame out, Twilio-side WebSocket → Worker → VoiceCall DO → local Realtime server → back",
    turns: voiceLatencies.length,
    p50_ms: percentile(voiceLatencies, 0.5),
    p99_ms: percentile(voiceLatencies, 0.99),
    max_ms: percentile(voiceLatencies, 1),
  };
  const baseline = median((samples.get("health") ?? []).map((sample) => sample.requestsPerSecond));
  const readyP50 = median((samples.get("ready") ?? []).map((sample) => sample.p50));
  const results = scenarios.map((scenario) => {
    const runs = samples.get(scenario.name) ?? [];
    const requestsPerSecond = median(runs.map((run) => run.requestsPerSecond));
    const p50 = median(runs.map((run) => run.p50));
    const nearRuns = near?.samples.get(scenario.name) ?? [];
    const nearP50 = median(nearRuns.map((run) => run.p50));
    const farRuns = far?.samples.get(scenario.name) ?? [];
    const farP50 = median(farRuns.map((run) => run.p50));
    return {
      name: scenario.name,
      path: scenario.path,
      note: scenario.note,
      requests_per_second: Math.round(requestsPerSecond),
      p50_ms: p50,
      p99_ms: median(runs.map((run) => run.p99)),
      relative_to_health: Math.round((requestsPerSecond / baseline) * 100) / 100,
      p50_relative_to_ready: Math.round((p50 / readyP50) * 100) / 100,
      db_connections: trips.get(scenario.name)?.connections ?? 0,
      db_awaited_round_trips: trips.get(scenario.name)?.awaited_round_trips ?? 0,
      db_round_trips: trips.get(scenario.name)?.round_trips ?? 0,
      ...(far && {
        single_p50_ms: nearP50,
        single_p99_ms: median(nearRuns.map((run) => run.p99)),
        far_single_p50_ms: farP50,
        far_single_p99_ms: median(farRuns.map((run) => run.p99)),
        far_added_p50_ms: farP50 - nearP50,
        far_db_awaited_round_trips: far.trips.get(scenario.name)?.awaited_round_trips ?? 0,
      }),
      non_2xx: [...runs, ...nearRuns, ...farRuns].reduce((sum, run) => sum + run.non2xx, 0),
      errors: [...runs, ...nearRuns, ...farRuns].reduce((sum, run) => sum + run.errors, 0),
    };
  });
  const audits = await auditsPerMinute(worker.url, Number(process.env.BENCH_AUDITS ?? 20));
  console.log(`audits through the queue: ${JSON.stringify(audits)}`);
  const parser = await parseRate(seconds);
  console.log(`HTMLRewriter page parser: ${JSON.stringify(parser)}`);
  console.log("webchat: one conversation's Durable Object");
  const webchat = await benchWebchat(worker.url, seconds * rounds, idleSockets);
  console.log("metrics: /health with metrics on vs off");
  const withoutMetrics = await startWranglerDev({
    port: port + 1,
    quiet: true,
    persistTo: join(persist, "metrics-off"),
    vars: { ...vars, METRICS_ENABLED: "false" },
  });
  const metricsCost = await benchMetricsCost(worker.url, withoutMetrics.url, {
    seconds,
    rounds,
    connections,
  }).finally(() => withoutMetrics.stop());
  console.log("insights: posts ingested per second, ten modules over 10,000 posts (local OpenAI server)");
  const insights = await benchInsights({
    port: port + 2,
    databaseUrl: database.databaseUrl,
    relayAddress: database.relayAddress,
  });
  console.log("insights:", insights);
  console.log(
    "ranks: a cached lookup against /ready, and a 20-keyword cold lookup against the local SerpApi",
  );
  const ranks = await benchRanks(worker.url, demo.accessToken, serpapi.baseUrl, {
    seconds,
    rounds,
    connections,
  });
  console.log("reputation: a brand's mention summary against /ready");
  const mentionSummary = await benchMentionSummary(worker.url, demo.accessToken, {
    seconds,
    rounds,
    connections,
    mentions: Number(process.env.BENCH_MENTIONS ?? 10_000),
  });
  const imports = await benchImports(
    worker.url,
    worker.child.pid,
    Number(process.env.BENCH_IMPORT_ROWS ?? 100_000),
  );
  console.log(`imports, upload → validate → promote: ${JSON.stringify(imports)}`);
  const telemetryIngest = await benchTelemetryIngest(worker.url, {
    exports: Number(process.env.BENCH_TELEMETRY_EXPORTS ?? 100),
  });
  console.log(`telemetry ingest, OTLP JSON: ${JSON.stringify(telemetryIngest)}`);
  const alerts = await benchAlerts(worker.url, database.databaseUrl);
  console.log(`alerts, one evaluation cycle of 1,000 rules over 10,000 series: ${JSON.stringify(alerts)}`);
  const report = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version },
    settings: {
      seconds_per_run: seconds,
      rounds,
      connections,
      far_database_rtt_ms: farRttMs || null,
      server: `wrangler dev (workerd), ${database.embedded ? "embedded PGlite" : "PostgreSQL from DATABASE_URL"}`,
    },
    results,
    audits,
    parser,
    webchat,
    imports,
    voice_bridge: voiceBridge,
    metrics_cost: metricsCost,
    insights,
    ranks,
    telemetry_ingest: telemetryIngest,
    alerts,
    mention_summary: mentionSummary,
  };
  console.table(results.map(({ note: _note, ...row }) => row));
  console.table(Object.entries(webchat).map(([measure, value]) => ({ measure, value })));
  console.log("voice bridge latency:", voiceBridge);
  console.log("metrics cost:", metricsCost);
  console.log("ranks:", ranks);
  console.log("mention summary:", mentionSummary);
  mkdirSync(join(ROOT, "bench", "results"), { recursive: true });
  const file = join(ROOT, "bench", "results", `${report.date.replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`written to ${file}`);
} finally {
  await worker.stop();
  await realtime.close();
  await serpapi.close();
  await database.stop();
  rmSync(persist, { recursive: true, force: true });
}
