import { createScheduledController, env } from "cloudflare:test";
import { eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import worker from "../../../workers/index.ts";
import { projects } from "../../../workers/projects/tables.ts";
import { rankTracking, serpResultPages } from "../../../workers/reputation/tables.ts";
import { dueRankTracking } from "../../../workers/reputation/tracking.ts";
import { createProject } from "../audits/support.ts";
import { withTestDatabase } from "../support/database.ts";
import { callAs, registerTenant, type TestAccount } from "../support/identity.ts";
import { scriptSerp, serpCalls, uniqueKeyword } from "./support.ts";

type ProjectRanksBody = {
  project_id: string;
  domain: string | null;
  last_check_at: string | null;
  next_check_at: string | null;
  keywords: {
    keyword: string;
    latest: { status: string; position: number | null } | null;
    change: number | null;
    movement: string | null;
    history: { status: string; position: number | null; fetched_at: string }[];
  }[];
};

let owner: TestAccount;
const created: string[] = [];
beforeAll(async () => {
  owner = await registerTenant();
});
// Other tests run the cron far in the future: once deleted, these projects add no rank lookups to their queue.
afterAll(() => withTestDatabase((db) => db.delete(projects).where(inArray(projects.id, created))));

/** A project tracked for its ranks; its audits are not scheduled (its site does not exist). */
async function trackedProject(body: Record<string, unknown>): Promise<string> {
  const id = await createProject(owner, body);
  created.push(id);
  await withTestDatabase((db) => db.update(projects).set({ nextAuditAt: null }).where(eq(projects.id, id)));
  return id;
}

const runCron = (scheduledTime: number) =>
  worker.scheduled(
    createScheduledController({ cron: `*/5 * * * * #${crypto.randomUUID()}`, scheduledTime }),
    env,
  );

async function projectRanks(account: TestAccount, projectId: string): Promise<ProjectRanksBody> {
  const response = await callAs(account, "GET", `/api/v1/projects/${projectId}/ranks`);
  expect(response.status, await response.clone().text()).toBe(200);
  return response.json<ProjectRanksBody>();
}

/** Polls the project's ranks until every keyword has `lookups` observations (the real queue runs the job). */
async function waitForLookups(projectId: string, lookups: number): Promise<ProjectRanksBody> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const body = await projectRanks(owner, projectId);
    if (body.keywords.every((keyword) => keyword.history.length >= lookups)) return body;
    if (Date.now() > deadline) throw new Error(`rank tracking did not run: ${JSON.stringify(body)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const makeDue = (projectId: string) =>
  withTestDatabase((db) =>
    db
      .update(rankTracking)
      .set({ nextCheckAt: new Date(Date.now() - 60_000) })
      .where(eq(rankTracking.projectId, projectId)),
  );

describe("rank tracking", () => {
  it("looks up a scheduled project's keywords from the cron through the long queue, and reports the change", async () => {
    const keyword = uniqueKeyword("tracked");
    await scriptSerp(keyword, { ranked: { position: 18, link: "https://www.tracked-site.com/" } });
    const projectId = await trackedProject({
      site_url: "https://www.tracked-site.com/",
      keywords: [keyword],
      schedule: "daily",
    });
    const before = await projectRanks(owner, projectId);
    expect(before).toMatchObject({
      project_id: projectId,
      domain: "tracked-site.com",
      last_check_at: null,
      keywords: [{ keyword, latest: null, change: null, movement: null, history: [] }],
    });

    await runCron(Date.now());
    const first = await waitForLookups(projectId, 1);
    expect(first.keywords[0]).toMatchObject({
      latest: { status: "ranked", position: 18 },
      change: null,
      movement: null,
    });
    expect(first.next_check_at).not.toBeNull();

    await scriptSerp(keyword, { ranked: { position: 4, link: "https://tracked-site.com/better" } });
    await withTestDatabase((db) =>
      db.execute(
        sql`update ${serpResultPages} set fetched_at = fetched_at - interval '16 minutes' where query = ${keyword}`,
      ),
    );
    await makeDue(projectId);
    await runCron(Date.now());
    const second = await waitForLookups(projectId, 2);
    expect(second.keywords[0]).toMatchObject({ latest: { position: 4 }, change: 14, movement: "up" });
    expect(second.keywords[0]?.history.map((observation) => observation.position)).toEqual([4, 18]);
    expect(second.last_check_at).not.toBeNull();
    expect((await serpCalls(keyword)).count).toBe(3);

    const overview = await (await callAs(owner, "GET", "/api/v1/overview")).json<{
      rank_movers: unknown[];
    }>();
    expect(overview.rank_movers).toContainEqual(
      expect.objectContaining({
        project_id: projectId,
        keyword,
        position: 4,
        previous_position: 18,
        change: 14,
        movement: "up",
      }),
    );
  });

  it("finds a due project once when two cron runs overlap, and not a project without a schedule", async () => {
    const keyword = uniqueKeyword("overlap");
    const scheduled = await trackedProject({
      site_url: "https://overlap.example/",
      keywords: [keyword],
      schedule: "weekly",
    });
    const unscheduled = await trackedProject({ site_url: "https://off.example/", keywords: [keyword] });
    const now = new Date();
    const [a, b] = await Promise.all([
      withTestDatabase((db) => dueRankTracking(db, now)),
      withTestDatabase((db) => dueRankTracking(db, now)),
    ]);
    const found = [...a, ...b].map((due) => due.project_id);
    expect(found.filter((id) => id === scheduled)).toHaveLength(1);
    expect(found).not.toContain(unscheduled);
    const again = await withTestDatabase((db) => dueRankTracking(db, now));
    expect(again.map((due) => due.project_id)).not.toContain(scheduled);
  });

  it("answers 404 for an unknown project", async () => {
    const response = await callAs(owner, "GET", `/api/v1/projects/${crypto.randomUUID()}/ranks`);
    expect(response.status).toBe(404);
  });
});
