import { and, asc, isNotNull, lte, sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { nextRunAfter } from "../projects/schedule-expression.ts";
import { projects } from "../projects/tables.ts";
import { audits } from "./tables.ts";

/** How many due projects one cron run takes on; the rest wait for the next tick. */
export const SCHEDULE_BATCH = 100;

/**
 * Creates the audits of projects whose next_audit_at has come, and moves next_audit_at to the next slot
 * after `now` (missed slots are not replayed), in one transaction. `FOR UPDATE SKIP LOCKED` lets two
 * overlapping cron runs share the work without waiting on each other, and the unique (project_id,
 * scheduled_slot) key makes a slot produce one audit even if a run is retried. Returns the new audits' ids,
 * for the caller to enqueue once they are committed.
 */
export async function createScheduledAudits(db: Database, now: Date): Promise<string[]> {
  return db.transaction(async (tx) => {
    const due = await tx
      .select({
        id: projects.id,
        tenantId: projects.tenantId,
        schedule: projects.schedule,
        slot: projects.nextAuditAt,
      })
      .from(projects)
      .where(and(isNotNull(projects.nextAuditAt), lte(projects.nextAuditAt, now)))
      .orderBy(asc(projects.nextAuditAt))
      .limit(SCHEDULE_BATCH)
      .for("update", { skipLocked: true });
    if (due.length === 0) return [];
    const created = await tx
      .insert(audits)
      .values(
        due.map((project) => ({
          tenantId: project.tenantId,
          projectId: project.id,
          trigger: "scheduled" as const,
          scheduledSlot: project.slot,
        })),
      )
      .onConflictDoNothing({ target: [audits.projectId, audits.scheduledSlot] })
      .returning({ id: audits.id });
    const next = due.map((project) => {
      const after = project.slot && project.slot > now ? project.slot : now;
      const at = nextRunAfter(project.schedule, after);
      return sql`(${project.id}::uuid, ${at ? at.toISOString() : null}::timestamptz)`;
    });
    await tx.execute(sql`
      update ${projects} set next_audit_at = next.at, updated_at = now()
      from (values ${sql.join(next, sql`, `)}) as next(id, at)
      where ${projects.id} = next.id`);
    return created.map((row) => row.id);
  });
}

/** A queued audit untouched for this long has probably lost its message (a send failed after the commit). */
export const STALE_QUEUED_MINUTES = 10;

/**
 * Finds queued audits whose message was probably lost and stamps them, so the caller sends their
 * messages again. A message that was only slow is then delivered twice, which the claim makes harmless.
 */
export async function staleQueuedAudits(db: Database, now: Date): Promise<string[]> {
  const cutoff = new Date(now.getTime() - STALE_QUEUED_MINUTES * 60_000);
  const rows = await db.execute<{ id: string }>(sql`
    update ${audits} set updated_at = ${now.toISOString()}::timestamptz
    where ${audits.id} in (
      select id from ${audits}
      where status = 'queued' and updated_at < ${cutoff.toISOString()}::timestamptz
      order by updated_at
      limit ${SCHEDULE_BATCH}
      for update skip locked
    )
    returning ${audits.id}`);
  return rows.rows.map((row) => row.id);
}
