import { boolean, doublePrecision, index, integer, jsonb, text, unique } from "drizzle-orm/pg-core";
import { createdAt, instant, ownerId, timestamps } from "../db/columns.ts";
import { tenantTable } from "../identity/tables.ts";
import { COMPARATORS, RANGE_FUNCTIONS } from "./evaluation.ts";

export const SEVERITIES = ["info", "warning", "critical"] as const;

/** `function(selector[window]) comparator threshold`, held `for`, as a Prometheus alerting rule. */
export const alertRules = tenantTable(
  "alert_rules",
  {
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
  (table) => [index("alert_rules_tenant_idx").on(table.tenantId, table.id)],
);

/**
 * An alert's state as stored: Prometheus's pending and firing, `resolved` for the 15 minutes a resolved
 * alert is kept, and `inactive` once it is forgotten (a pending alert whose condition cleared, say).
 */
export const ALERT_STATES = ["pending", "firing", "resolved", "inactive"] as const;
export type StoredAlertState = (typeof ALERT_STATES)[number];

/** One alert of a rule per series, identified by its label set, with the state the last tick left. */
export const alerts = tenantTable(
  "alerts",
  {
    ruleId: ownerId("rule_id", () => alertRules.id),
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
  ],
);

/** Every change of an alert's state, at the tick that made it. */
export const alertTransitions = tenantTable(
  "alert_transitions",
  {
    ruleId: ownerId("rule_id", () => alertRules.id),
    alertId: ownerId("alert_id", () => alerts.id),
    labels: jsonb("labels").$type<Record<string, string>>().notNull(),
    fromState: text("from_state", { enum: ALERT_STATES }).notNull(),
    toState: text("to_state", { enum: ALERT_STATES }).notNull(),
    value: doublePrecision("value"),
    at: instant("at").notNull(),
    createdAt: createdAt(),
  },
  (table) => [index("alert_transitions_tenant_idx").on(table.tenantId, table.id)],
);

/** A label matcher as PromQL and Alertmanager write them: `=`, `!=`, `=~`, `!~` (regexes anchored). */
export type LabelMatcher = { label: string; op: "=" | "!=" | "=~" | "!~"; value: string };

export const CHANNEL_TYPES = ["webhook", "slack"] as const;

/**
 * Where a tenant's alerts are sent: a webhook (Borde's JSON) or a Slack-compatible incoming webhook,
 * for the alerts its matchers select, grouped and timed as an Alertmanager route.
 */
export const alertChannels = tenantTable(
  "alert_channels",
  {
    name: text("name").notNull(),
    type: text("type", { enum: CHANNEL_TYPES }).notNull(),
    url: text("url").notNull(),
    matchers: jsonb("matchers").$type<LabelMatcher[]>().notNull(),
    /** The HMAC-SHA256 key every send is signed with; shown once, when the channel is created. */
    secret: text("secret").notNull(),
    groupBy: jsonb("group_by").$type<string[]>().notNull(),
    groupWaitSeconds: integer("group_wait_seconds").notNull(),
    groupIntervalSeconds: integer("group_interval_seconds").notNull(),
    repeatIntervalSeconds: integer("repeat_interval_seconds").notNull(),
    sendResolved: boolean("send_resolved").notNull(),
    enabled: boolean("enabled").notNull().default(true),
    ...timestamps(),
  },
  (table) => [index("alert_channels_tenant_idx").on(table.tenantId, table.id)],
);

/** While it holds, the alerts its matchers select still change state but are not notified. */
export const alertSilences = tenantTable(
  "alert_silences",
  {
    matchers: jsonb("matchers").$type<LabelMatcher[]>().notNull(),
    startsAt: instant("starts_at").notNull(),
    endsAt: instant("ends_at").notNull(),
    comment: text("comment").notNull(),
    ...timestamps(),
  },
  (table) => [index("alert_silences_tenant_idx").on(table.tenantId, table.id)],
);

/** What a channel last told about one group of alerts: when, and which firing alerts it named. */
export const notificationGroups = tenantTable(
  "notification_groups",
  {
    channelId: ownerId("channel_id", () => alertChannels.id),
    /** The group's labels (the channel's `group_by` of its alerts) as canonical JSON. */
    groupKey: text("group_key").notNull(),
    /** When the group first had a firing alert: group_wait counts from here. */
    firstSeenAt: instant("first_seen_at"),
    lastSentAt: instant("last_sent_at"),
    /** The label sets of the firing alerts the last notification named. */
    notifiedKeys: jsonb("notified_keys").$type<string[]>().notNull(),
    ...timestamps(),
  },
  (table) => [unique("notification_groups_channel_group_key").on(table.channelId, table.groupKey)],
);

export const NOTIFICATION_STATUSES = ["firing", "resolved"] as const;

/**
 * The notification log: one row per notification decided (a group's state told at one evaluation), which
 * is what keeps a group's state from being sent twice; the send job marks it sent.
 */
export const notifications = tenantTable(
  "notifications",
  {
    channelId: ownerId("channel_id", () => alertChannels.id),
    groupKey: text("group_key").notNull(),
    groupLabels: jsonb("group_labels").$type<Record<string, string>>().notNull(),
    status: text("status", { enum: NOTIFICATION_STATUSES }).notNull(),
    alerts: jsonb("alerts").$type<NotifiedAlert[]>().notNull(),
    /** The evaluation minute that decided it. */
    decidedAt: instant("decided_at").notNull(),
    sentAt: instant("sent_at"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    createdAt: createdAt(),
  },
  (table) => [
    unique("notifications_channel_group_decided_key").on(table.channelId, table.groupKey, table.decidedAt),
    index("notifications_tenant_idx").on(table.tenantId, table.id),
  ],
);

/** One alert as a notification names it. */
export type NotifiedAlert = {
  key: string;
  rule_id: string;
  status: (typeof NOTIFICATION_STATUSES)[number];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  starts_at: string;
  ends_at: string | null;
  value: number | null;
};
