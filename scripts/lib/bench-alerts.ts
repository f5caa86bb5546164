// The alerts part of `npm run bench`: one evaluation cycle of 1,000 rules over 10,000 series. The series
// (ten per rule, five points each over the last four minutes) go in through the source form, the rules
// through the API; then the minute's Cron Trigger is fired and the cycle is timed until the database says
// every rule was evaluated (the queue's jobs, 100 rules each). The database is polled directly, so the
// polling adds no requests to what is measured.
import pg from "pg";
import { okJson, registerBenchTenant } from "./bench-tenant.ts";

const EVENTS_PER_CALL = 5000;
const RULE_CONCURRENCY = 8;

export async function benchAlerts(
  workerUrl: string,
  databaseUrl: string,
  options: { rules?: number; seriesPerRule?: number } = {},
) {
  const rules = options.rules ?? 1000;
  const seriesPerRule = options.seriesPerRule ?? 10;
  const token = await registerBenchTenant(workerUrl, "alerts");
  const auth = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const { key } = await okJson<{ key: string }>(
    await fetch(`${workerUrl}/api/v1/api-keys`, {
      method: "POST",
      headers: auth,
      body: JSON.stringify({ name: "bench telemetry", scopes: ["telemetry:write"] }),
    }),
  );
  const now = Math.floor(Date.now() / 60_000) * 60_000;
  const events = [];
  for (let rule = 0; rule < rules; rule++)
    for (let host = 0; host < seriesPerRule; host++)
      for (let minute = 4; minute >= 0; minute--)
        events.push({
          type: "metric",
          name: `bench_alert_${rule}`,
          value: (rule * 7 + host * 13 + minute) % 100,
          labels: { host: `h${host}` },
          timestamp: new Date(now - minute * 60_000).toISOString(),
        });
  for (let start = 0; start < events.length; start += EVENTS_PER_CALL)
    await okJson(
      await fetch(`${workerUrl}/api/v1/telemetry`, {
        method: "POST",
        headers: { "x-api-key": key, "content-type": "application/json" },
        body: JSON.stringify({ events: events.slice(start, start + EVENTS_PER_CALL) }),
      }),
    );
  let next = 0;
  const createRules = async () => {
    for (let rule = next++; rule < rules; rule = next++)
      await okJson(
        await fetch(`${workerUrl}/api/v1/alerts/rules`, {
          method: "POST",
          headers: auth,
          body: JSON.stringify({
            name: `BenchAlert${rule}`,
            selector: `bench_alert_${rule}`,
            function: "avg_over_time",
            window_seconds: 300,
            comparator: ">",
            threshold: 50,
          }),
        }),
      );
  };
  await Promise.all(Array.from({ length: RULE_CONCURRENCY }, createRules));

  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  // A server's autovacuum analyzes a table once a tenth of it changed, so a running database has its
  // statistics; PGlite has no autovacuum, and a fresh server may not have got to it yet: without them the
  // planner guesses every table is tiny. The cycle is measured on a database in its ordinary state.
  await client.query("analyze metric_series, metric_points, alert_rules, alerts");
  const evaluatedCount = async () => {
    const result = await client.query<{ count: number }>(
      "select count(*)::int as count from alert_rules where name like 'BenchAlert%' and evaluated_at is not null",
    );
    return result.rows[0]?.count ?? 0;
  };
  const started = performance.now();
  await fetch(`${workerUrl}/__scheduled?cron=${encodeURIComponent("* * * * *")}`);
  const deadline = Date.now() + 120_000;
  let evaluated = 0;
  try {
    while (evaluated < rules && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      evaluated = await evaluatedCount();
    }
  } finally {
    await client.end();
  }
  const cycleMs = Math.round(performance.now() - started);
  const firing = await okJson<{ data: unknown[]; next_cursor: string | null }>(
    await fetch(`${workerUrl}/api/v1/alerts?state=firing&limit=100`, { headers: auth }),
  );
  return {
    rules,
    series: rules * seriesPerRule,
    points: events.length,
    rules_evaluated: evaluated,
    evaluation_cycle_ms: cycleMs,
    target_ms: 10_000,
    some_firing: firing.data.length > 0,
  };
}
