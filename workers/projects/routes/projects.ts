import type { z } from "@hono/zod-openapi";
import { areaAccess } from "../../access/authorize.ts";
import { jsonBody, jsonResponse } from "../../http/openapi.ts";
import { ListQuerySchema, pageSchema, toPage } from "../../http/pagination.ts";
import { validationProblem } from "../../http/problem.ts";
import { RouteGroup, tenantQuery, tenantRead } from "../../http/route-kit.ts";
import { checkTargetUrl } from "../../lib/target-url.ts";
import {
  ProjectCreateSchema,
  ProjectListQuerySchema,
  ProjectSchema,
  ProjectUpdateSchema,
  renderProject,
} from "../api-schemas.ts";
import {
  deleteProject,
  findProject,
  insertProject,
  listProjects,
  type ProjectInput,
  updateProject,
} from "../projects.ts";

// Everyone in the tenant may look; analysts and above change what gets audited.
const { read: READ, write: WRITE } = areaAccess("projects");

/** The crawl-safety part of site_url, which depends on configuration. */
function assertCrawlable(siteUrl: string | undefined, allowPrivate: boolean): void {
  if (siteUrl === undefined) return;
  const check = checkTargetUrl(siteUrl, allowPrivate);
  if (!check.ok) throw validationProblem([{ path: "body.site_url", message: `site_url ${check.reason}` }]);
}

type ProjectCreate = z.output<typeof ProjectCreateSchema>;
type ProjectUpdate = z.output<typeof ProjectUpdateSchema>;

/** A project body in the domain's names; a partial body gives a partial record. */
function projectValues(body: ProjectCreate): ProjectInput;
function projectValues(body: ProjectUpdate): Partial<ProjectInput>;
function projectValues(body: ProjectUpdate): Partial<ProjectInput> {
  return {
    name: body.name,
    siteUrl: body.site_url,
    keywords: body.keywords,
    schedule: body.schedule,
    maxPages: body.max_pages,
  };
}

const routes = new RouteGroup("Projects");

const project = routes.resource("project", {
  path: "/api/v1/projects",
  schema: ProjectSchema,
  render: renderProject,
});

project.list(
  {
    operationId: "listProjects",
    summary: "The tenant's projects, optionally filtered by name",
    access: READ,
    filters: ProjectListQuerySchema,
  },
  listProjects,
);

routes.add(
  {
    method: "get",
    path: "/api/v1/projects",
    operationId: "listProjects",
    summary: "The tenant's projects, optionally filtered by name",
    access: READ,
    request: { query: ListQuerySchema.extend(ProjectListQuerySchema.shape) },
    responses: { 200: jsonResponse(pageSchema(ProjectSchema, "ProjectPage"), "A page of projects") },
  },
  async (c) => {
    const query = c.req.valid("query");
    const rows = await tenantRead(c, (db, tenantId) => listProjects(db, tenantId, query));
    return c.json(toPage(rows, query, renderProject), 200);
  },
);

routes.add(
  {
    method: "post",
    path: "/api/v1/projects",
    operationId: "createProject",
    summary: "Register a website to audit",
    access: WRITE,
    idempotent: true,
    request: { body: jsonBody(ProjectCreateSchema) },
    responses: { 201: jsonResponse(ProjectSchema, "The project") },
  },
  async (c) => {
    const body = c.req.valid("json");
    assertCrawlable(body.site_url, c.get("config").auditAllowPrivateTargets);
    const [project] = await tenantQuery(c, (db, tenantId) =>
      insertProject(db, tenantId, projectValues(body)),
    );
    if (!project) throw new Error("insert returned no project");
    c.header("Location", `/api/v1/projects/${project.id}`);
    return c.json(renderProject(project), 201);
  },
);

project.get({ operationId: "getProject", summary: "One project", access: READ }, findProject);

project.update(
  {
    operationId: "updateProject",
    summary: "Change a project; a new schedule takes effect from now",
    access: WRITE,
    body: ProjectUpdateSchema,
    check: (c, body) => assertCrawlable(body.site_url, c.get("config").auditAllowPrivateTargets),
  },
  (db, tenantId, id, body) => updateProject(db, tenantId, id, projectValues(body)),
);

project.delete(
  { operationId: "deleteProject", summary: "Delete a project and its audits", access: WRITE },
  deleteProject,
);

export const registerProjectRoutes = routes.register;
