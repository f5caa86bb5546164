import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../http/app-env.ts";
import { AUTHENTICATED, jsonBody, jsonResponse } from "../../http/openapi.ts";
import { problemResponses } from "../../http/openapi-responses.ts";
import { ListQuerySchema, pageSchema, toPage } from "../../http/pagination.ts";
import { notFound, validationProblem } from "../../http/problem.ts";
import { IdParamSchema } from "../../identity/api-schemas.ts";
import { authorize, principalOf } from "../../identity/authorize.ts";
import { checkTargetUrl } from "../../lib/target-url.ts";
import {
  ProjectCreateSchema,
  ProjectListQuerySchema,
  ProjectSchema,
  ProjectUpdateSchema,
  renderProject,
} from "../api-schemas.ts";
import { deleteProject, findProject, insertProject, listProjects, updateProject } from "../projects.ts";

const TAGS = ["Projects"];
// Everyone in the tenant may look; analysts and above change what gets audited.
const READ = authorize({ role: "viewer", scope: "projects:read" });
const WRITE = authorize({ role: "analyst", scope: "projects:write" });

const listRoute = createRoute({
  method: "get",
  path: "/api/v1/projects",
  operationId: "listProjects",
  tags: TAGS,
  summary: "The tenant's projects, optionally filtered by name",
  security: AUTHENTICATED,
  middleware: [READ] as const,
  request: { query: ListQuerySchema.extend(ProjectListQuerySchema.shape) },
  responses: {
    200: jsonResponse(pageSchema(ProjectSchema, "ProjectPage"), "A page of projects"),
    ...problemResponses(401, 403),
  },
});

const createProjectRoute = createRoute({
  method: "post",
  path: "/api/v1/projects",
  operationId: "createProject",
  tags: TAGS,
  summary: "Register a website to audit",
  security: AUTHENTICATED,
  middleware: [WRITE] as const,
  request: { body: jsonBody(ProjectCreateSchema) },
  responses: { 201: jsonResponse(ProjectSchema, "The project"), ...problemResponses(401, 403) },
});

const getRoute = createRoute({
  method: "get",
  path: "/api/v1/projects/{id}",
  operationId: "getProject",
  tags: TAGS,
  summary: "One project",
  security: AUTHENTICATED,
  middleware: [READ] as const,
  request: { params: IdParamSchema },
  responses: { 200: jsonResponse(ProjectSchema, "The project"), ...problemResponses(401, 403, 404) },
});

const updateRoute = createRoute({
  method: "patch",
  path: "/api/v1/projects/{id}",
  operationId: "updateProject",
  tags: TAGS,
  summary: "Change a project; a new schedule takes effect from now",
  security: AUTHENTICATED,
  middleware: [WRITE] as const,
  request: { params: IdParamSchema, body: jsonBody(ProjectUpdateSchema) },
  responses: { 200: jsonResponse(ProjectSchema, "The project"), ...problemResponses(401, 403, 404) },
});

const deleteRoute = createRoute({
  method: "delete",
  path: "/api/v1/projects/{id}",
  operationId: "deleteProject",
  tags: TAGS,
  summary: "Delete a project and its audits",
  security: AUTHENTICATED,
  middleware: [WRITE] as const,
  request: { params: IdParamSchema },
  responses: { 204: { description: "Deleted" }, ...problemResponses(401, 403, 404) },
});

/** The crawl-safety part of site_url, which depends on configuration. */
function assertCrawlable(siteUrl: string | undefined, allowPrivate: boolean): void {
  if (siteUrl === undefined) return;
  const check = checkTargetUrl(siteUrl, allowPrivate);
  if (!check.ok) throw validationProblem([{ path: "body.site_url", message: `site_url ${check.reason}` }]);
}

export function registerProjectRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(listRoute, async (c) => {
    const { tenantId } = principalOf(c);
    const query = c.req.valid("query");
    const rows = await c
      .get("database")
      .tenant(tenantId, (db) => listProjects(db, tenantId, query), { readOnly: true });
    return c.json(toPage(rows, query, renderProject), 200);
  });

  app.openapi(createProjectRoute, async (c) => {
    const { tenantId } = principalOf(c);
    const body = c.req.valid("json");
    assertCrawlable(body.site_url, c.get("config").auditAllowPrivateTargets);
    const [project] = await c.get("database").tenantQuery(tenantId, (db) =>
      insertProject(db, tenantId, {
        name: body.name,
        siteUrl: body.site_url,
        keywords: body.keywords,
        schedule: body.schedule,
        maxPages: body.max_pages,
      }),
    );
    if (!project) throw new Error("insert returned no project");
    c.header("Location", `/api/v1/projects/${project.id}`);
    return c.json(renderProject(project), 201);
  });

  app.openapi(getRoute, async (c) => {
    const { tenantId } = principalOf(c);
    const { id } = c.req.valid("param");
    const project = await c
      .get("database")
      .tenant(tenantId, (db) => findProject(db, tenantId, id), { readOnly: true });
    if (!project) throw notFound("project");
    return c.json(renderProject(project), 200);
  });

  app.openapi(updateRoute, async (c) => {
    const { tenantId } = principalOf(c);
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    assertCrawlable(body.site_url, c.get("config").auditAllowPrivateTargets);
    const project = await c.get("database").tenant(tenantId, (db) =>
      updateProject(db, tenantId, id, {
        name: body.name,
        siteUrl: body.site_url,
        keywords: body.keywords,
        schedule: body.schedule,
        maxPages: body.max_pages,
      }),
    );
    if (!project) throw notFound("project");
    return c.json(renderProject(project), 200);
  });

  app.openapi(deleteRoute, async (c) => {
    const { tenantId } = principalOf(c);
    const { id } = c.req.valid("param");
    const deleted = await c.get("database").tenant(tenantId, (db) => deleteProject(db, tenantId, id));
    if (!deleted) throw notFound("project");
    return c.body(null, 204);
  });
}
