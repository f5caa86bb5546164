import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../workers/config/config.ts";
import { Logger } from "../../../workers/lib/log.ts";
import { telemetryRetentionJob } from "../../../workers/telemetry/jobs.ts";
import { deleteExpired } from "../../../workers/telemetry/retention.ts";
import { withTestSession } from "../support/database.ts";
import { addMember, callAs, createApiKey, registerTenant, type TestAccount } from "../support/identity.ts";
import { gauge, metricsExport, nanos, sendOtlp, storedLogs, storedPoints } from "../support/telemetry.ts";

const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.now();
/** Ages in days of the points and log records each tenant gets. */
const POINT_AGES = [20, 16, 14, 1];
const LOG_AGES = [10, 8, 6, 2];

async function tenantWithTelemetry(): Promise<TestAccount> {
  const owner = await registerTenant();
  const { key } = await createApiKey(owner, ["telemetry:write"]);
  const samples = POINT_AGES.map((age): [number, number] => [NOW - age * DAY, age]);
  const points = await sendOtlp(
    key,
    "metrics",
    JSON.stringify(metricsExport([gauge("cpu", { host: "a" }, samples)])),
  );
  expect(points.status, await points.clone().text()).toBe(200);
  const logRecords = LOG_AGES.map((age) => ({
    timeUnixNano: nanos(NOW - age * DAY),
    body: { stringValue: `${age}` },
  }));
  const logs = await sendOtlp(
    key,
    "logs",
    JSON.stringify({ resourceLogs: [{ resource: { attributes: [] }, scopeLogs: [{ logRecords }] }] }),
  );
  expect(logs.status, await logs.clone().text()).toBe(200);
  return owner;
}

const ageOf = (time: number | Date) => Math.round((NOW - new Date(time).getTime()) / DAY);
const pointAges = async (account: TestAccount) =>
  (await storedPoints(account.tenantId)).map((point) => ageOf(point.time));
const logAges = async (account: TestAccount) =>
  (await storedLogs(account.tenantId)).map((log) => ageOf(log.time));

/** Runs the tenant's cleaning job as the consumer would. */
const clean = (account: TestAccount) =>
  withTestSession((session) =>
    telemetryRetentionJob.run(
      { type: "telemetry.retention", tenant_id: account.tenantId },
      { session, env, config: loadConfig(env), log: new Logger() },
    ),
  );

describe("telemetry retention", { timeout: 30_000 }, () => {
  let owner: TestAccount;
  let other: TestAccount;
  beforeAll(async () => {
    [owner, other] = await Promise.all([tenantWithTelemetry(), tenantWithTelemetry()]);
  });

  it("keeps points 15 days and logs 7 by default, and touches no other tenant", async () => {
    await clean(owner);
    expect(await pointAges(owner)).toEqual([14, 1]);
    expect(await logAges(owner)).toEqual([6, 2]);
    expect(await pointAges(other)).toEqual(POINT_AGES);
    expect(await logAges(other)).toEqual(LOG_AGES);
  });

  it("honours the tenant's own setting", async () => {
    const tenant = await tenantWithTelemetry();
    const set = await callAs(tenant, "PUT", "/api/v1/telemetry/retention", {
      metric_points_days: 18,
      log_records_days: 1,
    });
    expect(set.status, await set.clone().text()).toBe(200);
    expect(await set.json()).toEqual({ metric_points_days: 18, log_records_days: 1 });
    await clean(tenant);
    expect(await pointAges(tenant)).toEqual([16, 14, 1]);
    expect(await logAges(tenant)).toEqual([]);
  });

  it("deletes in bounded batches", async () => {
    const tenant = await tenantWithTelemetry();
    const first = await withTestSession((session) =>
      session.tenant(tenant.tenantId, (db) => deleteExpired(db, tenant.tenantId, new Date(NOW), 1)),
    );
    expect(first).toEqual({ metricPoints: 1, logRecords: 1 });
    expect(await pointAges(tenant)).toHaveLength(3);
    const rest = await withTestSession((session) =>
      session.tenant(tenant.tenantId, (db) => deleteExpired(db, tenant.tenantId, new Date(NOW), 10)),
    );
    expect(rest).toEqual({ metricPoints: 1, logRecords: 1 });
  });
});

describe("the retention setting", () => {
  it("answers the defaults, takes values in bounds, goes back to a default on null, and is per tenant", async () => {
    const [tenant, other] = await Promise.all([registerTenant(), registerTenant()]);
    const read = async (account: TestAccount) =>
      (await callAs(account, "GET", "/api/v1/telemetry/retention")).json();
    expect(await read(tenant)).toEqual({ metric_points_days: 15, log_records_days: 7 });
    for (const days of [0, 401, 1.5])
      expect(
        (
          await callAs(tenant, "PUT", "/api/v1/telemetry/retention", {
            metric_points_days: days,
            log_records_days: null,
          })
        ).status,
      ).toBe(400);
    await callAs(tenant, "PUT", "/api/v1/telemetry/retention", {
      metric_points_days: 30,
      log_records_days: 3,
    });
    expect(await read(tenant)).toEqual({ metric_points_days: 30, log_records_days: 3 });
    expect(await read(other)).toEqual({ metric_points_days: 15, log_records_days: 7 });
    await callAs(tenant, "PUT", "/api/v1/telemetry/retention", {
      metric_points_days: null,
      log_records_days: 3,
    });
    expect(await read(tenant)).toEqual({ metric_points_days: 15, log_records_days: 3 });
  });

  it("is changed by admins only", async () => {
    const owner = await registerTenant();
    const analyst = await addMember(owner, "analyst");
    const answer = await callAs(analyst, "PUT", "/api/v1/telemetry/retention", {
      metric_points_days: 2,
      log_records_days: 2,
    });
    expect(answer.status).toBe(403);
    expect((await callAs(analyst, "GET", "/api/v1/telemetry/retention")).status).toBe(200);
  });
});
