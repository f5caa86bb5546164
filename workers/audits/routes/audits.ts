import type { Context } from "hono";
import { areaAccess } from "../../access/authorize.ts";
import { IdParamSchema } from "../../http/api-schemas.ts";
import type { AppEnv } from "../../http/app-env.ts";
import { jsonResponse } from "../../http/openapi.ts";
import { HttpProblem, notFound } from "../../http/problem.ts";
import { jobContext } from "../../http/request-context.ts";
import { RouteGroup, tenantRead, tenantWrite } from "../../http/route-kit.ts";
import { errorFields } from "../../lib/log.ts";
import { enqueue } from "../../queue/enqueue.ts";
import {
  AuditCreateSchema,
  AuditResultSchema,
  AuditStatusSchema,
  IdempotencyHeaderSchema,
  renderAuditStatus,
} from "../api-schemas.ts";
import { type Audit, createAudit, findAudit } from "../audits.ts";
import { auditRunJob } from "../jobs.ts";

// Viewers read results; analysts and above spend crawl budget.
const { read: READ, write: WRITE } = areaAccess("audits");

/** The caller's tenant's audit with this id; 404 for unknown and foreign ids alike. */
async function callersAudit(c: Context<AppEnv>, id: string): Promise<Audit> {
  const audit = await tenantRead(c, (db, tenantId) => findAudit(db, tenantId, id));
  if (!audit) throw notFound("audit");
  return audit;
}

const routes = new RouteGroup("Audits", { module: "audits" });

routes.add(
  {
    method: "post",
    path: "/api/v1/audits",
    operationId: "createAudit",
    summary: "Queue an audit of a project's site",
    access: WRITE,
    request: { headers: IdempotencyHeaderSchema },
    body: AuditCreateSchema,
    responses: {
      202: jsonResponse(AuditStatusSchema, "The audit, queued (or the one this Idempotency-Key created)"),
    },
    problems: [404, 409, 503],
  },
  async (c, { body: { project_id: projectId } }) => {
    const key = c.req.valid("header")["idempotency-key"] ?? null;
    const outcome = await tenantWrite(c, (db, tenantId) => createAudit(db, tenantId, projectId, key));
    if (!outcome) throw notFound("project");
    const { audit, created } = outcome;
    // A replay of a still-queued audit sends its message again: if the first send was lost, this
    // recovers it, and the consumer's claim makes a duplicate harmless.
    if (created || audit.status === "queued") {
      try {
        await enqueue(c.env, auditRunJob, { audit_id: audit.id }, jobContext(c));
      } catch (error) {
        c.get("log").error("audit not enqueued", { audit_id: audit.id, ...errorFields(error) });
        throw new HttpProblem(
          "service-unavailable",
          "The audit was stored but could not be queued; repeat the request with the same Idempotency-Key.",
        );
      }
    }
    c.header("Location", `/api/v1/audits/${audit.id}/status`);
    return c.json(renderAuditStatus(audit), 202);
  },
);

routes.add(
  {
    method: "get",
    path: "/api/v1/audits/{id}/status",
    operationId: "getAuditStatus",
    summary: "An audit's status and progress",
    access: READ,
    params: IdParamSchema,
    responses: { 200: jsonResponse(AuditStatusSchema, "The status") },
    problems: [404],
  },
  async (c, { params }) => c.json(renderAuditStatus(await callersAudit(c, params.id)), 200),
);

routes.add(
  {
    method: "get",
    path: "/api/v1/audits/{id}/result",
    operationId: "getAuditResult",
    summary: "A completed audit's checks, scores, page metrics, summary and suggestions",
    access: READ,
    params: IdParamSchema,
    responses: { 200: jsonResponse(AuditResultSchema, "The result") },
    problems: [404, 409],
  },
  async (c, { params }) => {
    const audit = await callersAudit(c, params.id);
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
  },
);

export const registerAuditRoutes = routes.register;
