import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
  env,
  getQueueResult,
} from "cloudflare:test";
import { and, eq } from "drizzle-orm";
import { describe, expect, inject, it } from "vitest";
import { loadConfig } from "../../../workers/config/config.ts";
import worker from "../../../workers/index.ts";
import { Logger } from "../../../workers/lib/log.ts";
import { reportGenerateJob, reportSendJob } from "../../../workers/reports/jobs.ts";
import { dailyReports, reportDeliveries } from "../../../workers/reports/tables.ts";
import { TEST_PUBLIC_URL } from "../../support/constants.ts";
import { type ReceivedCall, verifySignature, waitForCalls } from "../alerts/support.ts";
import { withTestDatabase, withTestSession } from "../support/database.ts";
import { callAs, registerTenant, type TestAccount } from "../support/identity.ts";
import { daysAgo, type ReportBody, SEEDED_FIGURES, seedDay } from "./support.ts";

type QueuedBody = { type: string; tenant_id: string; day?: string };

/** The daily Cron Trigger's run at 03:15 UTC of `day`, with the long queue's messages kept for the test. */
async function runDailyTrigger(day: string): Promise<QueuedBody[]> {
  const sent: QueuedBody[] = [];
  const recording = {
    ...env,
    LONG_JOBS: {
      sendBatch: async (messages: Iterable<{ body: QueuedBody }>) => {
        for (const message of messages) sent.push(message.body);
      },
    },
  } as unknown as typeof env;
  await worker.scheduled(
    createScheduledController({
      cron: `15 3 * * * #${crypto.randomUUID()}`,
      scheduledTime: Date.parse(`${day}T03:15:00Z`),
    }),
    recording,
  );
  return sent;
}

async function consumeLong(body: QueuedBody, attempts: number) {
  const batch = createMessageBatch("borde-long-jobs", [
    { id: `m-${crypto.randomUUID()}`, timestamp: new Date(), attempts, body },
  ]);
  await worker.queue(batch, env);
  return getQueueResult(batch, createExecutionContext());
}

const reportRowsOf = (tenantId: string, day: string) =>
  withTestDatabase((db) =>
    db
      .select()
      .from(dailyReports)
      .where(and(eq(dailyReports.tenantId, tenantId), eq(dailyReports.day, day))),
  );

/** The daily job for the tenant's day, run as the consumer runs it: its sends go through the real queue. */
function runReportJob(account: TestAccount, day: string) {
  return withTestSession((session) =>
    reportGenerateJob.run(
      { type: "reports.generate", tenant_id: account.tenantId, day },
      { session, config: loadConfig(env), log: new Logger(), env },
    ),
  );
}

async function createChannel(account: TestAccount, type: "webhook" | "slack", path: string) {
  const response = await callAs(account, "POST", "/api/v1/alerts/channels", {
    name: `${type}-reports`,
    type,
    url: `${inject("webhookReceiverUrl")}${path}`,
  });
  expect(response.status, await response.clone().text()).toBe(201);
  return response.json<{ id: string; secret: string }>();
}

const deliveriesOf = (reportId: string) =>
  withTestDatabase((db) => db.select().from(reportDeliveries).where(eq(reportDeliveries.reportId, reportId)));

describe("the daily report run", { timeout: 60_000 }, () => {
  it("enqueues one report job per tenant for the day before the trigger's, whose reruns keep one row", async () => {
    const [first, second] = await Promise.all([registerTenant(), registerTenant()]);
    // Far back, so this run's reports of every tenant meet no other test's days.
    const day = daysAgo(40);
    const sent = await runDailyTrigger(daysAgo(39));
    const reports = sent.filter((body) => body.type === "reports.generate");
    const tenants = reports.map((body) => body.tenant_id);
    expect(new Set(tenants).size).toBe(tenants.length);
    expect(tenants).toEqual(expect.arrayContaining([first.tenantId, second.tenantId]));
    expect(new Set(reports.map((body) => body.day))).toEqual(new Set([day]));
    // The daily trigger's retention cleaning is still enqueued beside the reports.
    expect(
      sent.filter((body) => body.type === "telemetry.retention").map((body) => body.tenant_id),
    ).toContain(first.tenantId);
    const job = reports.find((body) => body.tenant_id === first.tenantId);
    if (!job) throw new Error("no report job for the tenant");
    expect((await consumeLong(job, 1)).explicitAcks).toHaveLength(1);
    const [stored] = await reportRowsOf(first.tenantId, day);
    // A redelivery (and a repeated trigger's job) regenerates the same row.
    expect((await consumeLong(job, 2)).explicitAcks).toHaveLength(1);
    const rows = await reportRowsOf(first.tenantId, day);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.id).toBe(stored?.id);
    expect(await reportRowsOf(second.tenantId, day)).toHaveLength(0);
  });

  it("sends the stored report to each channel, signed, and a rerun of the job sends nothing again", async () => {
    const owner = await registerTenant();
    const day = daysAgo(3);
    await seedDay(owner.tenantId, day);
    const hookPath = `/hooks/${crypto.randomUUID()}`;
    const slackPath = `/hooks/${crypto.randomUUID()}`;
    const hook = await createChannel(owner, "webhook", hookPath);
    await createChannel(owner, "slack", slackPath);
    await runReportJob(owner, day);
    const [call] = await waitForCalls(hookPath, 1);
    expect(call && (await verifySignature(call, hook.secret))).toBe(true);
    const body = JSON.parse(call?.body ?? "{}") as { report: ReportBody; report_url: string };
    expect(body).toMatchObject({
      version: "1",
      kind: "daily_report",
      receiver: "webhook-reports",
      report: { day, ...SEEDED_FIGURES, alerts: SEEDED_FIGURES.alerts },
    });
    // An absolute link: the message is read outside Borde, where a path would lead nowhere.
    expect(body.report_url).toBe(`${TEST_PUBLIC_URL}/api/v1/reports/${body.report.id}`);
    const [slack] = await waitForCalls(slackPath, 1);
    const { text } = JSON.parse(slack?.body ?? "{}") as { text: string };
    expect(text.split("\n")).toEqual([
      `Daily report for ${day}: ${TEST_PUBLIC_URL}/api/v1/reports/${body.report.id}`,
      "Alerts: 3 fired, 3 resolved, mean time to resolve 18m 20s",
      "Noisiest rules: DiskFull (2), HighCpu (1)",
      "Telemetry: 4 metric points over 2 series, 2 log records",
      "Audits: 2 created, 1 completed, 1 failed",
      "Conversations: 1 started, 4 messages",
      "Imports: 2 batches created, 2 promoted (17 rows)",
    ]);
    // A retried job finds both sends logged and made; a redelivered send finds its delivery sent.
    await runReportJob(owner, day);
    const deliveries = await deliveriesOf(body.report.id);
    expect(deliveries.map((delivery) => delivery.sentAt !== null)).toEqual([true, true]);
    const [delivery] = deliveries;
    if (!delivery) throw new Error("no delivery logged");
    await withTestSession((session) =>
      reportSendJob.run(
        { type: "reports.send", tenant_id: owner.tenantId, delivery_id: delivery.id },
        { session, config: loadConfig(env), log: new Logger(), env },
      ),
    );
    expect(await waitForCalls(hookPath, 2, 1500)).toHaveLength(1);
    expect(await waitForCalls(slackPath, 2, 500)).toHaveLength(1);
  });

  it("sends again a report the receiver refused, with the queue's backoff, and once it took it, never again", async () => {
    const owner = await registerTenant();
    const day = daysAgo(3);
    const path = `/hooks/flaky/${crypto.randomUUID()}`;
    const hook = await createChannel(owner, "webhook", path);
    await runReportJob(owner, day);
    // The first retry comes after the consumer's backoff (10 s).
    // The receiver also says how it answered each call (test/support/fake-webhook-receiver.ts).
    const calls = (await waitForCalls(path, 2, 50_000)) as (ReceivedCall & { status: number })[];
    expect(calls.map((call) => call.status)).toEqual([503, 200]);
    expect(calls[0]?.body).toBe(calls[1]?.body);
    expect(calls[1] && (await verifySignature(calls[1], hook.secret))).toBe(true);
    await runReportJob(owner, day);
    expect(await waitForCalls(path, 3, 1500)).toHaveLength(2);
    const [report] = await reportRowsOf(owner.tenantId, day);
    if (!report) throw new Error("no report stored");
    const [delivery] = await deliveriesOf(report.id);
    expect(delivery).toMatchObject({ attempts: 2, lastError: null });
  });
});
