import type { Database } from "../db/client.ts";
import {
  deleteTenantRow,
  findTenantRow,
  insertTenantRow,
  type TenantRowInput,
  updateTenantRow,
} from "../db/tenant-rows.ts";
import { listTenantRows, type Page } from "../http/pagination.ts";
import { checkRegexesReadable, seriesPoints } from "../telemetry/queries.ts";
import { parseSelector } from "../telemetry/selector.ts";
import { type PreviewStep, previewRule, type RuleSpec } from "./evaluation.ts";
import { alertRules } from "./tables.ts";

export type AlertRule = typeof alertRules.$inferSelect;
export type AlertRuleInput = TenantRowInput<typeof alertRules>;

export const listRules = (db: Database, tenantId: string, page: Page): Promise<AlertRule[]> =>
  listTenantRows(db, alertRules, tenantId, page);

export const findRule = (db: Database, tenantId: string, id: string): Promise<AlertRule | null> =>
  findTenantRow(db, alertRules, tenantId, id);

export async function createRule(db: Database, tenantId: string, input: AlertRuleInput): Promise<AlertRule> {
  await checkRegexesReadable(db, parseSelector(input.selector), "body.selector");
  return insertTenantRow(db, alertRules, tenantId, input);
}

export async function updateRule(
  db: Database,
  tenantId: string,
  id: string,
  changes: Partial<AlertRuleInput>,
): Promise<AlertRule | null> {
  if (changes.selector !== undefined)
    await checkRegexesReadable(db, parseSelector(changes.selector), "body.selector");
  return updateTenantRow(db, alertRules, tenantId, id, changes);
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
