import { escapeHtml } from "../lib/html.ts";
import type { RenderedReport } from "./api-schemas.ts";

/** A duration as people read it: `45s`, `5m 0s`, `2h 3m`, `1d 4h`. */
export function durationText(seconds: number): string {
  const whole = Math.round(seconds);
  const days = Math.floor(whole / 86_400);
  const hours = Math.floor((whole % 86_400) / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  if (days > 0) return `${days}d ${hours}h`;
  if (hours > 0) return `${hours}h ${minutes}m`;
  if (minutes > 0) return `${minutes}m ${whole % 60}s`;
  return `${whole}s`;
}

const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

const meanTimeToResolve = (report: RenderedReport) => {
  const seconds = report.alerts.mean_time_to_resolve_seconds;
  return seconds === null ? "none resolved" : durationText(seconds);
};

/** The report in a few lines of plain text (the tenant's rule names as they are: escape for the medium). */
function summaryLines(report: RenderedReport): string[] {
  const { alerts, telemetry, activity } = report;
  const noisiest = alerts.noisiest_rules.map((rule) => `${rule.name} (${rule.firings})`).join(", ");
  return [
    `Alerts: ${alerts.fired} fired, ${alerts.resolved} resolved, mean time to resolve ${meanTimeToResolve(report)}`,
    ...(noisiest ? [`Noisiest rules: ${noisiest}`] : []),
    `Telemetry: ${plural(telemetry.metric_points, "metric point")} over ${plural(telemetry.series, "series", "series")}, ${plural(telemetry.log_records, "log record")}`,
    `Audits: ${activity.audits.created} created, ${activity.audits.completed} completed, ${activity.audits.failed} failed`,
    `Conversations: ${activity.conversations.started} started, ${plural(activity.conversations.messages, "message")}`,
    `Imports: ${plural(activity.imports.batches_created, "batch", "batches")} created, ${activity.imports.batches_promoted} promoted (${plural(activity.imports.rows_promoted, "row")})`,
  ];
}

/** Slack reads `&`, `<` and `>` as markup in a message's text (`<url|label>` links). */
const escapeSlack = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * What a channel is sent once the daily report is stored: Borde's webhook JSON (the whole report), or
 * `{ text }` for a Slack-compatible webhook. `url` is where the report is read.
 */
export function reportNotificationBody(
  channel: { name: string; type: "webhook" | "slack" },
  report: RenderedReport,
  url: string,
): string {
  if (channel.type === "slack")
    return JSON.stringify({
      text: [`Daily report for ${report.day}: ${url}`, ...summaryLines(report)].map(escapeSlack).join("\n"),
    });
  return JSON.stringify({
    version: "1",
    kind: "daily_report",
    receiver: channel.name,
    report_url: url,
    report,
  });
}

const row = (label: string, value: string | number) =>
  `<tr><th scope="row">${escapeHtml(label)}</th><td>${escapeHtml(String(value))}</td></tr>`;

const section = (title: string, rows: string[]) =>
  `<section>\n<h2>${escapeHtml(title)}</h2>\n<table>\n${rows.join("\n")}\n</table>\n</section>`;

/** The report as a standalone HTML page; every value in it is escaped, the tenant's rule names included. */
export function reportPage(report: RenderedReport): string {
  const { alerts, telemetry, activity } = report;
  const noisiest =
    alerts.noisiest_rules.length === 0
      ? "<p>No rule fired.</p>"
      : `<ol>\n${alerts.noisiest_rules
          .map((rule) => `<li>${escapeHtml(rule.name)}: ${plural(rule.firings, "firing")}</li>`)
          .join("\n")}\n</ol>`;
  const title = `Daily report for ${report.day}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}th{text-align:left;font-weight:normal;padding-right:2rem}td{text-align:right;font-variant-numeric:tabular-nums}</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
<p>From ${escapeHtml(report.window.start)} to ${escapeHtml(report.window.end)} (UTC); generated ${escapeHtml(report.generated_at)}.</p>
${section("Alerts", [
  row("Fired", alerts.fired),
  row("Resolved", alerts.resolved),
  row("Mean time to resolve", meanTimeToResolve(report)),
])}
<section>
<h2>Noisiest rules</h2>
${noisiest}
</section>
${section("Telemetry", [
  row("Metric points", telemetry.metric_points),
  row("Series", telemetry.series),
  row("Log records", telemetry.log_records),
])}
${section("Audits", [
  row("Created", activity.audits.created),
  row("Completed", activity.audits.completed),
  row("Failed", activity.audits.failed),
])}
${section("Conversations", [
  row("Started", activity.conversations.started),
  row("Messages", activity.conversations.messages),
])}
${section("Imports", [
  row("Batches created", activity.imports.batches_created),
  row("Batches promoted", activity.imports.batches_promoted),
  row("Rows promoted", activity.imports.rows_promoted),
])}
</main>
</body>
</html>`;
}
