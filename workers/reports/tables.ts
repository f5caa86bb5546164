import { date, index, integer, jsonb, text, unique } from "drizzle-orm/pg-core";
import { alertChannels } from "../alerts/tables.ts";
import { at, createdAt, ownerId } from "../db/columns.ts";
import { tenantTable } from "../identity/tables.ts";

/** One rule among a day's noisiest: how often its alerts started firing that day. */
export type NoisyRule = { rule_id: string; name: string; firings: number };

/** What a daily report found, as stored (and served) in snake_case. */
export type ReportContent = {
  alerts: {
    fired: number;
    resolved: number;
    /** Over the alerts resolved that day, from the firing each resolution ended; null when none resolved. */
    mean_time_to_resolve_seconds: number | null;
    noisiest_rules: NoisyRule[];
  };
  telemetry: { metric_points: number; series: number; log_records: number };
  activity: {
    audits: { created: number; completed: number; failed: number };
    conversations: { started: number; messages: number };
    imports: { batches_created: number; batches_promoted: number; rows_promoted: number };
  };
};

/** A tenant's report of one UTC day; generating the day again replaces its content, never adds a row. */
export const dailyReports = tenantTable(
  "daily_reports",
  {
    day: date("day", { mode: "string" }).notNull(),
    generatedAt: at("generated_at").notNull(),
    content: jsonb("content").$type<ReportContent>().notNull(),
  },
  (table) => [unique("daily_reports_tenant_day_key").on(table.tenantId, table.day)],
);

/** The send log: one row per report and channel, so a retried job never sends a report twice. */
export const reportDeliveries = tenantTable(
  "report_deliveries",
  {
    reportId: ownerId("report_id", () => dailyReports.id),
    channelId: ownerId("channel_id", () => alertChannels.id),
    sentAt: at("sent_at"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    createdAt: createdAt(),
  },
  (table) => [
    unique("report_deliveries_channel_report_key").on(table.channelId, table.reportId),
    index("report_deliveries_report_idx").on(table.reportId),
  ],
);
