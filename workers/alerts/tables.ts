import { boolean, doublePrecision, index, integer, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { id, timestamps } from "../db/columns.ts";
import { tenantIsolation } from "../db/policies.ts";
import { tenantIdColumn } from "../identity/tables.ts";
import { COMPARATORS, RANGE_FUNCTIONS } from "./evaluation.ts";

export const SEVERITIES = ["info", "warning", "critical"] as const;

/** `function(selector[window]) comparator threshold`, held `for`, as a Prometheus alerting rule. */
export const alertRules = pgTable(
  "alert_rules",
  {
    id: id(),
    tenantId: tenantIdColumn(),
    /** The alert's name (its `alertname` label). */
    name: text("name").notNull(),
    /** A PromQL series selector, e.g. `cpu{host=~"web-.*"}`. */
    selector: text("selector").notNull(),
    function: text("function", { enum: RANGE_FUNCTIONS }).notNull(),
    windowSeconds: integer("window_seconds").notNull(),
    comparator: text("comparator", { enum: COMPARATORS }).notNull(),
    threshold: doublePrecision("threshold").notNull(),
    forSeconds: integer("for_seconds").notNull().default(0),
    keepFiringForSeconds: integer("keep_firing_for_seconds").notNull().default(0),
    severity: text("severity", { enum: SEVERITIES }).notNull().default("warning"),
    labels: jsonb("labels").$type<Record<string, string>>().notNull(),
    annotations: jsonb("annotations").$type<Record<string, string>>().notNull(),
    enabled: boolean("enabled").notNull().default(true),
    ...timestamps(),
  },
  (table) => [index("alert_rules_tenant_idx").on(table.tenantId, table.id), tenantIsolation()],
);
