import { describe, expect, it } from "vitest";
import { addMember, callAs, registerTenant } from "../support/identity.ts";
import { daysAgo, generate, type ReportBody, SEEDED_FIGURES, seedAlertHistory, seedDay } from "./support.ts";

describe("daily reports", () => {
  it("reports a known day's alerts, telemetry and activity, and nothing from either side of it", async () => {
    const owner = await registerTenant();
    const day = daysAgo(3);
    const { highCpu, diskFull } = await seedDay(owner.tenantId, day);
    const { status, location, report } = await generate(owner, day);
    expect(status).toBe(201);
    expect(location).toBe(`/api/v1/reports/${report.id}`);
    expect(report).toMatchObject({
      day,
      window: { start: `${day}T00:00:00.000Z`, end: new Date(Date.parse(day) + 86_400_000).toISOString() },
      ...SEEDED_FIGURES,
      alerts: {
        ...SEEDED_FIGURES.alerts,
        noisiest_rules: [
          { rule_id: diskFull, name: "DiskFull", firings: 2 },
          { rule_id: highCpu, name: "HighCpu", firings: 1 },
        ],
      },
    });
    const read = await callAs(owner, "GET", `/api/v1/reports/${report.id}`);
    expect(read.headers.get("content-type")).toContain("application/json");
    expect(await read.json()).toEqual(report);
  });

  it("reports an empty day with zeros and no mean time to resolve", async () => {
    const owner = await registerTenant();
    const { report } = await generate(owner, daysAgo(2));
    expect(report.alerts).toEqual({
      fired: 0,
      resolved: 0,
      mean_time_to_resolve_seconds: null,
      noisiest_rules: [],
    });
    expect(report.telemetry).toEqual({ metric_points: 0, series: 0, log_records: 0 });
  });

  it("refreshes a day reported again in the same row (200), and replays an Idempotency-Key's first answer", async () => {
    const owner = await registerTenant();
    const day = daysAgo(4);
    const first = await generate(owner, day, { "idempotency-key": "report-once" });
    expect(first.status).toBe(201);
    const replay = await generate(owner, day, { "idempotency-key": "report-once" });
    expect(replay).toEqual(first);
    await seedAlertHistory(owner.tenantId, "LateRule", [
      { host: "a", changes: [["inactive", "firing", Date.parse(`${day}T12:00:00Z`)]] },
    ]);
    const again = await generate(owner, day);
    expect(again.status).toBe(200);
    expect(again.report.id).toBe(first.report.id);
    expect(again.report.alerts.fired).toBe(1);
    expect(again.report.generated_at > first.report.generated_at).toBe(true);
  });

  it("reports yesterday when no day is given, today so far, and refuses a later day or a bad one", async () => {
    const owner = await registerTenant();
    const empty = await callAs(owner, "POST", "/api/v1/reports");
    expect(empty.status, await empty.clone().text()).toBe(201);
    expect((await empty.json<ReportBody>()).day).toBe(daysAgo(1));
    expect((await generate(owner, daysAgo(0))).report.day).toBe(daysAgo(0));
    for (const day of [daysAgo(-1), "2026-02-30", "yesterday", 20261201]) {
      const refused = await callAs(owner, "POST", "/api/v1/reports", { day });
      expect(refused.status).toBe(400);
      expect(refused.headers.get("content-type")).toContain("application/problem+json");
      expect(await refused.json()).toMatchObject({
        type: expect.stringMatching(/\/problems\/validation-error$/),
        errors: [{ path: "body.day" }],
      });
    }
  });

  it("lets every member read the reports and only admins generate them", async () => {
    const owner = await registerTenant();
    const viewer = await addMember(owner, "viewer");
    const { report } = await generate(owner, daysAgo(5));
    expect((await callAs(viewer, "GET", `/api/v1/reports/${report.id}`)).status).toBe(200);
    expect((await callAs(viewer, "GET", "/api/v1/reports")).status).toBe(200);
    const refused = await callAs(viewer, "POST", "/api/v1/reports", { day: daysAgo(5) });
    expect(refused.status).toBe(403);
  });

  it("lists the reports newest day first, a page at a time, between from and to", async () => {
    const owner = await registerTenant();
    const days = [daysAgo(7), daysAgo(5), daysAgo(6)];
    for (const day of days) await generate(owner, day);
    const first = await callAs(owner, "GET", "/api/v1/reports?limit=2");
    const page = await first.json<{ data: ReportBody[]; next_cursor: string | null }>();
    expect(page.data.map((report) => report.day)).toEqual([daysAgo(5), daysAgo(6)]);
    expect(page.next_cursor).not.toBeNull();
    const second = await callAs(owner, "GET", `/api/v1/reports?limit=2&cursor=${page.next_cursor}`);
    const rest = await second.json<{ data: ReportBody[]; next_cursor: string | null }>();
    expect(rest.data.map((report) => report.day)).toEqual([daysAgo(7)]);
    expect(rest.next_cursor).toBeNull();
    const between = await callAs(owner, "GET", `/api/v1/reports?from=${daysAgo(7)}&to=${daysAgo(6)}`);
    expect((await between.json<{ data: ReportBody[] }>()).data.map((report) => report.day)).toEqual([
      daysAgo(6),
      daysAgo(7),
    ]);
    const reversed = await callAs(owner, "GET", `/api/v1/reports?from=${daysAgo(5)}&to=${daysAgo(7)}`);
    expect(reversed.status).toBe(400);
    expect((await callAs(owner, "GET", "/api/v1/reports?cursor=nope")).status).toBe(400);
  });

  it("serves the report as an HTML page when asked, with the tenant's rule names escaped", async () => {
    const owner = await registerTenant();
    const day = daysAgo(3);
    const hostile = `<script>alert("owned")</script>`;
    await seedAlertHistory(owner.tenantId, hostile, [
      { host: "a", changes: [["inactive", "firing", Date.parse(`${day}T08:00:00Z`)]] },
    ]);
    const { report } = await generate(owner, day);
    expect(report.alerts.noisiest_rules[0]?.name).toBe(hostile);
    const asked = await callAs(owner, "GET", `/api/v1/reports/${report.id}?format=html`);
    expect(asked.status).toBe(200);
    expect(asked.headers.get("content-type")).toContain("text/html");
    const page = await asked.text();
    expect(page).toContain(`<h1>Daily report for ${day}</h1>`);
    expect(page).toContain("&lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt;: 1 firing");
    expect(page).not.toContain("<script>");
    const browser = await callAs(owner, "GET", `/api/v1/reports/${report.id}`, undefined, {
      accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    });
    expect(await browser.text()).toBe(page);
    for (const accept of ["*/*", "application/json, text/html", "text/html;q=0.5, application/json"]) {
      const json = await callAs(owner, "GET", `/api/v1/reports/${report.id}`, undefined, { accept });
      expect(json.headers.get("content-type")).toContain("application/json");
    }
    const forced = await callAs(owner, "GET", `/api/v1/reports/${report.id}?format=json`, undefined, {
      accept: "text/html",
    });
    expect(forced.headers.get("content-type")).toContain("application/json");
    expect((await callAs(owner, "GET", `/api/v1/reports/${report.id}?format=pdf`)).status).toBe(400);
  });
});
