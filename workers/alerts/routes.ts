import { areaAccess } from "../access/authorize.ts";
import { columnsOf, IdParamSchema } from "../http/api-schemas.ts";
import { jsonResponse } from "../http/openapi.ts";
import { HttpProblem, notFound } from "../http/problem.ts";
import { RouteGroup, tenantRead } from "../http/route-kit.ts";
import { ACTIVE_STATES, listAlerts, listTransitions } from "./alerts.ts";
import {
  AlertHistoryQuerySchema,
  AlertListQuerySchema,
  AlertRuleCreateSchema,
  AlertRuleSchema,
  AlertRuleUpdateSchema,
  AlertTransitionSchema,
  PreviewRequestSchema,
  PreviewSchema,
  renderPreview,
  renderRule,
  renderStoredAlert,
  renderTransition,
  StoredAlertSchema,
} from "./api-schemas.ts";
import {
  createRule,
  deleteRule,
  findRule,
  listRules,
  MAX_PREVIEW_POINTS,
  previewStoredRule,
  updateRule,
} from "./rules.ts";

const ACCESS = areaAccess("alerts");

const routes = new RouteGroup("Alerts", { module: "telemetry" });

const alertRule = routes.resource("alert rule", {
  path: "/api/v1/alerts/rules",
  schema: AlertRuleSchema,
  render: renderRule,
  access: ACCESS,
});

alertRule.list({ summary: "The tenant's alert rules" }, listRules);

alertRule.create(
  {
    summary: "Create an alert rule: function(selector[window]) comparator threshold, held for a while",
    body: AlertRuleCreateSchema,
    responseDescription: "The rule",
  },
  (db, tenantId, body) => createRule(db, tenantId, columnsOf(body)),
);

alertRule.get({ summary: "One alert rule" }, findRule);

alertRule.update(
  { summary: "Change an alert rule", body: AlertRuleUpdateSchema, responseDescription: "The changed rule" },
  (db, tenantId, id, changes) => updateRule(db, tenantId, id, columnsOf(changes)),
);

alertRule.delete({ summary: "Delete an alert rule" }, deleteRule);

routes.add(
  {
    method: "post",
    path: "/api/v1/alerts/rules/{id}/preview",
    operationId: "previewAlertRule",
    summary: "The rule's alerts at each step over stored data, from no state, notifying nobody",
    description: `Evaluates the rule every step from start to end as Prometheus would (a disabled rule too, so one can be tried before it is enabled), and lists each step's alerts: pending, firing, or resolved (kept 15 minutes). Reads at most ${MAX_PREVIEW_POINTS} points.`,
    access: ACCESS.read,
    params: IdParamSchema,
    body: PreviewRequestSchema,
    responses: { 200: jsonResponse(PreviewSchema, "The alerts at each step") },
    problems: [404],
  },
  async (c, { params: { id }, body }) => {
    const range = { startMs: body.start, endMs: body.end, stepMs: body.step_seconds * 1000 };
    const steps = await tenantRead(c, async (db, tenantId) => {
      const rule = await findRule(db, tenantId, id);
      if (!rule) throw notFound("alert rule");
      return previewStoredRule(db, tenantId, rule, range);
    });
    if (!steps)
      throw new HttpProblem(
        "validation-error",
        `The preview would read more than ${MAX_PREVIEW_POINTS} points.`,
        {
          errors: [{ path: "body.start", message: "the range holds too many points; shorten it" }],
        },
      );
    return c.json(renderPreview(steps), 200);
  },
);

const alert = routes.resource("alert", {
  path: "/api/v1/alerts",
  schema: StoredAlertSchema,
  render: renderStoredAlert,
  access: ACCESS,
});

alert.list(
  {
    summary: "The tenant's alerts as the last evaluation left them: the active ones unless a state is asked",
    description:
      "Every enabled rule is evaluated each minute; each series it matches is one alert, identified by its labels.",
    filters: AlertListQuerySchema,
  },
  (db, tenantId, query) =>
    listAlerts(
      db,
      tenantId,
      { states: query.state ? [query.state] : ACTIVE_STATES, ruleId: query.rule_id },
      query,
    ),
);

const transition = routes.resource("alert transition", {
  path: "/api/v1/alerts/history",
  schema: AlertTransitionSchema,
  render: renderTransition,
  access: ACCESS,
});

transition.list(
  {
    operationId: "listAlertHistory",
    summary: "Every change of an alert's state, oldest first",
    filters: AlertHistoryQuerySchema,
    responseDescription: "A page of transitions",
  },
  (db, tenantId, query) =>
    listTransitions(db, tenantId, { state: query.state, ruleId: query.rule_id }, query),
);

export const registerAlertRoutes = routes.register;
