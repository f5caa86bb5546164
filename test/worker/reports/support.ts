import { expect } from "vitest";
import { alertRules, alerts, alertTransitions } from "../../../workers/alerts/tables.ts";
import { audits } from "../../../workers/audits/tables.ts";
import { contacts, conversations, messages } from "../../../workers/conversations/tables.ts";
import { importBatches } from "../../../workers/imports/tables.ts";
import { projects } from "../../../workers/projects/tables.ts";
import { utcDayOf } from "../../../workers/reports/report-day.ts";
import { logRecords, metricPoints, metricSeries } from "../../../workers/telemetry/tables.ts";
import { withTestDatabase } from "../support/database.ts";
import { callAs, type TestAccount } from "../support/identity.ts";

/** The UTC day `days` before today, as `YYYY-MM-DD`. */
export const daysAgo = (days: number) => utcDayOf(new Date(Date.now() - days * 86_400_000));

const MINUTE = 60_000;

export type ReportBody = {
  id: string;
  day: string;
  window: { start: string; end: string };
  generated_at: string;
  alerts: {
    fired: number;
    resolved: number;
    mean_time_to_resolve_seconds: number | null;
    noisiest_rules: { rule_id: string; name: string; firings: number }[];
  };
  telemetry: { metric_points: number; series: number; log_records: number };
  activity: Record<string, Record<string, number>>;
};

export async function generate(account: TestAccount, day: string, headers: Record<string, string> = {}) {
  const response = await callAs(account, "POST", "/api/v1/reports", { day }, headers);
  expect([200, 201], await response.clone().text()).toContain(response.status);
  return {
    status: response.status,
    location: response.headers.get("location"),
    report: await response.json<ReportBody>(),
  };
}

const ruleRow = (tenantId: string, name: string) => ({
  tenantId,
  name,
  selector: "cpu",
  function: "avg_over_time" as const,
  windowSeconds: 60,
  comparator: ">" as const,
  threshold: 5,
  labels: {},
  annotations: {},
});

/**
 * Writes one rule's alert and its state changes at the given instants, as the evaluation would have. The
 * rule is written directly, so its name may be anything (the API allows only PromQL-style names).
 */
export async function seedAlertHistory(
  tenantId: string,
  ruleName: string,
  histories: { host: string; changes: [from: string, to: string, at: number][] }[],
): Promise<string> {
  return withTestDatabase(async (db) => {
    const [rule] = await db.insert(alertRules).values(ruleRow(tenantId, ruleName)).returning();
    if (!rule) throw new Error("no rule");
    for (const { host, changes } of histories) {
      const labels = { alertname: ruleName, host };
      const [alert] = await db
        .insert(alerts)
        .values({
          tenantId,
          ruleId: rule.id,
          labels,
          labelsKey: JSON.stringify(labels),
          state: "firing",
          activeAt: new Date(changes[0]?.[2] ?? 0),
          annotations: {},
        })
        .returning();
      if (!alert) throw new Error("no alert");
      await db.insert(alertTransitions).values(
        changes.map(([fromState, toState, at]) => ({
          tenantId,
          ruleId: rule.id,
          alertId: alert.id,
          labels,
          fromState: fromState as "pending",
          toState: toState as "firing",
          value: 9,
          at: new Date(at),
        })),
      );
    }
    return rule.id;
  });
}

/**
 * A known day of a tenant, written around the day's window [start, end), with rows just outside it that
 * the report must leave out. The expected figures are in `SEEDED_FIGURES`.
 */
export async function seedDay(tenantId: string, day: string) {
  const start = Date.parse(`${day}T00:00:00.000Z`);
  const end = start + 1440 * MINUTE;
  const at = (ms: number) => new Date(ms);
  // HighCpu: one alert fires in the day and resolves after 5 min; another fired the day before and
  // resolves 10 min into the day (40 min). DiskFull: fires, resolves after 10 min, fires again; a last
  // firing at the window's end belongs to the next day.
  const highCpu = await seedAlertHistory(tenantId, "HighCpu", [
    {
      host: "a",
      changes: [
        ["inactive", "pending", start + 60 * MINUTE],
        ["pending", "firing", start + 61 * MINUTE],
        ["firing", "resolved", start + 66 * MINUTE],
      ],
    },
    {
      host: "b",
      changes: [
        ["pending", "firing", start - 30 * MINUTE],
        ["firing", "resolved", start + 10 * MINUTE],
      ],
    },
  ]);
  const diskFull = await seedAlertHistory(tenantId, "DiskFull", [
    {
      host: "a",
      changes: [
        ["inactive", "firing", start + 120 * MINUTE],
        ["firing", "resolved", start + 130 * MINUTE],
        ["resolved", "firing", start + 180 * MINUTE],
      ],
    },
    { host: "b", changes: [["inactive", "firing", end]] },
  ]);
  await withTestDatabase(async (db) => {
    const series = await db
      .insert(metricSeries)
      .values(
        ["a", "b", "c"].map((host) => ({
          tenantId,
          name: "cpu",
          labels: { host },
          labelsKey: JSON.stringify({ host }),
          kind: "gauge" as const,
        })),
      )
      .returning({ id: metricSeries.id });
    const [a, b, c] = series.map((row) => row.id);
    if (!a || !b || !c) throw new Error("no series");
    await db.insert(metricPoints).values([
      { tenantId, seriesId: a, time: at(start - 1), value: 1 },
      { tenantId, seriesId: a, time: at(start), value: 1 },
      { tenantId, seriesId: a, time: at(start + MINUTE), value: 1 },
      { tenantId, seriesId: a, time: at(end - 1), value: 1 },
      { tenantId, seriesId: a, time: at(end), value: 1 },
      { tenantId, seriesId: b, time: at(start + 300 * MINUTE), value: 1 },
      { tenantId, seriesId: c, time: at(end + MINUTE), value: 1 },
    ]);
    const log = (time: number) => ({
      tenantId,
      time: at(time),
      observedTime: at(time),
      severityNumber: 9,
      severityText: "INFO",
      body: "hello",
      eventName: "",
      attributes: {},
      resource: {},
    });
    await db.insert(logRecords).values([log(start), log(end - MINUTE), log(end)]);
    const [project] = await db
      .insert(projects)
      .values({ tenantId, name: "Site", siteUrl: "https://example.com" })
      .returning();
    if (!project) throw new Error("no project");
    await db.insert(audits).values([
      {
        tenantId,
        projectId: project.id,
        status: "completed",
        createdAt: at(start + MINUTE),
        finishedAt: at(start + 3 * MINUTE),
      },
      {
        tenantId,
        projectId: project.id,
        status: "failed",
        createdAt: at(start - 5 * MINUTE),
        finishedAt: at(start + 2 * MINUTE),
      },
      { tenantId, projectId: project.id, status: "queued", createdAt: at(end - MINUTE) },
      { tenantId, projectId: project.id, status: "completed", createdAt: at(end), finishedAt: at(end) },
    ]);
    const [contact] = await db.insert(contacts).values({ tenantId, channel: "webchat" }).returning();
    if (!contact) throw new Error("no contact");
    const [today, before] = await db
      .insert(conversations)
      .values([
        { tenantId, contactId: contact.id, channel: "webchat" as const, createdAt: at(start + 10 * MINUTE) },
        { tenantId, contactId: contact.id, channel: "webchat" as const, createdAt: at(start - 10 * MINUTE) },
      ])
      .returning();
    if (!today || !before) throw new Error("no conversations");
    const message = (conversationId: string, time: number) => ({
      tenantId,
      conversationId,
      role: "visitor" as const,
      text: "hi",
      createdAt: at(time),
    });
    await db
      .insert(messages)
      .values([
        message(before.id, start - MINUTE),
        message(before.id, start + MINUTE),
        message(today.id, start + 10 * MINUTE),
        message(today.id, start + 11 * MINUTE),
        message(today.id, end - 1),
        message(today.id, end),
      ]);
    const batch = (state: "promoted" | "validated", created: number, updated: number, result = {}) => ({
      tenantId,
      entity: "products" as const,
      mode: "upsert" as const,
      matchOn: "sku",
      sourceType: "rows" as const,
      state,
      createdAt: at(created),
      updatedAt: at(updated),
      result: { created: 0, updated: 0, unchanged: 0, failed: 0, ...result },
    });
    await db
      .insert(importBatches)
      .values([
        batch("promoted", start + MINUTE, start + 20 * MINUTE, { created: 5, updated: 2, unchanged: 1 }),
        batch("validated", start + 30 * MINUTE, start + 31 * MINUTE),
        batch("promoted", start - 60 * MINUTE, start + 5 * MINUTE, { created: 10 }),
        batch("promoted", start - 60 * MINUTE, start - 30 * MINUTE, { created: 99 }),
      ]);
  });
  return { highCpu, diskFull };
}

/** What the report of a seeded day says (the rule ids aside). */
export const SEEDED_FIGURES = {
  alerts: {
    fired: 3,
    resolved: 3,
    // (5 + 40 + 10 minutes) / 3 resolutions.
    mean_time_to_resolve_seconds: 1100,
  },
  telemetry: { metric_points: 4, series: 2, log_records: 2 },
  activity: {
    audits: { created: 2, completed: 1, failed: 1 },
    conversations: { started: 1, messages: 4 },
    imports: { batches_created: 2, batches_promoted: 2, rows_promoted: 17 },
  },
};
