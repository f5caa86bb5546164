import { beforeAll, describe, expect, it } from "vitest";
import { callAs, createApiKey, registerTenant, type TestAccount } from "../support/identity.ts";
import { gauge, metricsExport, sendOtlp, storedLogs, storedPoints } from "../support/telemetry.ts";

const T0 = Date.UTC(2026, 10, 30, 12, 0, 0);
const range = `start=${new Date(T0 - 60_000).toISOString()}&end=${new Date(T0 + 60_000).toISOString()}`;

type Tenant = { owner: TestAccount; writeKey: string; readKey: string };

async function tenantWithTelemetry(name: string): Promise<Tenant> {
  const owner = await registerTenant();
  const writeKey = (await createApiKey(owner, ["telemetry:write"])).key;
  const readKey = (await createApiKey(owner, ["telemetry:read"])).key;
  const otlp = await sendOtlp(
    writeKey,
    "metrics",
    JSON.stringify(metricsExport([gauge(name, { host: "h" }, [[T0, 1]])])),
  );
  expect(otlp.status).toBe(200);
  const form = await callAs({ apiKey: writeKey }, "POST", "/api/v1/telemetry", {
    events: [{ type: "log", message: `${name} log`, timestamp: new Date(T0).toISOString() }],
  });
  expect(form.status).toBe(200);
  return { owner, writeKey, readKey };
}

describe("tenant isolation: telemetry routes", () => {
  let a: Tenant;
  let b: Tenant;
  beforeAll(async () => {
    a = await tenantWithTelemetry("a_metric");
    b = await tenantWithTelemetry("b_metric");
  });

  it("stores what a tenant sends under that tenant only", async () => {
    expect((await storedPoints(a.owner.tenantId)).map((point) => point.name)).toEqual(["a_metric"]);
    expect((await storedPoints(b.owner.tenantId)).map((point) => point.name)).toEqual(["b_metric"]);
    expect((await storedLogs(b.owner.tenantId)).map((log) => log.body)).toEqual(["b_metric log"]);
  });

  it("never lists, queries or pages another tenant's series and logs", async () => {
    const series = await (await callAs({ apiKey: a.readKey }, "GET", "/api/v1/telemetry/series")).json<{
      data: { name: string }[];
    }>();
    expect(series.data.map((entry) => entry.name)).toEqual(["a_metric"]);
    const query = await (
      await callAs({ apiKey: a.readKey }, "GET", `/api/v1/telemetry/query?selector=b_metric&${range}`)
    ).json<{ series: unknown[] }>();
    expect(query.series).toEqual([]);
    const logs = await (await callAs({ apiKey: a.readKey }, "GET", `/api/v1/telemetry/logs?${range}`)).json<{
      data: { body: string }[];
    }>();
    expect(logs.data.map((log) => log.body)).toEqual(["a_metric log"]);
  });

  it("reads a person's session in their own tenant only", async () => {
    const series = await (await callAs(b.owner, "GET", "/api/v1/telemetry/series")).json<{
      data: { name: string }[];
    }>();
    expect(series.data.map((entry) => entry.name)).toEqual(["b_metric"]);
  });
});
