/** The shape of a completed audit's result, stored as JSON on the audit row and returned by the API. */
export const CHECK_STATUSES = ["pass", "warn", "fail"] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

export const SEVERITIES = ["critical", "high", "medium", "low"] as const;
export type Severity = (typeof SEVERITIES)[number];

export const CATEGORIES = ["crawlability", "content", "mobile_social", "performance", "security"] as const;
export type Category = (typeof CATEGORIES)[number];

export type Check = {
  id: string;
  title: string;
  category: Category;
  severity: Severity;
  status: CheckStatus;
  /** What was found: one line per page or item, empty when there is nothing to show. */
  evidence: string[];
};

export type PageMetrics = {
  url: string;
  status: number | null;
  ttfb_ms: number | null;
  bytes: number;
  redirects: number;
  title: string | null;
  error: string | null;
};

export type Suggestion = { priority: number; title: string; detail: string; check_ids: string[] };

export type AuditResult = {
  checks: Check[];
  scores: { overall: number; categories: Record<Category, number> };
  pages: PageMetrics[];
  summary: string;
  suggestions: Suggestion[];
  summary_source: "openai" | "fallback";
};
