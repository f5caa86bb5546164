import { z } from "@hono/zod-openapi";
import { changesOf, isoOrNull, timestamp } from "../http/api-schemas.ts";
import { ListQuerySchema } from "../http/pagination.ts";
import { MAX_STEPS } from "../telemetry/api-schemas.ts";
import { parseSelector, SelectorError } from "../telemetry/selector.ts";
import type { AlertRow, AlertTransition } from "./alerts.ts";
import { type Alert, COMPARATORS, type PreviewStep, RANGE_FUNCTIONS } from "./evaluation.ts";
import type { AlertRule } from "./rules.ts";
import { ALERT_STATES, SEVERITIES } from "./tables.ts";

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
    created_at: timestamp(),
    updated_at: timestamp(),
  })
  .openapi("AlertRule");

export const renderRule = (rule: AlertRule) => ({
  id: rule.id,
  name: rule.name,
  selector: rule.selector,
  function: rule.function,
  window_seconds: rule.windowSeconds,
  comparator: rule.comparator,
  threshold: rule.threshold,
  for_seconds: rule.forSeconds,
  keep_firing_for_seconds: rule.keepFiringForSeconds,
  severity: rule.severity,
  labels: rule.labels,
  annotations: rule.annotations,
  enabled: rule.enabled,
  created_at: rule.createdAt.toISOString(),
  updated_at: rule.updatedAt.toISOString(),
});

/** The body of a rule's fields in the table's names. */
export function ruleInputOf(body: Partial<z.output<typeof RuleFields>>) {
  return {
    ...(body.name !== undefined && { name: body.name }),
    ...(body.selector !== undefined && { selector: body.selector }),
    ...(body.function !== undefined && { function: body.function }),
    ...(body.window_seconds !== undefined && { windowSeconds: body.window_seconds }),
    ...(body.comparator !== undefined && { comparator: body.comparator }),
    ...(body.threshold !== undefined && { threshold: body.threshold }),
    ...(body.for_seconds !== undefined && { forSeconds: body.for_seconds }),
    ...(body.keep_firing_for_seconds !== undefined && { keepFiringForSeconds: body.keep_firing_for_seconds }),
    ...(body.severity !== undefined && { severity: body.severity }),
    ...(body.labels !== undefined && { labels: body.labels }),
    ...(body.annotations !== undefined && { annotations: body.annotations }),
    ...(body.enabled !== undefined && { enabled: body.enabled }),
  };
}

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

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

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

export const renderStoredAlert = (alert: AlertRow) => ({
  id: alert.id,
  rule_id: alert.ruleId,
  labels: alert.labels,
  annotations: alert.annotations,
  state: alert.state,
  active_at: alert.activeAt.toISOString(),
  fired_at: isoOrNull(alert.firedAt),
  resolved_at: isoOrNull(alert.resolvedAt),
  value: alert.value,
  updated_at: alert.updatedAt.toISOString(),
});

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

export const renderTransition = (transition: AlertTransition) => ({
  id: transition.id,
  alert_id: transition.alertId,
  rule_id: transition.ruleId,
  labels: transition.labels,
  from_state: transition.fromState,
  to_state: transition.toState,
  value: transition.value,
  at: transition.at.toISOString(),
});
