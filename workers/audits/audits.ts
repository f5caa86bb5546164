import { and, eq, inArray, lt, sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { claimableRun } from "../db/run-leases.ts";
import { findTenantRow, tenantRow, tenantRows } from "../db/tenant-rows.ts";
import { HttpProblem } from "../http/problem.ts";
import { projects } from "../projects/tables.ts";
import type { AuditResult } from "./result.ts";
import { audits } from "./tables.ts";

export type Audit = typeof audits.$inferSelect;

/** How long an Idempotency-Key keeps returning the audit it created (the API convention: 24 h). */
export const IDEMPOTENCY_HOURS = 24;

/** A claimed audit that has not finished within this long is taken to have lost its consumer. */
const RUN_LEASE_MINUTES = 15;

/**
 * Creates a queued audit of a tenant's project, or returns the audit created with the same
 * Idempotency-Key in the last 24 hours. The insert and the unique key do it in one statement, so two
 * racing requests with one key get one audit.
 * Null when the project is not the tenant's.
 */
export async function createAudit(
  db: Database,
  tenantId: string,
  projectId: string,
  idempotencyKey: string | null,
): Promise<{ audit: Audit; created: boolean } | null> {
  const [project] = await db
    .select({ id: projects.id })
    .from(projects)
    .where(tenantRow(projects, tenantId, projectId))
    .limit(1);
  if (!project) return null;
  if (idempotencyKey !== null) {
    // An expired key is let go, so the same key starts a new audit.
    await db
      .update(audits)
      .set({ idempotencyKey: null })
      .where(
        tenantRows(
          audits,
          tenantId,
          eq(audits.idempotencyKey, idempotencyKey),
          lt(audits.createdAt, sql`now() - make_interval(hours => ${IDEMPOTENCY_HOURS})`),
        ),
      );
  }
  const [inserted] = await db
    .insert(audits)
    .values({ tenantId, projectId, idempotencyKey })
    .onConflictDoNothing({ target: [audits.tenantId, audits.idempotencyKey] })
    .returning();
  if (inserted) return { audit: inserted, created: true };
  const [existing] = await db
    .select()
    .from(audits)
    .where(tenantRows(audits, tenantId, eq(audits.idempotencyKey, idempotencyKey ?? "")))
    .limit(1);
  if (!existing) throw new Error("idempotency key conflicted but no audit holds it");
  if (existing.projectId !== projectId) {
    throw new HttpProblem(
      "idempotency-key-reused",
      "This Idempotency-Key was already used for another project's audit.",
    );
  }
  return { audit: existing, created: false };
}

export const findAudit = (db: Database, tenantId: string, id: string): Promise<Audit | null> =>
  findTenantRow(db, audits, tenantId, id);

export type ClaimedAudit = {
  audit: Audit;
  project: { name: string; siteUrl: string; keywords: string[]; maxPages: number };
};

/**
 * Moves a queued audit to running for this consumer (system context). Only one delivery of a message
 * wins the conditional UPDATE; a duplicate finds it running or done and does nothing. A run whose
 * lease ran out (its consumer died) can be claimed again.
 */
export async function claimAudit(db: Database, id: string): Promise<ClaimedAudit | null> {
  const [audit] = await db
    .update(audits)
    .set({ status: "running", startedAt: new Date(), attempts: sql`${audits.attempts} + 1`, pagesDone: 0 })
    .where(and(eq(audits.id, id), claimableRun(audits, RUN_LEASE_MINUTES)))
    .returning();
  if (!audit) return null;
  const [project] = await db
    .select({
      name: projects.name,
      siteUrl: projects.siteUrl,
      keywords: projects.keywords,
      maxPages: projects.maxPages,
    })
    .from(projects)
    .where(eq(projects.id, audit.projectId))
    .limit(1);
  if (!project) return null;
  return { audit, project };
}

export async function recordProgress(db: Database, id: string, done: number, planned: number): Promise<void> {
  await db
    .update(audits)
    .set({ pagesDone: done, pagesPlanned: planned })
    .where(and(eq(audits.id, id), eq(audits.status, "running")));
}

/** Stores the result and stamps the project's last audit, in one transaction. */
export async function completeAudit(db: Database, audit: Audit, result: AuditResult): Promise<void> {
  const finishedAt = new Date();
  await db.transaction(async (tx) => {
    await tx
      .update(audits)
      .set({ status: "completed", result, score: result.scores.overall, finishedAt, error: null })
      .where(and(eq(audits.id, audit.id), eq(audits.status, "running")));
    await tx.update(projects).set({ lastAuditAt: finishedAt }).where(eq(projects.id, audit.projectId));
  });
}

/** Puts a run that hit an error back in the queue state, so the retried message can claim it. */
export async function releaseAudit(db: Database, id: string, reason: string): Promise<void> {
  await db
    .update(audits)
    .set({ status: "queued", error: reason })
    .where(and(eq(audits.id, id), eq(audits.status, "running")));
}

/** Marks an audit failed for good (its message reached the dead-letter queue). */
export async function failAudit(db: Database, id: string, reason: string): Promise<boolean> {
  const rows = await db
    .update(audits)
    .set({
      status: "failed",
      error: sql`${reason} || coalesce(' Last error: ' || ${audits.error}, '')`,
      finishedAt: new Date(),
    })
    .where(and(eq(audits.id, id), inArray(audits.status, ["queued", "running"])))
    .returning({ id: audits.id });
  return rows.length > 0;
}
