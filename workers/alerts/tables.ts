import {
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  unique,
  uuid,
} from "drizzle-orm/pg-core";
import { createdAt, id, timestamps } from "../db/columns.ts";
import { tenantIsolation } from "../db/policies.ts";
import { tenantIdColumn } from "../identity/tables.ts";
import { COMPARATORS, RANGE_FUNCTIONS } from "./evaluation.ts";

export const SEVERITIES = ["info", "warning", "critical"] as const;

const instant = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });

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
    /** The last tick the rule was evaluated at: a tick at or before it is a repeat and changes nothing. */
    evaluatedAt: instant("evaluated_at"),
    ...timestamps(),
  },
  (table) => [index("alert_rules_tenant_idx").on(table.tenantId, table.id), tenantIsolation()],
);

/**
 * An alert's state as stored: Prometheus's pending and firing, `resolved` for the 15 minutes a resolved
 * alert is kept, and `inactive` once it is forgotten (a pending alert whose condition cleared, say).
 */
export const ALERT_STATES = ["pending", "firing", "resolved", "inactive"] as const;
export type StoredAlertState = (typeof ALERT_STATES)[number];

/** One alert of a rule per series, identified by its label set, with the state the last tick left. */
export const alerts = pgTable(
  "alerts",
  {
    id: id(),
    tenantId: tenantIdColumn(),
    ruleId: uuid("rule_id")
      .notNull()
      .references(() => alertRules.id, { onDelete: "cascade" }),
    labels: jsonb("labels").$type<Record<string, string>>().notNull(),
    /** The labels as canonical JSON (keys sorted), what tells a rule's alerts apart. */
    labelsKey: text("labels_key").notNull(),
    state: text("state", { enum: ALERT_STATES }).notNull(),
    activeAt: instant("active_at").notNull(),
    firedAt: instant("fired_at"),
    resolvedAt: instant("resolved_at"),
    /** When a firing alert's condition first cleared, while `keep_firing_for` holds it firing. */
    keepFiringSince: instant("keep_firing_since"),
    /** The last value of the rule's expression; null where it was NaN or infinite. */
    value: doublePrecision("value"),
    /** The rule's annotations expanded with this alert's labels and value. */
    annotations: jsonb("annotations").$type<Record<string, string>>().notNull(),
    ...timestamps(),
  },
  (table) => [
    unique("alerts_rule_labels_key").on(table.ruleId, table.labelsKey),
    index("alerts_tenant_idx").on(table.tenantId, table.id),
    tenantIsolation(),
  ],
);

/** Every change of an alert's state, at the tick that made it. */
export const alertTransitions = pgTable(
  "alert_transitions",
  {
    id: id(),
    tenantId: tenantIdColumn(),
    ruleId: uuid("rule_id")
      .notNull()
      .references(() => alertRules.id, { onDelete: "cascade" }),
    alertId: uuid("alert_id")
      .notNull()
      .references(() => alerts.id, { onDelete: "cascade" }),
    labels: jsonb("labels").$type<Record<string, string>>().notNull(),
    fromState: text("from_state", { enum: ALERT_STATES }).notNull(),
    toState: text("to_state", { enum: ALERT_STATES }).notNull(),
    value: doublePrecision("value"),
    at: instant("at").notNull(),
    createdAt: createdAt(),
  },
  (table) => [index("alert_transitions_tenant_idx").on(table.tenantId, table.id), tenantIsolation()],
);
