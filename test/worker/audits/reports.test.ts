import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { audits } from "../../../workers/audits/tables.ts";
import { projects } from "../../../workers/projects/tables.ts";
import { withTestDatabase } from "../support/database.ts";
import { callAs, registerTenant, type TestAccount } from "../support/identity.ts";
import { createProject, startAudit, waitForAudit } from "./support.ts";

let owner: TestAccount;
let other: TestAccount;
let cleanProject: string;
let defectiveProject: string;

beforeAll(async () => {
  [owner, other] = await Promise.all([registerTenant(), registerTenant()]);
  cleanProject = await createProject(owner, { name: "Clean", site_url: inject("cleanSiteUrl") });
  defectiveProject = await createProject(owner, { name: "Defective", site_url: inject("defectiveSiteUrl") });
  for (const projectId of [cleanProject, cleanProject, defectiveProject]) {
    const { id } = await startAudit(owner, projectId);
    await waitForAudit(owner, id);
  }
});

const get = async <T>(account: TestAccount, path: string) => {
  const response = await callAs(account, "GET", path);
  expect(response.status, await response.clone().text()).toBe(200);
  return response.json<T>();
};

describe("audit reports", () => {
  it("summarises counts by status and average score per project", async () => {
    const summary = await get<{
      counts: Record<string, number>;
      projects: { name: string; completed_audits: number; average_score: number | null }[];
    }>(owner, "/api/v1/audits/summary?days=7");
    expect(summary.counts).toEqual({ queued: 0, running: 0, completed: 3, failed: 0 });
    const clean = summary.projects.find((project) => project.name === "Clean");
    expect(clean?.completed_audits).toBe(2);
    expect(clean?.average_score).toBeGreaterThan(80);
  });

  it("lists a project's history page by page with scores", async () => {
    const first = await get<{ data: { score: number; category_scores: object }[]; next_cursor: string }>(
      owner,
      `/api/v1/audits/history?project_id=${cleanProject}&limit=1`,
    );
    expect(first.data).toHaveLength(1);
    expect(first.data[0]?.category_scores).toMatchObject({ security: 0 });
    const second = await get<{ data: unknown[]; next_cursor: string | null }>(
      owner,
      `/api/v1/audits/history?project_id=${cleanProject}&limit=1&cursor=${first.next_cursor}`,
    );
    expect(second.data).toHaveLength(1);
    expect(second.next_cursor).toBeNull();
  });

  it("shows queued and running audits in the queue", async () => {
    const [queued] = await withTestDatabase((db) =>
      db.insert(audits).values({ tenantId: owner.tenantId, projectId: cleanProject }).returning(),
    );
    const queue = await get<{ data: { id: string; project_name: string; status: string }[] }>(
      owner,
      "/api/v1/audits/queue",
    );
    expect(queue.data).toEqual([
      expect.objectContaining({ id: queued?.id, project_name: "Clean", status: "queued" }),
    ]);
    await withTestDatabase((db) => db.delete(audits).where(eq(audits.id, queued?.id ?? "")));
  });

  it("lists projects due by schedule but not yet queued", async () => {
    const due = await createProject(owner, {
      name: "Due",
      site_url: inject("cleanSiteUrl"),
      schedule: "daily",
    });
    await withTestDatabase((db) =>
      db
        .update(projects)
        .set({ nextAuditAt: new Date(Date.now() - 60_000) })
        .where(eq(projects.id, due)),
    );
    const pending = await get<{ data: { project_id: string; schedule: string }[] }>(
      owner,
      "/api/v1/audits/pending",
    );
    expect(pending.data).toEqual([expect.objectContaining({ project_id: due, schedule: "daily" })]);
    await withTestDatabase((db) =>
      db.update(projects).set({ schedule: "off", nextAuditAt: null }).where(eq(projects.id, due)),
    );
  });

  it("reports durations, success rate and pages per minute", async () => {
    const performance = await get<{
      audits_finished: number;
      success_rate: number;
      duration_ms: { p50: number; p99: number };
      pages_per_minute: number;
    }>(owner, "/api/v1/audits/performance");
    expect(performance.audits_finished).toBe(3);
    expect(performance.success_rate).toBe(1);
    expect(performance.duration_ms.p50).toBeGreaterThanOrEqual(0);
    expect(performance.duration_ms.p99).toBeGreaterThanOrEqual(performance.duration_ms.p50);
    expect(performance.pages_per_minute).toBeGreaterThan(0);
  });

  it("gives per-project KPIs and the top issues in the overview", async () => {
    const result = await get<{
      projects: {
        project_id: string;
        score: number;
        score_change: number | null;
        failing_checks: Record<string, number>;
      }[];
      top_issues: { id: string; projects: number }[];
    }>(owner, "/api/v1/overview");
    const clean = result.projects.find((project) => project.project_id === cleanProject);
    const defective = result.projects.find((project) => project.project_id === defectiveProject);
    expect(clean).toMatchObject({
      score_change: 0,
      failing_checks: { critical: 0, high: 1, medium: 0, low: 0 },
    });
    expect(defective?.score_change).toBeNull();
    expect(defective?.score).toBeLessThan(clean?.score ?? 0);
    expect(result.top_issues[0]).toEqual(expect.objectContaining({ id: "https", projects: 2 }));
  });
});

describe("audit reports tenant isolation", () => {
  it("shows another tenant none of these audits or projects", async () => {
    const summary = await get<{ counts: Record<string, number>; projects: unknown[] }>(
      other,
      "/api/v1/audits/summary",
    );
    expect(summary).toMatchObject({ counts: { completed: 0 }, projects: [] });
    expect((await callAs(other, "GET", `/api/v1/audits/history?project_id=${cleanProject}`)).status).toBe(
      404,
    );
    expect((await get<{ data: unknown[] }>(other, "/api/v1/audits/queue")).data).toEqual([]);
    expect((await get<{ data: unknown[] }>(other, "/api/v1/audits/pending")).data).toEqual([]);
    expect(
      (await get<{ audits_finished: number }>(other, "/api/v1/audits/performance")).audits_finished,
    ).toBe(0);
    expect(await get(other, "/api/v1/overview")).toEqual({ projects: [], top_issues: [], rank_movers: [] });
  });
});
