import { CATEGORIES, type Category, type Check, type CheckStatus, type Severity } from "./result.ts";

/**
 * Scores, 0–100. Each check weighs by its severity (critical 10, high 5, medium 3, low 1) and earns
 * its full weight when it passes, half when it warns and nothing when it fails. A category's score is
 * earned ÷ possible weight of its checks; the overall score is the same over all checks, so a critical
 * failure costs ten times what a low one does, wherever it sits.
 */
export const SEVERITY_WEIGHT: Record<Severity, number> = { critical: 10, high: 5, medium: 3, low: 1 };
export const STATUS_CREDIT: Record<CheckStatus, number> = { pass: 1, warn: 0.5, fail: 0 };

function score(checks: Check[]): number {
  const possible = checks.reduce((sum, check) => sum + SEVERITY_WEIGHT[check.severity], 0);
  if (possible === 0) return 100;
  const earned = checks.reduce(
    (sum, check) => sum + SEVERITY_WEIGHT[check.severity] * STATUS_CREDIT[check.status],
    0,
  );
  return Math.round((100 * earned) / possible);
}

export function scoreChecks(checks: Check[]): { overall: number; categories: Record<Category, number> } {
  const categories = Object.fromEntries(
    CATEGORIES.map((category) => [category, score(checks.filter((check) => check.category === category))]),
  ) as Record<Category, number>;
  return { overall: score(checks), categories };
}
