import { z } from "@hono/zod-openapi";
import { timestamp } from "../http/api-schemas.ts";
import { ListQuerySchema } from "../http/pagination.ts";
import { dayWindow } from "./report-day.ts";
import type { DailyReport } from "./reports.ts";

export const reportPathOf = (id: string) => `/api/v1/reports/${id}`;

const count = (description: string) => z.number().int().min(0).openapi({ description });

/** A UTC day as `YYYY-MM-DD` (a real date: 2026-02-30 is refused). */
const Day = z.iso.date({ error: "a day as YYYY-MM-DD" }).openapi({ example: "2026-11-30" });

const NoisyRuleSchema = z
  .object({
    rule_id: z.uuid(),
    name: z.string(),
    firings: count("How many times the rule's alerts started firing that day."),
  })
  .openapi("NoisyRule");

export const DailyReportSchema = z
  .object({
    id: z.uuid(),
    day: Day,
    window: z.object({ start: timestamp(), end: timestamp() }).openapi({
      description: "What the report covers: from the day's 00:00 UTC (included) to the next (excluded).",
    }),
    generated_at: timestamp(),
    alerts: z.object({
      fired: count("Alerts that started firing in the day (transitions into firing)."),
      resolved: count("Alerts resolved in the day."),
      mean_time_to_resolve_seconds: z.number().min(0).nullable().openapi({
        description:
          "For the alerts resolved in the day: the mean time from the firing each resolution ended to the resolution, in seconds. Null when none was resolved.",
      }),
      noisiest_rules: z.array(NoisyRuleSchema).openapi({
        description: "Up to five rules with the most firings in the day, most first (ties by name).",
      }),
    }),
    telemetry: z.object({
      metric_points: count("Metric points with a timestamp in the day."),
      series: count("Series with at least one point in the day."),
      log_records: count("Log records and events with a timestamp in the day."),
    }),
    activity: z.object({
      audits: z.object({
        created: count("Audits created in the day."),
        completed: count("Audits that finished in the day, completed."),
        failed: count("Audits that finished in the day, failed."),
      }),
      conversations: z.object({
        started: count("Conversations started in the day, on any channel."),
        messages: count("Messages written in the day, by anyone."),
      }),
      imports: z.object({
        batches_created: count("Import batches created in the day."),
        batches_promoted: count("Import batches whose promotion finished in the day."),
        rows_promoted: count("Rows those promotions created or updated in the catalog."),
      }),
    }),
  })
  .openapi("DailyReport");

export type RenderedReport = z.output<typeof DailyReportSchema>;

export const renderReport = (report: DailyReport): RenderedReport => {
  const window = dayWindow(report.day);
  return {
    id: report.id,
    day: report.day,
    window: { start: window.start.toISOString(), end: window.end.toISOString() },
    generated_at: report.generatedAt.toISOString(),
    ...report.content,
  };
};

export const ReportListQuerySchema = ListQuerySchema.extend({
  from: Day.optional().openapi({ description: "The earliest day listed (included)." }),
  to: Day.optional().openapi({ description: "The latest day listed (included)." }),
}).refine((query) => !query.from || !query.to || query.from <= query.to, {
  message: "from must not be after to",
  path: ["from"],
});

export const ReportFormatQuerySchema = z.object({
  format: z.enum(["json", "html"]).optional().openapi({
    description: "`html` for the page; without it, `Accept` decides (JSON unless it prefers text/html).",
  }),
});

export const ReportCreateSchema = z
  .object({
    day: Day.optional().openapi({
      description:
        "The UTC day to report; yesterday when left out. Today is reported so far; a later day is refused.",
    }),
  })
  .openapi("DailyReportCreate");
