import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
  env,
  getQueueResult,
} from "cloudflare:test";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { idempotencyKeys } from "../../workers/http/tables.ts";
import worker from "../../workers/index.ts";
import { retryDelaySeconds } from "../../workers/jobs/consumer.ts";
import { schedulerRuns } from "../../workers/jobs/tables.ts";
import { withTestDatabase } from "./support/database.ts";

// Each test uses its own cron expression so runs of the suite never see each other's rows.
const uniqueCron = () => `*/5 * * * * #${crypto.randomUUID()}`;

async function runScheduled(cron: string, scheduledTime: number, bindings = env) {
  await worker.scheduled(createScheduledController({ cron, scheduledTime }), bindings);
}

async function runQueue(
  messages: { id: string; body: unknown; attempts?: number }[],
  bindings = env,
  queue = "borde-jobs",
) {
  const batch = createMessageBatch(
    queue,
    messages.map((message) => ({ ...message, timestamp: new Date(), attempts: message.attempts ?? 1 })),
  );
  await worker.queue(batch, bindings);
  return getQueueResult(batch, createExecutionContext());
}

const runsOf = (cron: string) =>
  withTestDatabase((db) => db.select().from(schedulerRuns).where(eq(schedulerRuns.cron, cron)));

describe("cron trigger", () => {
  it("forgets idempotency keys past their 24 hours and keeps the others", async () => {
    const tenantId = crypto.randomUUID();
    const key = (name: string, hoursAgo: number) => ({
      tenantId,
      operation: "createProject",
      key: name,
      requestHash: "h",
      status: 201,
      sealedResponse: "s",
      lockedUntil: new Date(),
      createdAt: new Date(Date.now() - hoursAgo * 3_600_000),
    });
    await withTestDatabase((db) => db.insert(idempotencyKeys).values([key("old", 25), key("fresh", 1)]));
    await runScheduled(uniqueCron(), Date.now());
    const left = await withTestDatabase((db) =>
      db
        .select({ key: idempotencyKeys.key })
        .from(idempotencyKeys)
        .where(eq(idempotencyKeys.tenantId, tenantId)),
    );
    expect(left).toEqual([{ key: "fresh" }]);
  });

  it("records a tick once, even when the same tick runs twice", async () => {
    const cron = uniqueCron();
    const scheduledTime = Date.UTC(2026, 10, 22, 12, 0);
    await runScheduled(cron, scheduledTime);
    await runScheduled(cron, scheduledTime);
    const runs = await runsOf(cron);
    expect(runs).toHaveLength(1);
    expect(runs[0]?.scheduledAt.toISOString()).toBe("2026-11-22T12:00:00.000Z");
  });

  it("records a new row for the next slot", async () => {
    const cron = uniqueCron();
    await runScheduled(cron, Date.UTC(2026, 10, 22, 12, 0));
    await runScheduled(cron, Date.UTC(2026, 10, 22, 12, 5));
    expect(await runsOf(cron)).toHaveLength(2);
  });

  it("does no work for a cron expression that declares none", async () => {
    const cron = `7 7 * * * #${crypto.randomUUID()}`;
    await runScheduled(cron, Date.UTC(2026, 10, 22, 7, 7));
    expect(await runsOf(cron)).toEqual([]);
  });
});

describe("queue consumer", () => {
  it("consumes a tick message and marks the run consumed", async () => {
    const cron = uniqueCron();
    await runScheduled(cron, Date.UTC(2026, 10, 22, 13, 0));
    const [run] = await runsOf(cron);
    if (!run) throw new Error("the scheduled handler recorded no run");
    const result = await runQueue([{ id: "m1", body: { type: "scheduler.tick", run_id: run.id } }]);
    expect(result.explicitAcks).toEqual(["m1"]);
    expect(result.retryMessages).toEqual([]);
    const [consumed] = await runsOf(cron);
    expect(consumed?.consumedAt).toBeInstanceOf(Date);
  });

  it("acknowledges a malformed message instead of retrying it forever", async () => {
    const result = await runQueue([{ id: "bad", body: { type: "no.such.job" } }]);
    expect(result.explicitAcks).toEqual(["bad"]);
    expect(result.retryMessages).toEqual([]);
  });

  it("retries a job that fails", async () => {
    const unreachable = { ...env, DATABASE_URL: "postgres://postgres:postgres@127.0.0.1:1/postgres" };
    const body = { type: "scheduler.tick", run_id: crypto.randomUUID() };
    const result = await runQueue([{ id: "m1", body, attempts: 3 }], unreachable);
    expect(result.explicitAcks).toEqual([]);
    expect(result.retryMessages.map((message) => message.msgId)).toEqual(["m1"]);
  });

  it("backs off exponentially up to ten minutes", () => {
    expect([1, 2, 3, 4, 8, 20].map(retryDelaySeconds)).toEqual([10, 20, 40, 80, 600, 600]);
  });

  it("acknowledges and logs what reaches the dead-letter queue", async () => {
    const result = await runQueue(
      [{ id: "dead", body: { type: "scheduler.tick" }, attempts: 6 }],
      env,
      "borde-jobs-dlq",
    );
    expect(result.explicitAcks).toEqual(["dead"]);
  });
});
