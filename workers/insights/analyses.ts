import { and, desc, eq, inArray, lt, sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { claimableRun } from "../db/run-leases.ts";
import { findTenantRow, tenantRows, tenantRowsWith } from "../db/tenant-rows.ts";
import { type Page, rowsToFetch } from "../http/pagination.ts";
import { sha256Hex } from "../lib/crypto.ts";
import type { BrandContext } from "./analysis/modules.ts";
import { MODULES } from "./analysis/modules.ts";
import type { AnalysisWindow } from "./analysis/window-facts.ts";
import { type AnalysisModule, analyses, analysisResults, brands, posts } from "./tables.ts";

export type Analysis = typeof analyses.$inferSelect;
export type AnalysisResult = typeof analysisResults.$inferSelect;
export type AnalysisWithResults = { analysis: Analysis; results: AnalysisResult[] };

/** A running module whose run has not finished within this long is taken to have lost its consumer. */
const RUN_LEASE_MINUTES = 10;

/** What the modules know of a brand: its name, its own handles, its competitors' names, its desired profile. */
export async function brandContext(
  db: Database,
  tenantId: string,
  brandId: string,
): Promise<(BrandContext & { updatedAt: Date }) | null> {
  const brand = await findTenantRow(db, brands, tenantId, brandId);
  if (!brand) return null;
  const competitors =
    brand.competitorIds.length === 0
      ? []
      : await db
          .select({ name: brands.name })
          .from(brands)
          .where(tenantRows(brands, tenantId, inArray(brands.id, brand.competitorIds)));
  return {
    name: brand.name,
    handles: Object.values(brand.handles).map((handle) => handle.toLowerCase()),
    competitorNames: competitors.map((competitor) => competitor.name),
    desiredProfile: brand.desiredProfile,
    updatedAt: brand.updatedAt,
  };
}

/**
 * The hash of everything a run reads: the brand as of its last change, the window, the modules and their
 * schema versions, and the ids and change times of the window's posts. The same hash means the same input.
 */
async function inputHash(
  db: Database,
  tenantId: string,
  window: AnalysisWindow,
  modules: AnalysisModule[],
  brandUpdatedAt: Date,
): Promise<string> {
  const [row] = await db
    .select({
      hash: sql<string>`md5(coalesce(string_agg(${posts.id}::text || ':' || extract(epoch FROM ${posts.updatedAt})::text, ',' ORDER BY ${posts.id}), ''))`,
    })
    .from(posts)
    .where(
      tenantRows(
        posts,
        tenantId,
        eq(posts.brandId, window.brandId),
        sql`${posts.publishedAt} >= ${window.from.toISOString()} AND ${posts.publishedAt} < ${window.to.toISOString()}`,
      ),
    );
  return sha256Hex(
    JSON.stringify({
      posts: row?.hash ?? "",
      brand: brandUpdatedAt.toISOString(),
      from: window.from.toISOString(),
      to: window.to.toISOString(),
      modules: modules.map((module) => `${module}@${MODULES[module].version}`),
    }),
  );
}

async function resultsOf(db: Database, analysisId: string): Promise<AnalysisResult[]> {
  const rows = await db.select().from(analysisResults).where(eq(analysisResults.analysisId, analysisId));
  return rows.sort((a, b) => MODULE_ORDER[a.module] - MODULE_ORDER[b.module]);
}

const MODULE_ORDER = Object.fromEntries(
  Object.keys(MODULES).map((module, index) => [module, index]),
) as Record<AnalysisModule, number>;

/**
 * A new analysis with a queued result per module, or, unless `force`, the analysis of the same input
 * (see inputHash) that has no failed module. Null when the tenant has no such brand.
 */
export async function createAnalysis(
  db: Database,
  tenantId: string,
  window: AnalysisWindow,
  requested: AnalysisModule[],
  force: boolean,
): Promise<(AnalysisWithResults & { reused: boolean }) | null> {
  const brand = await brandContext(db, tenantId, window.brandId);
  if (!brand) return null;
  const modules = [...new Set(requested)].sort((a, b) => MODULE_ORDER[a] - MODULE_ORDER[b]);
  const hash = await inputHash(db, tenantId, window, modules, brand.updatedAt);
  if (!force) {
    const [previous] = await db
      .select()
      .from(analyses)
      .where(
        tenantRows(
          analyses,
          tenantId,
          eq(analyses.brandId, window.brandId),
          eq(analyses.inputHash, hash),
          sql`NOT EXISTS (SELECT 1 FROM ${analysisResults} WHERE ${analysisResults.analysisId} = ${analyses.id} AND ${analysisResults.status} = 'failed')`,
        ),
      )
      .orderBy(desc(analyses.id))
      .limit(1);
    if (previous) return { analysis: previous, results: await resultsOf(db, previous.id), reused: true };
  }
  const [analysis] = await db
    .insert(analyses)
    .values({
      tenantId,
      brandId: window.brandId,
      windowFrom: window.from,
      windowTo: window.to,
      modules,
      inputHash: hash,
    })
    .returning();
  if (!analysis) throw new Error("insert returned no analysis");
  const results = await db
    .insert(analysisResults)
    .values(
      modules.map((module) => ({
        tenantId,
        analysisId: analysis.id,
        brandId: window.brandId,
        module,
        schemaVersion: MODULES[module].version,
      })),
    )
    .returning();
  return {
    analysis,
    results: results.sort((a, b) => MODULE_ORDER[a.module] - MODULE_ORDER[b.module]),
    reused: false,
  };
}

export async function findAnalysis(
  db: Database,
  tenantId: string,
  id: string,
): Promise<AnalysisWithResults | null> {
  const analysis = await findTenantRow(db, analyses, tenantId, id);
  if (!analysis) return null;
  return { analysis, results: await resultsOf(db, analysis.id) };
}

/** The latest completed result of each module for a brand (the source system's one row of q1 … q10). */
export async function latestInsights(
  db: Database,
  tenantId: string,
  brandId: string,
): Promise<AnalysisResult[]> {
  const rows = await db
    .selectDistinctOn([analysisResults.module])
    .from(analysisResults)
    .where(tenantRowsWith(analysisResults, tenantId, { brandId, status: "completed" }))
    .orderBy(analysisResults.module, desc(analysisResults.finishedAt), desc(analysisResults.id));
  return rows.sort((a, b) => MODULE_ORDER[a.module] - MODULE_ORDER[b.module]);
}

/** A page of a brand's finished module results, newest first, to compare runs. */
export function insightHistory(
  db: Database,
  tenantId: string,
  brandId: string,
  page: Page & { module?: AnalysisModule | undefined },
): Promise<AnalysisResult[]> {
  return db
    .select()
    .from(analysisResults)
    .where(
      tenantRowsWith(
        analysisResults,
        tenantId,
        { brandId },
        inArray(analysisResults.status, ["completed", "failed"]),
        page.module ? eq(analysisResults.module, page.module) : undefined,
        page.cursor ? lt(analysisResults.id, page.cursor) : undefined,
      ),
    )
    .orderBy(desc(analysisResults.id))
    .limit(rowsToFetch(page));
}

/** The analysis row of a result, for its window (system context, in a job). */
export async function analysisOf(db: Database, analysisId: string): Promise<Analysis | null> {
  const [analysis] = await db.select().from(analyses).where(eq(analyses.id, analysisId)).limit(1);
  return analysis ?? null;
}

/**
 * Moves a queued result to running for this consumer (system context). Only one delivery wins the
 * conditional UPDATE; a run whose lease ran out can be claimed again.
 */
export async function claimResult(db: Database, id: string): Promise<AnalysisResult | null> {
  const [result] = await db
    .update(analysisResults)
    .set({ status: "running", startedAt: new Date() })
    .where(and(eq(analysisResults.id, id), claimableRun(analysisResults, RUN_LEASE_MINUTES)))
    .returning();
  return result ?? null;
}

export type FinishedResult = Pick<
  AnalysisResult,
  | "status"
  | "model"
  | "source"
  | "attempts"
  | "promptTokens"
  | "completionTokens"
  | "result"
  | "evidence"
  | "rawAnswer"
  | "errors"
  | "sampleSize"
  | "postCount"
>;

export async function finishResult(db: Database, id: string, finished: FinishedResult): Promise<void> {
  await db
    .update(analysisResults)
    .set({ ...finished, finishedAt: new Date() })
    .where(and(eq(analysisResults.id, id), eq(analysisResults.status, "running")));
}

/** Marks a result failed for good (its message ran out of retries). */
export async function giveUpResult(db: Database, id: string, reason: string): Promise<void> {
  await db
    .update(analysisResults)
    .set({ status: "failed", errors: [reason], finishedAt: new Date() })
    .where(and(eq(analysisResults.id, id), inArray(analysisResults.status, ["queued", "running"])));
}

/** Puts a run that hit an error back to queued, so the retried message can claim it. */
export async function releaseResult(db: Database, id: string): Promise<void> {
  await db
    .update(analysisResults)
    .set({ status: "queued" })
    .where(and(eq(analysisResults.id, id), eq(analysisResults.status, "running")));
}
