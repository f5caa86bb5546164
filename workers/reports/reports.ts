import { desc, eq, gte, isNull, lte, type SQL, sql } from "drizzle-orm";
import { alertChannels, alertRules, alertTransitions } from "../alerts/tables.ts";
import { audits } from "../audits/tables.ts";
import { conversations, messages } from "../conversations/tables.ts";
import type { Database, QueryBuilder } from "../db/client.ts";
import { tenantRow, tenantRows } from "../db/tenant-rows.ts";
import { type Page, rowsToFetch } from "../http/pagination.ts";
import { importBatches } from "../imports/tables.ts";
import { uuidv7 } from "../lib/uuid.ts";
import { logRecords, metricPoints } from "../telemetry/tables.ts";
import { dayWindow } from "./report-day.ts";
import { dailyReports, reportDeliveries } from "./tables.ts";

export type DailyReport = typeof dailyReports.$inferSelect;

/** How many rules the report names as the day's noisiest. */
export const NOISIEST_RULES = 5;

/**
 * The report's figures as one jsonb expression of subqueries over the tenant's rows in [start, end):
 * each subquery reads one domain's table through its tenant index, so the whole report is one statement.
 */
function contentOf(tenantId: string, day: string): SQL {
  const window = dayWindow(day);
  const start = sql`${window.start.toISOString()}::timestamptz`;
  const end = sql`${window.end.toISOString()}::timestamptz`;
  const inDay = (column: SQL) => sql`(${column} >= ${start} AND ${column} < ${end})`;
  const transitionsInto = (state: string) =>
    sql`(SELECT count(*) FROM ${alertTransitions} t
      WHERE t.tenant_id = ${tenantId} AND t.to_state = ${state} AND ${inDay(sql`t.at`)})`;
  // A resolution ends the alert's latest firing before it (an alert may fire and resolve more than once,
  // and have fired the day before): one pass over those alerts' transitions, in time order.
  const meanTimeToResolve = sql`(SELECT round(avg(extract(epoch FROM s.at - s.fired_at)), 3)::float8
    FROM (SELECT t.at, t.to_state, max(t.at) FILTER (WHERE t.to_state = 'firing')
        OVER (PARTITION BY t.alert_id ORDER BY t.at ROWS UNBOUNDED PRECEDING) AS fired_at
      FROM ${alertTransitions} t
      WHERE t.tenant_id = ${tenantId} AND t.at < ${end} AND t.alert_id IN (
        SELECT r.alert_id FROM ${alertTransitions} r
        WHERE r.tenant_id = ${tenantId} AND r.to_state = 'resolved' AND ${inDay(sql`r.at`)})) s
    WHERE s.to_state = 'resolved' AND s.at >= ${start} AND s.fired_at IS NOT NULL)`;
  const noisiestRules = sql`(SELECT coalesce(jsonb_agg(jsonb_build_object(
      'rule_id', n.rule_id, 'name', n.name, 'firings', n.firings) ORDER BY n.firings DESC, n.name, n.rule_id),
      '[]'::jsonb)
    FROM (SELECT t.rule_id, r.name, count(*) AS firings
      FROM ${alertTransitions} t JOIN ${alertRules} r ON r.id = t.rule_id
      WHERE t.tenant_id = ${tenantId} AND t.to_state = 'firing' AND ${inDay(sql`t.at`)}
      GROUP BY t.rule_id, r.name
      ORDER BY firings DESC, r.name, t.rule_id
      LIMIT ${NOISIEST_RULES}) n)`;
  const promotedInDay = sql`state = 'promoted' AND ${inDay(sql`updated_at`)}`;
  return sql`(SELECT jsonb_build_object(
    'alerts', jsonb_build_object(
      'fired', ${transitionsInto("firing")},
      'resolved', ${transitionsInto("resolved")},
      'mean_time_to_resolve_seconds', ${meanTimeToResolve},
      'noisiest_rules', ${noisiestRules}),
    'telemetry', (SELECT jsonb_build_object('metric_points', count(*), 'series', count(DISTINCT series_id))
      FROM ${metricPoints} WHERE tenant_id = ${tenantId} AND ${inDay(sql`time`)})
      || jsonb_build_object('log_records', (SELECT count(*) FROM ${logRecords}
        WHERE tenant_id = ${tenantId} AND ${inDay(sql`time`)})),
    'activity', jsonb_build_object(
      'audits', (SELECT jsonb_build_object(
          'created', count(*) FILTER (WHERE ${inDay(sql`created_at`)}),
          'completed', count(*) FILTER (WHERE status = 'completed' AND ${inDay(sql`finished_at`)}),
          'failed', count(*) FILTER (WHERE status = 'failed' AND ${inDay(sql`finished_at`)}))
        FROM ${audits} WHERE tenant_id = ${tenantId} AND (${inDay(sql`created_at`)} OR ${inDay(sql`finished_at`)})),
      'conversations', jsonb_build_object(
        'started', (SELECT count(*) FROM ${conversations}
          WHERE tenant_id = ${tenantId} AND ${inDay(sql`created_at`)}),
        'messages', (SELECT count(*) FROM ${messages}
          WHERE tenant_id = ${tenantId} AND ${inDay(sql`created_at`)})),
      'imports', (SELECT jsonb_build_object(
          'batches_created', count(*) FILTER (WHERE ${inDay(sql`created_at`)}),
          'batches_promoted', count(*) FILTER (WHERE ${promotedInDay}),
          'rows_promoted', coalesce(sum((result->>'created')::int + (result->>'updated')::int)
            FILTER (WHERE ${promotedInDay}), 0))
        FROM ${importBatches}
        WHERE tenant_id = ${tenantId} AND (${inDay(sql`created_at`)} OR ${inDay(sql`updated_at`)})))))`;
}

/**
 * Builds the tenant's report of `day` and stores it, in one statement: a day reported again keeps its row
 * (and id) and gets the new figures. Returns the query unawaited, for either database handle; `proposedId`
 * comes back as the row's id only when the day had no report yet.
 */
export function generateReport(
  db: QueryBuilder,
  tenantId: string,
  day: string,
  generatedAt: Date,
  proposedId = uuidv7(),
) {
  return db
    .insert(dailyReports)
    .values({ id: proposedId, tenantId, day, generatedAt, content: contentOf(tenantId, day) })
    .onConflictDoUpdate({
      target: [dailyReports.tenantId, dailyReports.day],
      set: { generatedAt: sql`excluded.generated_at`, content: sql`excluded.content` },
    })
    .returning();
}

export async function findReport(db: Database, tenantId: string, id: string) {
  const [report] = await db
    .select()
    .from(dailyReports)
    .where(tenantRow(dailyReports, tenantId, id));
  return report;
}

export type ReportFilters = { from: string | undefined; to: string | undefined };

/**
 * A page of the tenant's reports, newest day first. The cursor is the last report shown: a day has one
 * report, so the next page is the days before the cursor's.
 */
export function listReports(db: Database, tenantId: string, filters: ReportFilters, page: Page) {
  return db
    .select()
    .from(dailyReports)
    .where(
      tenantRows(
        dailyReports,
        tenantId,
        filters.from ? gte(dailyReports.day, filters.from) : undefined,
        filters.to ? lte(dailyReports.day, filters.to) : undefined,
        page.cursor
          ? sql`${dailyReports.day} < (SELECT c.day FROM ${dailyReports} c
              WHERE c.tenant_id = ${tenantId} AND c.id = ${page.cursor})`
          : undefined,
      ),
    )
    .orderBy(desc(dailyReports.day))
    .limit(rowsToFetch(page));
}

/**
 * Logs a send of the report to each of the tenant's enabled channels (once per channel and report) and
 * returns the sends not yet made: a retried job finds the ones an earlier try logged and did not send.
 */
export async function pendingDeliveries(db: Database, tenantId: string, reportId: string): Promise<string[]> {
  const channels = await db
    .select({ id: alertChannels.id })
    .from(alertChannels)
    .where(tenantRows(alertChannels, tenantId, eq(alertChannels.enabled, true)));
  if (channels.length > 0)
    await db
      .insert(reportDeliveries)
      .values(channels.map((channel) => ({ tenantId, reportId, channelId: channel.id })))
      .onConflictDoNothing({ target: [reportDeliveries.channelId, reportDeliveries.reportId] });
  const pending = await db
    .select({ id: reportDeliveries.id })
    .from(reportDeliveries)
    .where(
      tenantRows(
        reportDeliveries,
        tenantId,
        eq(reportDeliveries.reportId, reportId),
        isNull(reportDeliveries.sentAt),
      ),
    );
  return pending.map((row) => row.id);
}
