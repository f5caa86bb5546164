import type { Database } from "../db/client.ts";
import { deleteTenantRow, tenantRow } from "../db/tenant-rows.ts";
import { type Page, tenantPage } from "../http/pagination.ts";
import { checkRegexesReadable, seriesPoints } from "../telemetry/queries.ts";
import { parseSelector } from "../telemetry/selector.ts";
import { type PreviewStep, previewRule, type RuleSpec } from "./evaluation.ts";
import { alertRules } from "./tables.ts";

export type AlertRule = typeof alertRules.$inferSelect;
export type AlertRuleInput = Omit<
  typeof alertRules.$inferInsert,
  "id" | "tenantId" | "createdAt" | "updatedAt"
>;

export function listRules(db: Database, tenantId: string, page: Page): Promise<AlertRule[]> {
  return tenantPage(db.select().from(alertRules).$dynamic(), alertRules, tenantId, page);
}

export async function findRule(db: Database, tenantId: string, id: string): Promise<AlertRule | undefined> {
  const [rule] = await db
    .select()
    .from(alertRules)
    .where(tenantRow(alertRules, tenantId, id))
    .limit(1);
  return rule;
}

export async function createRule(db: Database, tenantId: string, input: AlertRuleInput): Promise<AlertRule> {
  await checkRegexesReadable(db, parseSelector(input.selector), "body.selector");
  const [rule] = await db
    .insert(alertRules)
    .values({ ...input, tenantId })
    .returning();
  if (!rule) throw new Error("insert returned no rule");
  return rule;
}

export async function updateRule(
  db: Database,
  tenantId: string,
  id: string,
  changes: Partial<AlertRuleInput>,
): Promise<AlertRule | undefined> {
  if (changes.selector !== undefined)
    await checkRegexesReadable(db, parseSelector(changes.selector), "body.selector");
  const [rule] = await db
    .update(alertRules)
    .set(changes)
    .where(tenantRow(alertRules, tenantId, id))
    .returning();
  return rule;
}

export const deleteRule = (db: Database, tenantId: string, id: string) =>
  deleteTenantRow(db, alertRules, tenantId, id);

/** The rule as the evaluator reads it: its severity is the `severity` label, as Prometheus rules write it. */
export function ruleSpecOf(rule: AlertRule): RuleSpec {
  return {
    name: rule.name,
    fn: rule.function,
    windowMs: rule.windowSeconds * 1000,
    comparator: rule.comparator,
    threshold: rule.threshold,
    forMs: rule.forSeconds * 1000,
    keepFiringForMs: rule.keepFiringForSeconds * 1000,
    labels: { severity: rule.severity, ...rule.labels },
    annotations: rule.annotations,
  };
}

/** A preview reads at most this many points; past it the caller narrows the range. */
export const MAX_PREVIEW_POINTS = 200_000;

/**
 * The rule evaluated every step over the stored points, from no state at `startMs`: what it would have
 * done, notifying nobody. Null when the range holds more than MAX_PREVIEW_POINTS points.
 */
export async function previewStoredRule(
  db: Database,
  tenantId: string,
  rule: AlertRule,
  range: { startMs: number; endMs: number; stepMs: number },
): Promise<PreviewStep[] | null> {
  const series = await seriesPoints(
    db,
    tenantId,
    parseSelector(rule.selector),
    { startMs: range.startMs - rule.windowSeconds * 1000, endMs: range.endMs },
    MAX_PREVIEW_POINTS,
  );
  return series ? previewRule(ruleSpecOf(rule), series, range) : null;
}
