import { principalOf } from "../../access/authorize.ts";
import { IdParamSchema } from "../../http/api-schemas.ts";
import { jsonResponse } from "../../http/openapi.ts";
import { notFound, validationProblem } from "../../http/problem.ts";
import { RouteGroup, tenantRead } from "../../http/route-kit.ts";
import { findProject } from "../../projects/projects.ts";
import {
  ProjectRanksSchema,
  RanksQuerySchema,
  RanksSchema,
  renderProjectRanks,
  renderRanks,
} from "../api-schemas.ts";
import { projectRanks } from "../rank-history.ts";
import { lookupRanks } from "../rank-lookup.ts";
import { normaliseDomain, normaliseKeyword } from "../ranked-host.ts";
import { READ } from "./access.ts";

const routes = new RouteGroup("Reputation", { module: "reputation" });

const unique = (keywords: string[]) => [...new Set(keywords.map(normaliseKeyword))];

routes.add(
  {
    method: "get",
    path: "/api/v1/reputation/ranks",
    operationId: "getRanks",
    summary: "Where a site ranks on Google for keywords (first 100 results)",
    description:
      "Per keyword, the domain's first position among Google's first 100 results (SerpApi's Google engine, 10 results a page, paged with `start` and stopping at the page where the domain appears). Result pages are cached for 15 minutes for all tenants (search results are public; the cache holds nothing of a tenant), and concurrent identical lookups make one SerpApi call. When SerpApi cannot answer (no key, 429/5xx after retries, a timeout, malformed JSON, or the tenant's daily cap), each keyword gets the last position stored for the tenant, with its age, as `source: fallback`, or `status: error` with the reason when none is stored. Either `domain` and `kw`, or `project_id`.",
    access: READ,
    query: RanksQuerySchema,
    responses: { 200: jsonResponse(RanksSchema, "Each keyword's rank") },
    problems: [404],
  },
  async (c, { query }) => {
    const keywords = query.kw === undefined ? [] : typeof query.kw === "string" ? [query.kw] : query.kw;
    let domain: string | null;
    let lookupKeywords: string[];
    if (query.project_id !== undefined) {
      if (query.domain !== undefined || keywords.length > 0) {
        throw validationProblem([
          { path: "query.project_id", message: "send project_id or domain and kw, not both" },
        ]);
      }
      const projectId = query.project_id;
      const project = await tenantRead(c, (db, tenantId) => findProject(db, tenantId, projectId));
      if (!project) throw notFound("project");
      domain = normaliseDomain(project.siteUrl);
      lookupKeywords = unique(project.keywords);
    } else {
      domain = query.domain === undefined ? null : normaliseDomain(query.domain);
      if (query.domain === undefined || keywords.length === 0) {
        throw validationProblem([
          ...(query.domain === undefined
            ? [{ path: "query.domain", message: "domain is required with kw" }]
            : []),
          ...(keywords.length === 0 ? [{ path: "query.kw", message: "send at least one kw" }] : []),
        ]);
      }
      lookupKeywords = unique(keywords);
    }
    if (domain === null) {
      throw validationProblem([
        {
          path: query.project_id ? "query.project_id" : "query.domain",
          message: "domain must be a host name such as example.com",
        },
      ]);
    }
    const lookup = {
      domain,
      keywords: lookupKeywords,
      gl: query.gl.toLowerCase(),
      hl: query.hl.toLowerCase(),
      device: query.device,
    };
    const now = new Date();
    const answer = await lookupRanks(
      c.get("database"),
      c.get("config"),
      principalOf(c).tenantId,
      lookup,
      now,
    );
    return c.json(renderRanks(lookup, answer, now), 200);
  },
);

routes.add(
  {
    method: "get",
    path: "/api/v1/projects/{id}/ranks",
    operationId: "getProjectRanks",
    summary: "A project's tracked keywords: rank history and change since the lookup before",
    description:
      "Keywords of a project with a schedule are looked up on that schedule (a job on the long-work queue, searched from Google US English desktop results), and so are lookups with `project_id`. Each keyword's history is newest first.",
    access: READ,
    params: IdParamSchema,
    responses: { 200: jsonResponse(ProjectRanksSchema, "The project's ranks") },
    problems: [404],
  },
  async (c, { params: { id } }) => {
    const ranks = await tenantRead(c, (db, tenantId) => projectRanks(db, tenantId, id));
    if (!ranks) throw notFound("project");
    return c.json(renderProjectRanks(id, ranks), 200);
  },
);

export const registerRankRoutes = routes.register;
