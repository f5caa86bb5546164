import { describe, expect, it } from "vitest";
import { callAs, registerTenant } from "../support/identity.ts";
import { daysAgo, generate, type ReportBody, seedDay } from "./support.ts";

describe("reports tenant isolation", () => {
  it("keeps a tenant's reports from another: 404 for its ids, absent from lists, figures of its own", async () => {
    const [a, b] = await Promise.all([registerTenant(), registerTenant()]);
    const day = daysAgo(3);
    await seedDay(a.tenantId, day);
    const { report } = await generate(a, day);
    for (const format of ["", "?format=html"]) {
      const read = await callAs(b, "GET", `/api/v1/reports/${report.id}${format}`);
      expect(read.status).toBe(404);
      expect(read.headers.get("content-type")).toContain("application/problem+json");
    }
    const list = await callAs(b, "GET", "/api/v1/reports?limit=100");
    expect((await list.json<{ data: ReportBody[] }>()).data).toEqual([]);
    // B's report of the same day is its own row, with none of A's figures.
    const own = await generate(b, day);
    expect(own.status).toBe(201);
    expect(own.report.id).not.toBe(report.id);
    expect(own.report.alerts.fired).toBe(0);
    expect(own.report.telemetry.metric_points).toBe(0);
    expect(own.report.activity.audits?.created).toBe(0);
  });
});
