import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../http/app-env.ts";
import { AUTHENTICATED, jsonBody, jsonResponse } from "../../http/openapi.ts";
import { problemResponses } from "../../http/openapi-responses.ts";
import { HttpProblem, notFound } from "../../http/problem.ts";
import { IdParamSchema } from "../../identity/api-schemas.ts";
import { authorize, principalOf } from "../../identity/authorize.ts";
import { errorFields, log } from "../../lib/log.ts";
import {
  AuditCreateSchema,
  AuditResultSchema,
  AuditStatusSchema,
  IdempotencyHeaderSchema,
  renderAuditStatus,
} from "../api-schemas.ts";
import { type Audit, createAudit, findAudit } from "../audits.ts";

const TAGS = ["Audits"];
// Viewers read results; analysts and above spend crawl budget.
const READ = authorize({ role: "viewer", scope: "audits:read" });
const WRITE = authorize({ role: "analyst", scope: "audits:write" });

const createAuditRoute = createRoute({
  method: "post",
  path: "/api/v1/audits",
  operationId: "createAudit",
  tags: TAGS,
  summary: "Queue an audit of a project's site",
  security: AUTHENTICATED,
  middleware: [WRITE] as const,
  request: { headers: IdempotencyHeaderSchema, body: jsonBody(AuditCreateSchema) },
  responses: {
    202: jsonResponse(AuditStatusSchema, "The audit, queued (or the one this Idempotency-Key created)"),
    ...problemResponses(401, 403, 404, 409, 503),
  },
});

const statusRoute = createRoute({
  method: "get",
  path: "/api/v1/audits/{id}/status",
  operationId: "getAuditStatus",
  tags: TAGS,
  summary: "An audit's status and progress",
  security: AUTHENTICATED,
  middleware: [READ] as const,
  request: { params: IdParamSchema },
  responses: { 200: jsonResponse(AuditStatusSchema, "The status"), ...problemResponses(401, 403, 404) },
});

const resultRoute = createRoute({
  method: "get",
  path: "/api/v1/audits/{id}/result",
  operationId: "getAuditResult",
  tags: TAGS,
  summary: "A completed audit's checks, scores, page metrics, summary and suggestions",
  security: AUTHENTICATED,
  middleware: [READ] as const,
  request: { params: IdParamSchema },
  responses: {
    200: jsonResponse(AuditResultSchema, "The result"),
    ...problemResponses(401, 403, 404, 409),
  },
});

/** The caller's tenant's audit with this id; 404 for unknown and foreign ids alike. */
async function callersAudit(c: Context<AppEnv>, id: string): Promise<Audit> {
  const { tenantId } = principalOf(c);
  const audit = await c
    .get("database")
    .tenant(tenantId, (db) => findAudit(db, tenantId, id), { readOnly: true });
  if (!audit) throw notFound("audit");
  return audit;
}

export function registerAuditRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(createAuditRoute, async (c) => {
    const { tenantId } = principalOf(c);
    const { project_id: projectId } = c.req.valid("json");
    const key = c.req.valid("header")["idempotency-key"] ?? null;
    const outcome = await c
      .get("database")
      .tenant(tenantId, (db) => createAudit(db, tenantId, projectId, key));
    if (!outcome) throw notFound("project");
    const { audit, created } = outcome;
    // A replay of a still-queued audit sends its message again: if the first send was lost, this
    // recovers it, and the consumer's claim makes a duplicate harmless.
    if (created || audit.status === "queued") {
      try {
        await c.env.JOBS.send({ type: "audit.run", audit_id: audit.id });
      } catch (error) {
        log("error", "audit not enqueued", { audit_id: audit.id, ...errorFields(error) });
        throw new HttpProblem(
          "service-unavailable",
          "The audit was stored but could not be queued; repeat the request with the same Idempotency-Key.",
        );
      }
    }
    c.header("Location", `/api/v1/audits/${audit.id}/status`);
    return c.json(renderAuditStatus(audit), 202);
  });

  app.openapi(statusRoute, async (c) => {
    const audit = await callersAudit(c, c.req.valid("param").id);
    return c.json(renderAuditStatus(audit), 200);
  });

  app.openapi(resultRoute, async (c) => {
    const audit = await callersAudit(c, c.req.valid("param").id);
    if (audit.status !== "completed" || !audit.result || !audit.finishedAt) {
      throw new HttpProblem("audit-not-ready", `The audit is ${audit.status}; its result is not ready.`);
    }
    return c.json(
      {
        id: audit.id,
        project_id: audit.projectId,
        finished_at: audit.finishedAt.toISOString(),
        ...audit.result,
      },
      200,
    );
  });
}
