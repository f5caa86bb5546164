import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { telemetrySettings } from "../../../workers/telemetry/tables.ts";
import { withTestDatabase } from "../support/database.ts";
import { callAs, createApiKey, registerTenant, type TestAccount } from "../support/identity.ts";
import {
  attributes,
  gauge,
  gzip,
  metricsExport,
  nanos,
  sendOtlp,
  storedLogs,
  storedPoints,
} from "../support/telemetry.ts";

const T0 = Date.UTC(2026, 10, 30, 12, 0, 0);

async function tenantWithKey(scopes = ["telemetry:write"]) {
  const owner = await registerTenant();
  const { key } = await createApiKey(owner, scopes);
  return { owner, key };
}

describe("OTLP/HTTP JSON metrics", () => {
  let owner: TestAccount;
  let key: string;
  beforeAll(async () => {
    ({ owner, key } = await tenantWithKey());
  });

  it("stores gauges, sums with 64-bit ints as strings or numbers, and histograms as Prometheus series", async () => {
    const body = metricsExport([
      gauge("cpu", { host: "a" }, [[T0, 0.5]]),
      {
        name: "requests",
        sum: {
          aggregationTemporality: 2,
          isMonotonic: true,
          dataPoints: [
            { attributes: attributes({ route: "/" }), timeUnixNano: nanos(T0), asInt: "9007199254740993" },
            { attributes: attributes({ route: "/" }), timeUnixNano: Number(nanos(T0 + 1000)), asInt: 12 },
          ],
        },
        unknownField: { ignored: true },
      },
      {
        name: "latency",
        histogram: {
          aggregationTemporality: 1,
          dataPoints: [
            {
              timeUnixNano: nanos(T0),
              count: "6",
              sum: 1.5,
              bucketCounts: ["1", 2, "3"],
              explicitBounds: [0.1, 0.5],
            },
          ],
        },
      },
    ]);
    const response = await sendOtlp(key, "metrics", JSON.stringify(body));
    expect(response.status, await response.clone().text()).toBe(200);
    expect(response.headers.get("content-type")).toContain("application/json");
    expect(await response.json()).toEqual({});
    const points = await storedPoints(owner.tenantId);
    const resource = { "service.name": "shop" };
    expect(points).toEqual([
      { name: "cpu", labels: { ...resource, host: "a" }, kind: "gauge", time: T0, value: 0.5 },
      { name: "latency_bucket", labels: { ...resource, le: "+Inf" }, kind: "delta", time: T0, value: 6 },
      { name: "latency_bucket", labels: { ...resource, le: "0.1" }, kind: "delta", time: T0, value: 1 },
      { name: "latency_bucket", labels: { ...resource, le: "0.5" }, kind: "delta", time: T0, value: 3 },
      { name: "latency_count", labels: resource, kind: "delta", time: T0, value: 6 },
      { name: "latency_sum", labels: resource, kind: "delta", time: T0, value: 1.5 },
      {
        name: "requests",
        labels: { ...resource, route: "/" },
        kind: "counter",
        time: T0,
        value: 9007199254740992,
      },
      { name: "requests", labels: { ...resource, route: "/" }, kind: "counter", time: T0 + 1000, value: 12 },
    ]);
  });

  it("answers partial_success with the count rejected and why, and stores the rest", async () => {
    const { owner: other, key: otherKey } = await tenantWithKey();
    const body = metricsExport([
      gauge("ok", {}, [[T0, 1]]),
      { name: "no_time", gauge: { dataPoints: [{ asDouble: 1 }] } },
      { name: "exp", exponentialHistogram: { dataPoints: [{}, {}] } },
    ]);
    const response = await sendOtlp(otherKey, "metrics", JSON.stringify(body));
    expect(response.status).toBe(200);
    const answer = await response.json<{
      partialSuccess: { rejectedDataPoints: string; errorMessage: string };
    }>();
    expect(answer.partialSuccess.rejectedDataPoints).toBe("3");
    expect(answer.partialSuccess.errorMessage).toContain("exponential histograms are not supported");
    expect(answer.partialSuccess.errorMessage).toContain("timeUnixNano");
    expect((await storedPoints(other.tenantId)).map((point) => point.name)).toEqual(["ok"]);
  });

  it("reads a gzipped body, and a streamed one without Content-Length", async () => {
    const { owner: other, key: otherKey } = await tenantWithKey();
    const zipped = await gzip(JSON.stringify(metricsExport([gauge("zipped", {}, [[T0, 1]])])));
    const gzipped = await sendOtlp(otherKey, "metrics", zipped, {
      "content-type": "application/json",
      "content-encoding": "gzip",
    });
    expect(gzipped.status, await gzipped.clone().text()).toBe(200);
    const text = new TextEncoder().encode(JSON.stringify(metricsExport([gauge("streamed", {}, [[T0, 2]])])));
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(text.slice(0, 10));
        controller.enqueue(text.slice(10));
        controller.close();
      },
    });
    const streamed = await sendOtlp(otherKey, "metrics", stream);
    expect(streamed.status, await streamed.clone().text()).toBe(200);
    expect((await storedPoints(other.tenantId)).map((point) => point.name)).toEqual(["streamed", "zipped"]);
  });

  it("refuses what a retry cannot fix with 400 or 415", async () => {
    expect((await sendOtlp(key, "metrics", "{not json")).status).toBe(400);
    expect((await sendOtlp(key, "metrics", JSON.stringify({ resourceMetrics: 5 }))).status).toBe(400);
    expect((await sendOtlp(key, "metrics", "x", { "content-type": "text/plain" })).status).toBe(415);
    const badProtobuf = await sendOtlp(key, "metrics", new Uint8Array([0x0a, 0xff]), {
      "content-type": "application/x-protobuf",
    });
    expect(badProtobuf.status).toBe(400);
    expect(badProtobuf.headers.get("content-type")).toContain("application/problem+json");
    const badGzip = await sendOtlp(key, "metrics", "plain", {
      "content-type": "application/json",
      "content-encoding": "gzip",
    });
    expect(badGzip.status).toBe(400);
  });

  it("needs an API key with telemetry:write", async () => {
    const { key: readOnly } = await tenantWithKey(["telemetry:read"]);
    const body = JSON.stringify(metricsExport([gauge("x", {}, [[T0, 1]])]));
    expect((await sendOtlp(readOnly, "metrics", body)).status).toBe(403);
  });

  it("answers 429 with Retry-After past the tenant's quota and stores nothing of that batch", async () => {
    const { owner: limited, key: limitedKey } = await tenantWithKey();
    await withTestDatabase((db) =>
      db.insert(telemetrySettings).values({ tenantId: limited.tenantId, pointsPerMinute: 3 }),
    );
    const points: [number, number][] = [
      [T0, 1],
      [T0 + 1000, 2],
    ];
    const first = await sendOtlp(
      limitedKey,
      "metrics",
      JSON.stringify(metricsExport([gauge("q", {}, points)])),
    );
    expect(first.status).toBe(200);
    const second = await sendOtlp(
      limitedKey,
      "metrics",
      JSON.stringify(
        metricsExport([
          gauge("q", {}, [
            [T0 + 2000, 3],
            [T0 + 3000, 4],
          ]),
        ]),
      ),
    );
    expect(second.status).toBe(429);
    expect(Number(second.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(second.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    expect((await storedPoints(limited.tenantId)).map((point) => point.value)).toEqual([1, 2]);
    await withTestDatabase((db) =>
      db.delete(telemetrySettings).where(eq(telemetrySettings.tenantId, limited.tenantId)),
    );
  });
});

describe("OTLP/HTTP JSON logs", () => {
  it("stores records with severity, body, attributes, resource and hex trace ids", async () => {
    const { owner, key } = await tenantWithKey();
    const body = {
      resourceLogs: [
        {
          resource: { attributes: attributes({ "service.name": "shop" }) },
          scopeLogs: [
            {
              logRecords: [
                {
                  timeUnixNano: nanos(T0),
                  severityNumber: 17,
                  severityText: "ERROR",
                  body: { stringValue: "payment failed" },
                  attributes: [
                    { key: "order", value: { intValue: "42" } },
                    { key: "retry", value: { boolValue: true } },
                  ],
                  traceId: "5B8EFFF798038103D269B633813FC60C",
                  spanId: "eee19b7ec3c1b174",
                },
                {
                  observedTimeUnixNano: nanos(T0 + 5),
                  severityNumber: "SEVERITY_NUMBER_WARN",
                  body: { kvlistValue: { values: [{ key: "a", value: { doubleValue: 1.5 } }] } },
                },
                { timeUnixNano: nanos(T0), traceId: "not-hex" },
              ],
            },
          ],
        },
      ],
    };
    const response = await sendOtlp(key, "logs", JSON.stringify(body));
    expect(response.status, await response.clone().text()).toBe(200);
    const answer = await response.json<{
      partialSuccess: { rejectedLogRecords: string; errorMessage: string };
    }>();
    expect(answer.partialSuccess).toEqual({
      rejectedLogRecords: "1",
      errorMessage: "traceId must be 32 hex digits",
    });
    const logs = await storedLogs(owner.tenantId);
    expect(logs).toHaveLength(2);
    expect(logs[0]).toMatchObject({
      severityNumber: 17,
      severityText: "ERROR",
      body: "payment failed",
      attributes: { order: 42, retry: true },
      resource: { "service.name": "shop" },
      traceId: "5b8efff798038103d269b633813fc60c",
      spanId: "eee19b7ec3c1b174",
    });
    expect(logs[1]).toMatchObject({ severityNumber: 13, body: '{"a":1.5}' });
    expect(logs[1]?.time.getTime()).toBe(T0 + 5);
  });
});

describe("the source system's form, POST /api/v1/telemetry", () => {
  it("stores valid rows and reports each invalid one by index", async () => {
    const { owner, key } = await tenantWithKey();
    const response = await callAs({ apiKey: key }, "POST", "/api/v1/telemetry", {
      events: [
        {
          type: "metric",
          source: "web-1",
          name: "temperature",
          value: 21.5,
          labels: { room: "a" },
          timestamp: new Date(T0).toISOString(),
        },
        { type: "metric", name: "temperature" },
        { type: "log", severity: "error", message: "disk full", labels: { disk: "/" }, source: "web-1" },
        { type: "event", name: "deploy", message: "v2", timestamp: new Date(T0).toISOString() },
        { type: "nonsense" },
        "not an object",
      ],
    });
    expect(response.status, await response.clone().text()).toBe(200);
    const result = await response.json<{
      accepted: { points: number; log_records: number };
      rejected: number;
      errors: { index: number; path: string }[];
    }>();
    expect(result.accepted).toEqual({ points: 1, log_records: 2 });
    expect(result.rejected).toBe(3);
    expect(result.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ index: 1, path: "value" }),
        expect.objectContaining({ index: 4 }),
        expect.objectContaining({ index: 5 }),
      ]),
    );
    expect(await storedPoints(owner.tenantId)).toEqual([
      { name: "temperature", labels: { room: "a", source: "web-1" }, kind: "gauge", time: T0, value: 21.5 },
    ]);
    const logs = await storedLogs(owner.tenantId);
    expect(logs.map((log) => [log.eventName, log.severityText, log.body])).toEqual(
      expect.arrayContaining([
        ["", "ERROR", "disk full"],
        ["deploy", "INFO", "v2"],
      ]),
    );
  });

  it("refuses more than 5,000 rows with 400", async () => {
    const { key } = await tenantWithKey();
    const events = Array.from({ length: 5001 }, () => ({ type: "log", message: "x" }));
    expect((await callAs({ apiKey: key }, "POST", "/api/v1/telemetry", { events })).status).toBe(400);
  });
});
