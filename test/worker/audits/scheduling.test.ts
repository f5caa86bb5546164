import { createScheduledController, env } from "cloudflare:test";
import { and, eq, inArray } from "drizzle-orm";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { audits } from "../../../workers/audits/tables.ts";
import worker from "../../../workers/index.ts";
import { projects } from "../../../workers/projects/tables.ts";
import { withTestDatabase } from "../support/database.ts";
import { registerTenant, type TestAccount } from "../support/identity.ts";
import { createProject, waitForAudit } from "./support.ts";

let owner: TestAccount;
beforeAll(async () => {
  owner = await registerTenant();
});

// Far in the future, and different for every run, so no other test's cron run finds these projects due.
const futureSlot = () => new Date(Date.UTC(2031, 0, 1) + Math.floor(Math.random() * 3000) * 86_400_000);

async function dueProjects(count: number, slot: Date, schedule = "daily"): Promise<string[]> {
  const ids: string[] = [];
  for (let index = 0; index < count; index++)
    ids.push(await createProject(owner, { site_url: inject("cleanSiteUrl"), schedule }));
  await withTestDatabase((db) =>
    db.update(projects).set({ nextAuditAt: slot }).where(inArray(projects.id, ids)),
  );
  return ids;
}

const runCron = (scheduledTime: number) =>
  worker.scheduled(
    createScheduledController({ cron: `*/5 * * * * #${crypto.randomUUID()}`, scheduledTime }),
    env,
  );

const scheduledAuditsOf = (projectIds: string[]) =>
  withTestDatabase((db) =>
    db
      .select()
      .from(audits)
      .where(and(inArray(audits.projectId, projectIds), eq(audits.trigger, "scheduled"))),
  );

describe("scheduled audits", () => {
  it("creates one audit per project and slot when two cron runs overlap, and one more run adds none", async () => {
    const slot = futureSlot();
    const ids = await dueProjects(3, slot);
    const at = slot.getTime() + 5 * 60_000;
    await Promise.all([runCron(at), runCron(at)]);
    await runCron(at + 60_000);

    const created = await scheduledAuditsOf(ids);
    expect(created.map((audit) => audit.projectId).sort()).toEqual([...ids].sort());
    expect(created.every((audit) => audit.scheduledSlot?.getTime() === slot.getTime())).toBe(true);

    const rows = await withTestDatabase((db) => db.select().from(projects).where(inArray(projects.id, ids)));
    const nextMidnight = new Date(slot.getTime() + 86_400_000).toISOString();
    expect(rows.map((row) => row.nextAuditAt?.toISOString())).toEqual([
      nextMidnight,
      nextMidnight,
      nextMidnight,
    ]);
  });

  it("enqueues the scheduled audit, which the consumer runs", async () => {
    const slot = futureSlot();
    const [projectId] = await dueProjects(1, slot);
    await runCron(slot.getTime());
    const [audit] = await scheduledAuditsOf([projectId ?? ""]);
    if (!audit) throw new Error("no scheduled audit");
    const done = await waitForAudit(owner, audit.id);
    expect(done).toMatchObject({ status: "completed", trigger: "scheduled" });
  });

  it("leaves projects alone before their time and when the schedule is off", async () => {
    const slot = futureSlot();
    const [later] = await dueProjects(1, slot);
    const [off] = await dueProjects(1, slot, "off");
    await withTestDatabase((db) =>
      db
        .update(projects)
        .set({ nextAuditAt: null })
        .where(eq(projects.id, off ?? "")),
    );
    await runCron(slot.getTime() - 60_000);
    expect(await scheduledAuditsOf([later ?? "", off ?? ""])).toEqual([]);
  });

  it("sends again the message of an audit left queued too long, and the consumer runs it", async () => {
    const projectId = await createProject(owner, { site_url: inject("cleanSiteUrl") });
    const [audit] = await withTestDatabase((db) =>
      db
        .insert(audits)
        .values({ tenantId: owner.tenantId, projectId, updatedAt: new Date(Date.now() - 11 * 60_000) })
        .returning(),
    );
    if (!audit) throw new Error("no audit inserted");
    await runCron(Date.now());
    expect((await waitForAudit(owner, audit.id)).status).toBe("completed");
  });
});
