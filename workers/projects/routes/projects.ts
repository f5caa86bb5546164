import type { z } from "@hono/zod-openapi";
import { areaAccess } from "../../access/authorize.ts";
import { jsonResponse } from "../../http/openapi.ts";
import { validationProblem } from "../../http/problem.ts";
import { RouteGroup, tenantQuery } from "../../http/route-kit.ts";
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
const ACCESS = areaAccess("projects");

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
  access: ACCESS,
});

project.list(
  { summary: "The tenant's projects, optionally filtered by name", filters: ProjectListQuerySchema },
  listProjects,
);

routes.add(
  {
    method: "post",
    path: "/api/v1/projects",
    operationId: "createProject",
    summary: "Register a website to audit",
    access: ACCESS.write,
    idempotent: true,
    body: ProjectCreateSchema,
    responses: { 201: jsonResponse(ProjectSchema, "The project") },
  },
  async (c, { body }) => {
    assertCrawlable(body.site_url, c.get("config").auditAllowPrivateTargets);
    const [project] = await tenantQuery(c, (db, tenantId) =>
      insertProject(db, tenantId, projectValues(body)),
    );
    if (!project) throw new Error("insert returned no project");
    c.header("Location", `/api/v1/projects/${project.id}`);
    return c.json(renderProject(project), 201);
  },
);

project.get({ summary: "One project" }, findProject);

project.update(
  {
    summary: "Change a project; a new schedule takes effect from now",
    body: ProjectUpdateSchema,
    check: (c, body) => assertCrawlable(body.site_url, c.get("config").auditAllowPrivateTargets),
  },
  (db, tenantId, id, body) => updateProject(db, tenantId, id, projectValues(body)),
);

project.delete({ summary: "Delete a project and its audits" }, deleteProject);

export const registerProjectRoutes = routes.register;
