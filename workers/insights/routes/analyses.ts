import { IdParamSchema } from "../../http/api-schemas.ts";
import { jsonResponse } from "../../http/openapi.ts";
import { ListQuerySchema, pageSchema, toPage } from "../../http/pagination.ts";
import { HttpProblem, notFound } from "../../http/problem.ts";
import { jobContext } from "../../http/request-context.ts";
import { RouteGroup, tenantWrite } from "../../http/route-kit.ts";
import { errorFields } from "../../lib/log.ts";
import { enqueueAll } from "../../queue/enqueue.ts";
import {
  type AnalysisWithResults,
  createAnalysis,
  findAnalysis,
  insightHistory,
  latestInsights,
} from "../analyses.ts";
import { runModuleResult } from "../analysis/run-module.ts";
import {
  AnalysisCreateSchema,
  AnalysisSchema,
  AnalyzeModuleSchema,
  HistoryQuerySchema,
  InsightsSchema,
  ModuleParamSchema,
  ModuleResultSchema,
  renderAnalysis,
  renderModuleResult,
} from "../api-schemas.ts";
import { analysisModuleJob } from "../jobs.ts";
import { ANALYSIS_MODULES } from "../tables.ts";
import { READ, WRITE } from "./access.ts";
import { readOfBrand } from "./brand-reads.ts";

/** The synchronous form's bound: every attempt at the model together, then the module falls back. */
export const SYNC_MODULE_BUDGET_MS = 25_000;

const routes = new RouteGroup("Insights", { module: "insights" });

const windowOf = (brandId: string, body: { from: string; to: string }) => ({
  brandId,
  from: new Date(body.from),
  to: new Date(body.to),
});

routes.add(
  {
    method: "post",
    path: "/api/v1/brands/{id}/analyses",
    operationId: "createAnalysis",
    summary: "Queue an analysis of a brand's posts over a window, one long-queue job per module",
    description:
      "Answers 202 with the analysis and each module's status; poll `GET /api/v1/analyses/{id}`. Unless `force`, an analysis of the same input (brand, window, modules and the posts' ids and change times) with no failed module is returned instead (`reused: true`).",
    access: WRITE,
    idempotent: true,
    params: IdParamSchema,
    body: AnalysisCreateSchema,
    responses: {
      202: jsonResponse(AnalysisSchema, "The analysis, queued (or the stored one of the same input)"),
    },
    problems: [404, 503],
  },
  async (c, { params: { id }, body }) => {
    const created = await tenantWrite(c, (db, tenantId) =>
      createAnalysis(db, tenantId, windowOf(id, body), body.modules, body.force),
    );
    if (!created) throw notFound("brand");
    // A reused analysis's still-queued modules are sent again: if a first send was lost, this recovers it,
    // and the consumer's claim makes a duplicate harmless.
    const queued = created.results.filter((result) => result.status === "queued");
    try {
      await enqueueAll(
        c.env,
        analysisModuleJob,
        queued.map((result) => ({ result_id: result.id })),
        jobContext(c),
      );
    } catch (error) {
      c.get("log").error("analysis not enqueued", {
        analysis_id: created.analysis.id,
        ...errorFields(error),
      });
      throw new HttpProblem(
        "service-unavailable",
        "The analysis was stored but could not be queued; repeat the request with the same Idempotency-Key.",
      );
    }
    c.header("Location", `/api/v1/analyses/${created.analysis.id}`);
    return c.json(renderAnalysis(created, created.reused), 202);
  },
);

const analysis = routes.resource("analysis", {
  path: "/api/v1/analyses",
  schema: AnalysisSchema,
  render: (found: AnalysisWithResults) => renderAnalysis(found),
  access: READ,
});

analysis.get({ summary: "An analysis: its status and each module's status and result" }, findAnalysis);

routes.add(
  {
    method: "post",
    path: "/api/v1/analyze/{module}",
    operationId: "analyzeModule",
    summary: "Run one module now and answer its result (the source system's synchronous form)",
    description: `Runs the module within ${SYNC_MODULE_BUDGET_MS / 1000} s (the model's attempts together; past it, the fallback) and stores the result as an analysis of one module. The same input returns the stored result unless \`force\`.`,
    access: WRITE,
    params: ModuleParamSchema,
    body: AnalyzeModuleSchema,
    responses: { 200: jsonResponse(ModuleResultSchema, "The module's result") },
    problems: [404],
  },
  async (c, { params: { module }, body }) => {
    const deadline = Date.now() + SYNC_MODULE_BUDGET_MS;
    const created = await tenantWrite(c, (db, tenantId) =>
      createAnalysis(db, tenantId, windowOf(body.brand_id, body), [module], body.force),
    );
    if (!created) throw notFound("brand");
    const [result] = created.results;
    if (!result) throw new Error("an analysis of one module has one result");
    const ran =
      result.status === "queued"
        ? await runModuleResult(c.get("database"), c.get("config"), result.id, c.get("log"), deadline)
        : null;
    return c.json(renderModuleResult(ran ?? result), 200);
  },
);

routes.add(
  {
    method: "get",
    path: "/api/v1/brands/{id}/insights",
    operationId: "getBrandInsights",
    summary: "The latest completed result of each module for a brand (q1 … q10)",
    access: READ,
    params: IdParamSchema,
    responses: {
      200: jsonResponse(InsightsSchema, "One entry per module, null for a module never completed"),
    },
    problems: [404],
  },
  async (c, { params: { id } }) => {
    const rows = await readOfBrand(c, id, (db, tenantId) => latestInsights(db, tenantId, id));
    const byModule = new Map(rows.map((row) => [row.module, renderModuleResult(row)]));
    return c.json(
      Object.fromEntries(ANALYSIS_MODULES.map((module) => [module, byModule.get(module) ?? null])),
      200,
    );
  },
);

routes.add(
  {
    method: "get",
    path: "/api/v1/brands/{id}/insights/history",
    operationId: "getBrandInsightHistory",
    summary: "A brand's finished module results, newest first, to compare runs",
    access: READ,
    params: IdParamSchema,
    query: ListQuerySchema.extend(HistoryQuerySchema.shape),
    responses: { 200: jsonResponse(pageSchema(ModuleResultSchema, "ModuleResultPage"), "A page of results") },
    problems: [404],
  },
  async (c, { params: { id }, query }) => {
    const rows = await readOfBrand(c, id, (db, tenantId) => insightHistory(db, tenantId, id, query));
    return c.json(toPage(rows, query, renderModuleResult), 200);
  },
);

export const registerAnalysisRoutes = routes.register;
