import { describe, expect, it } from "vitest";
import type { RenderedReport } from "../../../workers/reports/api-schemas.ts";
import { dayWindow, isFutureDay, previousUtcDay } from "../../../workers/reports/report-day.ts";
import { durationText, reportNotificationBody, reportPage } from "../../../workers/reports/report-text.ts";

const report = (name: string): RenderedReport => ({
  id: "0193b6c6-8f4e-7c1a-9f1e-5b3f7c2d1a00",
  day: "2026-11-30",
  window: { start: "2026-11-30T00:00:00.000Z", end: "2026-12-01T00:00:00.000Z" },
  generated_at: "2026-12-01T03:15:02.000Z",
  alerts: {
    fired: 1,
    resolved: 0,
    mean_time_to_resolve_seconds: null,
    noisiest_rules: [{ rule_id: "0193b6c6-8f4e-7c1a-9f1e-5b3f7c2d1a01", name, firings: 1 }],
  },
  telemetry: { metric_points: 1, series: 1, log_records: 0 },
  activity: {
    audits: { created: 0, completed: 0, failed: 0 },
    conversations: { started: 0, messages: 0 },
    imports: { batches_created: 0, batches_promoted: 0, rows_promoted: 0 },
  },
});

describe("the report's day", () => {
  it("covers a UTC day from its midnight to the next, a leap day and the year's end included", () => {
    expect(dayWindow("2024-02-29")).toEqual({
      start: new Date("2024-02-29T00:00:00.000Z"),
      end: new Date("2024-03-01T00:00:00.000Z"),
    });
    expect(dayWindow("2026-12-31").end).toEqual(new Date("2027-01-01T00:00:00.000Z"));
  });

  it("is the UTC day before the run's, whatever the hour", () => {
    expect(previousUtcDay(new Date("2026-12-01T03:15:00Z"))).toBe("2026-11-30");
    expect(previousUtcDay(new Date("2026-03-01T00:00:00Z"))).toBe("2026-02-28");
    expect(previousUtcDay(new Date("2027-01-01T23:59:59.999Z"))).toBe("2026-12-31");
  });

  it("is in the future only from tomorrow (UTC)", () => {
    const now = new Date("2026-12-01T23:30:00Z");
    expect(isFutureDay("2026-12-01", now)).toBe(false);
    expect(isFutureDay("2026-11-30", now)).toBe(false);
    expect(isFutureDay("2026-12-02", now)).toBe(true);
  });
});

describe("the report's texts", () => {
  it("writes durations as people read them", () => {
    expect([0, 45.4, 300, 1100, 7380, 86_400 + 4 * 3600].map(durationText)).toEqual([
      "0s",
      "45s",
      "5m 0s",
      "18m 20s",
      "2h 3m",
      "1d 4h",
    ]);
  });

  it("escapes the tenant's rule names in the HTML page", () => {
    const page = reportPage(report(`<img src=x onerror="alert('x')">&`));
    expect(page).toContain(
      "<li>&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;&amp;: 1 firing</li>",
    );
    expect(page).not.toContain("<img");
    expect(page).toContain("<td>none resolved</td>");
  });

  it("escapes Slack's markup characters in the text, and sends webhooks the whole report", () => {
    const hostile = report("<!channel> & <https://evil.example|click>");
    const { text } = JSON.parse(reportNotificationBody({ name: "chat", type: "slack" }, hostile, "/r/1"));
    expect(text).toContain("Noisiest rules: &lt;!channel&gt; &amp; &lt;https://evil.example|click&gt; (1)");
    expect(text).not.toMatch(/<[^>]*>/);
    const webhook = JSON.parse(reportNotificationBody({ name: "ops", type: "webhook" }, hostile, "/r/1"));
    expect(webhook).toEqual({
      version: "1",
      kind: "daily_report",
      receiver: "ops",
      report_url: "/r/1",
      report: hostile,
    });
  });
});
