import { z } from "@hono/zod-openapi";
import { changesOf, fieldsOf, timestamp, timestampFields } from "../http/api-schemas.ts";
import { ListQuerySchema } from "../http/pagination.ts";
import { MAX_STEPS } from "../telemetry/api-schemas.ts";
import { parseSelector, SelectorError } from "../telemetry/selector.ts";
import type { AlertRow, AlertTransition } from "./alerts.ts";
import type { AlertChannel, AlertSilence } from "./channels.ts";
import { type Alert, COMPARATORS, type PreviewStep, RANGE_FUNCTIONS } from "./evaluation.ts";
import { LabelMatcherSchema } from "./matchers.ts";
import type { AlertRule } from "./rules.ts";
import { ALERT_STATES, CHANNEL_TYPES, SEVERITIES } from "./tables.ts";

const LabelName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "a label name: letters, digits and _");
const seconds = (description: string, max: number) =>
  z.number().int().min(0).max(max).openapi({ description });
const DAY = 86_400;

const RuleFields = z.object({
  name: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]{0,99}$/, "letters, digits and _, starting with a letter or _")
    .openapi({ description: "The alert's name: its `alertname` label.", example: "HighCpu" }),
  selector: z
    .string()
    .min(1)
    .max(2000)
    .superRefine((text, ctx) => {
      try {
        parseSelector(text);
      } catch (error) {
        ctx.addIssue({
          code: "custom",
          message: error instanceof SelectorError ? error.message : "is not valid",
        });
      }
    })
    .openapi({ description: "A PromQL series selector.", example: 'cpu{host=~"web-.*"}' }),
  function: z.enum(RANGE_FUNCTIONS).openapi({
    description: "Applied to each series over the window, exactly as Prometheus defines it.",
  }),
  window_seconds: z.number().int().min(1).max(DAY).openapi({ description: "The range: `[window]`." }),
  comparator: z.enum(COMPARATORS),
  threshold: z.number(),
  for_seconds: seconds("How long an alert stays pending before it fires.", DAY).default(0),
  keep_firing_for_seconds: seconds(
    "How long a firing alert keeps firing after its condition clears.",
    DAY,
  ).default(0),
  severity: z
    .enum(SEVERITIES)
    .default("warning")
    .openapi({ description: "Also the alerts' `severity` label." }),
  labels: z
    .record(LabelName, z.string().max(1000))
    .refine((labels) => Object.keys(labels).length <= 32, "at most 32 labels")
    .default({}),
  annotations: z
    .record(LabelName, z.string().max(4000))
    .refine((annotations) => Object.keys(annotations).length <= 32, "at most 32 annotations")
    .default({})
    .openapi({ description: "Templates: `{{ $labels.host }}` and `{{ $value }}` are expanded per alert." }),
  enabled: z.boolean().default(true),
});

export const AlertRuleCreateSchema = RuleFields.strict().openapi("AlertRuleCreate");
export const AlertRuleUpdateSchema = changesOf(
  RuleFields.extend({
    // Defaults apply on creation only: a change names what it changes.
    for_seconds: seconds("How long an alert stays pending before it fires.", DAY),
    keep_firing_for_seconds: seconds("How long a firing alert keeps firing after its condition clears.", DAY),
    severity: z.enum(SEVERITIES),
    labels: z.record(LabelName, z.string().max(1000)),
    annotations: z.record(LabelName, z.string().max(4000)),
    enabled: z.boolean(),
  }).strict(),
).openapi("AlertRuleUpdate");

export const AlertRuleSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    selector: z.string(),
    function: z.enum(RANGE_FUNCTIONS),
    window_seconds: z.number().int(),
    comparator: z.enum(COMPARATORS),
    threshold: z.number(),
    for_seconds: z.number().int(),
    keep_firing_for_seconds: z.number().int(),
    severity: z.enum(SEVERITIES),
    labels: z.record(z.string(), z.string()),
    annotations: z.record(z.string(), z.string()),
    enabled: z.boolean(),
    evaluated_at: timestamp()
      .nullable()
      .openapi({ description: "The minute of the last evaluation (every minute while enabled)." }),
    ...timestampFields,
  })
  .openapi("AlertRule");

export const renderRule = (rule: AlertRule) =>
  fieldsOf(
    rule,
    "id",
    "name",
    "selector",
    "function",
    "windowSeconds",
    "comparator",
    "threshold",
    "forSeconds",
    "keepFiringForSeconds",
    "severity",
    "labels",
    "annotations",
    "enabled",
    "evaluatedAt",
    "createdAt",
    "updatedAt",
  );

const instant = z.iso
  .datetime({ offset: true })
  .transform(Date.parse)
  .openapi({ type: "string", format: "date-time" });

export const PreviewRequestSchema = z
  .object({
    start: instant,
    end: instant,
    step_seconds: z.number().int().min(1).max(DAY).default(60),
  })
  .strict()
  .refine((body) => body.end >= body.start, { path: ["end"], message: "must not be before start" })
  .refine((body) => (body.end - body.start) / (body.step_seconds * 1000) <= MAX_STEPS, {
    path: ["step_seconds"],
    message: `at most ${MAX_STEPS} steps; use a longer step or a shorter range`,
  })
  .openapi("AlertRulePreviewRequest");

const AlertSchema = z
  .object({
    labels: z.record(z.string(), z.string()),
    annotations: z.record(z.string(), z.string()),
    state: z.enum(["pending", "firing", "resolved"]),
    active_at: timestamp(),
    fired_at: timestamp().nullable(),
    resolved_at: timestamp().nullable(),
    value: z.number().nullable().openapi({ description: "null where the value is NaN or infinite." }),
  })
  .openapi("PreviewAlert");

export const PreviewSchema = z
  .object({
    steps: z.array(z.object({ time: timestamp(), alerts: z.array(AlertSchema) })),
  })
  .openapi("AlertRulePreview");

/** A time in milliseconds (or none) as RFC 3339. */
export const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const renderAlert = (alert: Alert) => ({
  labels: alert.labels,
  annotations: alert.annotations,
  state: alert.state === "inactive" ? ("resolved" as const) : alert.state,
  active_at: new Date(alert.activeAt).toISOString(),
  fired_at: iso(alert.firedAt),
  resolved_at: iso(alert.resolvedAt),
  value: Number.isFinite(alert.value) ? alert.value : null,
});

export const renderPreview = (steps: PreviewStep[]) => ({
  steps: steps.map((step) => ({
    time: new Date(step.t).toISOString(),
    alerts: step.alerts.map(renderAlert),
  })),
});

const ReportedState = z.enum(["pending", "firing", "resolved"]);

export const AlertListQuerySchema = ListQuerySchema.extend({
  state: ReportedState.optional().openapi({
    description: "Only alerts in this state; without it, the active ones (pending and firing).",
  }),
  rule_id: z.uuid().optional().openapi({ description: "Only the alerts of this rule." }),
});

export const StoredAlertSchema = z
  .object({
    id: z.uuid(),
    rule_id: z.uuid(),
    labels: z.record(z.string(), z.string()),
    annotations: z
      .record(z.string(), z.string())
      .openapi({ description: "The rule's annotations expanded with the alert's labels and last value." }),
    state: z.enum(ALERT_STATES),
    active_at: timestamp().openapi({
      description: "Since when the condition has held (Prometheus's activeAt).",
    }),
    fired_at: timestamp().nullable(),
    resolved_at: timestamp().nullable(),
    value: z
      .number()
      .nullable()
      .openapi({ description: "The last value; null where it was NaN or infinite." }),
    updated_at: timestamp().openapi({ description: "The tick that last changed the alert." }),
  })
  .openapi("Alert");

export const renderStoredAlert = (alert: AlertRow) =>
  fieldsOf(
    alert,
    "id",
    "ruleId",
    "labels",
    "annotations",
    "state",
    "activeAt",
    "firedAt",
    "resolvedAt",
    "value",
    "updatedAt",
  );

export const AlertHistoryQuerySchema = ListQuerySchema.extend({
  state: z.enum(ALERT_STATES).optional().openapi({ description: "Only transitions into this state." }),
  rule_id: z.uuid().optional().openapi({ description: "Only the transitions of this rule's alerts." }),
});

export const AlertTransitionSchema = z
  .object({
    id: z.uuid(),
    alert_id: z.uuid(),
    rule_id: z.uuid(),
    labels: z.record(z.string(), z.string()),
    from_state: z.enum(ALERT_STATES),
    to_state: z.enum(ALERT_STATES),
    value: z.number().nullable(),
    at: timestamp().openapi({ description: "The evaluation that made the change." }),
  })
  .openapi("AlertTransition");

export const renderTransition = (transition: AlertTransition) =>
  fieldsOf(transition, "id", "alertId", "ruleId", "labels", "fromState", "toState", "value", "at");

const DEFAULT_GROUP_BY = ["alertname"];

const ChannelFields = z.object({
  name: z.string().trim().min(1).max(200),
  type: z.enum(CHANNEL_TYPES).openapi({
    description: "`webhook`: Borde's JSON; `slack`: a Slack-compatible incoming webhook, sent `{ text }`.",
  }),
  url: z.url().max(2000).openapi({ description: "Where notifications are POSTed (http or https)." }),
  matchers: z
    .array(LabelMatcherSchema)
    .max(32)
    .default([])
    .openapi({ description: "The alerts this channel is sent: all of them when empty." }),
  group_by: z
    .array(LabelName)
    .max(32)
    .default(DEFAULT_GROUP_BY)
    .openapi({ description: "Alerts with the same values of these labels are notified together." }),
  group_wait_seconds: seconds(
    "How long a new group waits for more alerts before it is notified.",
    DAY,
  ).default(30),
  group_interval_seconds: seconds(
    "How long after a notification a changed group is notified again.",
    DAY,
  ).default(300),
  repeat_interval_seconds: z
    .number()
    .int()
    .min(60)
    .max(7 * DAY)
    .default(14_400)
    .openapi({ description: "How often an unchanged group with firing alerts is notified again." }),
  send_resolved: z.boolean().default(true),
  enabled: z.boolean().default(true),
});

export const AlertChannelCreateSchema = ChannelFields.extend({
  secret: z.string().min(16).max(200).optional().openapi({
    description: "The HMAC-SHA256 signing key; generated when not given. Either way it is shown only once.",
  }),
})
  .strict()
  .openapi("AlertChannelCreate");

export const AlertChannelUpdateSchema = changesOf(
  ChannelFields.extend({
    matchers: z.array(LabelMatcherSchema).max(32),
    group_by: z.array(LabelName).max(32),
    group_wait_seconds: seconds("How long a new group waits before it is notified.", DAY),
    group_interval_seconds: seconds("How long after a notification a changed group is notified again.", DAY),
    repeat_interval_seconds: z
      .number()
      .int()
      .min(60)
      .max(7 * DAY),
    send_resolved: z.boolean(),
    enabled: z.boolean(),
  }).strict(),
).openapi("AlertChannelUpdate");

export const AlertChannelSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    type: z.enum(CHANNEL_TYPES),
    url: z.string(),
    matchers: z.array(LabelMatcherSchema),
    group_by: z.array(z.string()),
    group_wait_seconds: z.number().int(),
    group_interval_seconds: z.number().int(),
    repeat_interval_seconds: z.number().int(),
    send_resolved: z.boolean(),
    enabled: z.boolean(),
    ...timestampFields,
  })
  .openapi("AlertChannel");

export const CreatedAlertChannelSchema = AlertChannelSchema.extend({
  secret: z.string().openapi({ description: "The signing key: shown here once, never again." }),
}).openapi("CreatedAlertChannel");

export const renderChannel = (channel: AlertChannel) =>
  fieldsOf(
    channel,
    "id",
    "name",
    "type",
    "url",
    "matchers",
    "groupBy",
    "groupWaitSeconds",
    "groupIntervalSeconds",
    "repeatIntervalSeconds",
    "sendResolved",
    "enabled",
    "createdAt",
    "updatedAt",
  );

export const AlertSilenceCreateSchema = z
  .object({
    matchers: z
      .array(LabelMatcherSchema)
      .min(1)
      .max(32)
      .openapi({ description: "The alerts it silences: those whose labels match every matcher." }),
    starts_at: instant.optional().openapi({ description: "Now when not given." }),
    ends_at: instant,
    comment: z.string().trim().min(1).max(2000),
  })
  .strict()
  .refine((body) => body.ends_at > (body.starts_at ?? Date.now()), {
    path: ["ends_at"],
    message: "must be after starts_at (and after now)",
  })
  .openapi("AlertSilenceCreate");

export const AlertSilenceSchema = z
  .object({
    id: z.uuid(),
    matchers: z.array(LabelMatcherSchema),
    starts_at: timestamp(),
    ends_at: timestamp(),
    comment: z.string(),
    created_at: timestamp(),
  })
  .openapi("AlertSilence");

export const renderSilence = (silence: AlertSilence) =>
  fieldsOf(silence, "id", "matchers", "startsAt", "endsAt", "comment", "createdAt");
