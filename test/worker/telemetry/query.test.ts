import { beforeAll, describe, expect, it } from "vitest";
import { callAs, createApiKey, registerTenant, type TestAccount } from "../support/identity.ts";

const T0 = Date.UTC(2026, 10, 30, 12, 0, 0);
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

type Bucket = { time: string; value: number | null };
type QueryResult = { series: { name: string; labels: Record<string, string>; buckets: Bucket[] }[] };

let owner: TestAccount;
let reader: { apiKey: string };

const get = <T>(path: string) => callAs(reader, "GET", path).then((response) => response.json<T>());

beforeAll(async () => {
  owner = await registerTenant();
  const writer = { apiKey: (await createApiKey(owner, ["telemetry:write"])).key };
  reader = { apiKey: (await createApiKey(owner, ["telemetry:read"])).key };
  const metric = (name: string, host: string, seconds: number, value: number, kind = "gauge") => ({
    type: "metric",
    name,
    value,
    kind,
    labels: { host },
    timestamp: at(seconds),
  });
  const events = [
    ...[1, 2, 3, 4].map((value, index) => metric("cpu", "web-1", index * 15, value)),
    metric("cpu", "web-2", 0, 10),
    metric("cpu", "db-1", 0, 50),
    // A counter that resets between 60 s and 90 s.
    ...[0, 30, 60, 90, 120].map((seconds, index) =>
      metric("requests", "web-1", seconds, [0, 30, 60, 10, 40][index] ?? 0, "counter"),
    ),
    { type: "log", severity: "info", message: "started", labels: { order: "1" }, timestamp: at(1) },
    { type: "log", severity: "error", message: "Payment FAILED", labels: { order: "2" }, timestamp: at(2) },
    { type: "log", severity: "warn", message: "slow payment", labels: { order: "2" }, timestamp: at(3) },
  ];
  const response = await callAs(writer, "POST", "/api/v1/telemetry", { events });
  expect(response.status, await response.clone().text()).toBe(200);
});

describe("GET /api/v1/telemetry/series", () => {
  it("lists the series matching a selector", async () => {
    const page = await get<{ data: { name: string; labels: { host: string } }[] }>(
      `/api/v1/telemetry/series?selector=${encodeURIComponent('cpu{host=~"web-.*"}')}`,
    );
    expect(page.data.map((series) => series.labels.host).sort()).toEqual(["web-1", "web-2"]);
    const others = await get<{ data: { labels: { host: string } }[] }>(
      `/api/v1/telemetry/series?selector=${encodeURIComponent('{host=~".+", host!~"web-.*"}')}`,
    );
    expect(others.data.map((series) => series.labels.host)).toEqual(["db-1"]);
  });

  it("pages with a cursor", async () => {
    const first = await get<{ data: unknown[]; next_cursor: string }>("/api/v1/telemetry/series?limit=2");
    expect(first.data).toHaveLength(2);
    const second = await get<{ data: unknown[]; next_cursor: string | null }>(
      `/api/v1/telemetry/series?limit=2&cursor=${first.next_cursor}`,
    );
    expect(second.data).toHaveLength(2);
    expect(second.next_cursor).toBeNull();
  });

  it("refuses a selector that does not parse, or that matches every series, with 400", async () => {
    for (const selector of ['cpu{host="a"', '{host=""}', 'cpu{host=~"(?<=a)b"}', "cpu extra"]) {
      const response = await callAs(
        reader,
        "GET",
        `/api/v1/telemetry/series?selector=${encodeURIComponent(selector)}`,
      );
      expect(response.status, selector).toBe(400);
    }
  });
});

describe("GET /api/v1/telemetry/query", () => {
  const query = (selector: string, aggregation: string, step: number | string = 30, end = 120) =>
    get<QueryResult>(
      `/api/v1/telemetry/query?selector=${encodeURIComponent(selector)}&aggregation=${aggregation}&start=${at(0)}&end=${at(end)}&step=${step}`,
    );

  it("aggregates each series per step", async () => {
    const avg = await query('cpu{host="web-1"}', "avg");
    expect(avg.series).toHaveLength(1);
    expect(avg.series[0]?.buckets).toEqual([
      { time: at(0), value: 1.5 },
      { time: at(30), value: 3.5 },
    ]);
    const max = await query('cpu{host="web-1"}', "max", 60);
    expect(max.series[0]?.buckets).toEqual([{ time: at(0), value: 4 }]);
    // Steps as Prometheus's API takes them: "30s" and "1m" mean 30 and 60 seconds.
    expect(await query('cpu{host="web-1"}', "avg", "30s")).toEqual(avg);
    expect(await query('cpu{host="web-1"}', "max", "1m")).toEqual(max);
    const count = await query("cpu", "count", 60);
    expect(count.series.map((series) => series.buckets[0]?.value).sort()).toEqual([1, 1, 4]);
    const p95 = await query('cpu{host="web-1"}', "p95", 60);
    expect(p95.series[0]?.buckets[0]?.value).toBeCloseTo(3.85);
  });

  it("gives a counter's rate per second, counting a reset", async () => {
    const rate = await query("requests", "rate", 60, 150);
    // [0,60): 0→30 = 30; [60,120): 30→60→10 (reset) = 30+10 = 40; [120,150]: 10→40 = 30.
    expect(rate.series[0]?.buckets).toEqual([
      { time: at(0), value: 0.5 },
      { time: at(60), value: 40 / 60 },
      { time: at(120), value: 0.5 },
    ]);
  });

  it("refuses too many steps and an end before the start", async () => {
    const tooMany = await callAs(
      reader,
      "GET",
      `/api/v1/telemetry/query?selector=cpu&start=${at(0)}&end=${at(86_400 * 30)}&step=1`,
    );
    expect(tooMany.status).toBe(400);
    const badStep = await callAs(
      reader,
      "GET",
      `/api/v1/telemetry/query?selector=cpu&start=${at(0)}&end=${at(60)}&step=5x`,
    );
    expect(badStep.status).toBe(400);
    expect(await badStep.json()).toMatchObject({ errors: [{ path: "query.step" }] });
    const backwards = await callAs(
      reader,
      "GET",
      `/api/v1/telemetry/query?selector=cpu&start=${at(10)}&end=${at(0)}`,
    );
    expect(backwards.status).toBe(400);
  });
});

describe("GET /api/v1/telemetry/logs", () => {
  const logs = (query: string) =>
    get<{ data: { body: string; severity_text: string }[]; next_cursor: string | null }>(
      `/api/v1/telemetry/logs?start=${at(0)}&end=${at(10)}${query}`,
    );

  it("filters by severity, text and attribute, newest first", async () => {
    expect((await logs("")).data.map((log) => log.body)).toEqual([
      "slow payment",
      "Payment FAILED",
      "started",
    ]);
    expect((await logs("&severity=warn")).data.map((log) => log.body)).toEqual([
      "slow payment",
      "Payment FAILED",
    ]);
    expect((await logs("&text=payment")).data.map((log) => log.body)).toEqual([
      "slow payment",
      "Payment FAILED",
    ]);
    expect((await logs("&attribute=order%3D1")).data.map((log) => log.body)).toEqual(["started"]);
  });

  it("pages with an opaque cursor and refuses an altered one", async () => {
    const first = await logs("&limit=2");
    expect(first.data.map((log) => log.body)).toEqual(["slow payment", "Payment FAILED"]);
    const second = await logs(`&limit=2&cursor=${first.next_cursor}`);
    expect(second.data.map((log) => log.body)).toEqual(["started"]);
    expect(second.next_cursor).toBeNull();
    expect((await callAs(reader, "GET", "/api/v1/telemetry/logs?cursor=abc")).status).toBe(400);
  });
});
