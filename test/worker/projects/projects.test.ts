import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { audits } from "../../../workers/audits/tables.ts";
import worker from "../../../workers/index.ts";
import { nextRunAfter } from "../../../workers/projects/schedule-expression.ts";
import { projects } from "../../../workers/projects/tables.ts";
import { withTestDatabase, withTestSession } from "../support/database.ts";
import {
  addMember,
  BASE,
  bearer,
  callAs,
  createApiKey,
  randomIp,
  registerTenant,
  type TestAccount,
} from "../support/identity.ts";

type ProjectBody = {
  id: string;
  name: string;
  site_url: string;
  keywords: string[];
  schedule: string;
  max_pages: number;
  last_audit_at: string | null;
  next_audit_at: string | null;
};

const newProject = (overrides: Record<string, unknown> = {}) => ({
  name: `Site ${crypto.randomUUID().slice(0, 6)}`,
  site_url: "https://www.example.com/",
  ...overrides,
});

async function createProject(account: TestAccount, overrides: Record<string, unknown> = {}) {
  const response = await callAs(account, "POST", "/api/v1/projects", newProject(overrides));
  expect(response.status, await response.clone().text()).toBe(201);
  return response.json<ProjectBody>();
}

let owner: TestAccount;
let other: TestAccount;

beforeAll(async () => {
  [owner, other] = await Promise.all([registerTenant(), registerTenant()]);
});

describe("projects CRUD", () => {
  it("creates a project with defaults and a Location header", async () => {
    const response = await callAs(owner, "POST", "/api/v1/projects", newProject({ keywords: ["shoes"] }));
    expect(response.status).toBe(201);
    const project = await response.json<ProjectBody>();
    expect(response.headers.get("location")).toBe(`/api/v1/projects/${project.id}`);
    expect(project).toMatchObject({
      site_url: "https://www.example.com/",
      keywords: ["shoes"],
      schedule: "off",
      max_pages: 10,
      last_audit_at: null,
      next_audit_at: null,
    });
  });

  it("sets next_audit_at from the schedule and moves it when the schedule changes", async () => {
    const project = await createProject(owner, { schedule: "daily" });
    const next = new Date(project.next_audit_at ?? "");
    expect(next.getUTCHours()).toBe(0);
    expect(next.getUTCMinutes()).toBe(0);
    expect(next.getTime()).toBeGreaterThan(Date.now());

    const patched = await callAs(owner, "PATCH", `/api/v1/projects/${project.id}`, {
      schedule: "30 6 * * 1-5",
    });
    expect(patched.status).toBe(200);
    const body = await patched.json<ProjectBody>();
    expect(body.schedule).toBe("30 6 * * 1-5");
    expect(new Date(body.next_audit_at ?? "").getUTCHours()).toBe(6);

    const off = await callAs(owner, "PATCH", `/api/v1/projects/${project.id}`, { schedule: "off" });
    expect((await off.json<ProjectBody>()).next_audit_at).toBeNull();
  });

  it("reads, updates and deletes a project", async () => {
    const project = await createProject(owner);
    const read = await callAs(owner, "GET", `/api/v1/projects/${project.id}`);
    expect(await read.json()).toMatchObject({ id: project.id, name: project.name });

    const updated = await callAs(owner, "PATCH", `/api/v1/projects/${project.id}`, {
      name: "Renamed",
      max_pages: 50,
    });
    expect(await updated.json()).toMatchObject({ name: "Renamed", max_pages: 50 });

    expect((await callAs(owner, "DELETE", `/api/v1/projects/${project.id}`)).status).toBe(204);
    expect((await callAs(owner, "GET", `/api/v1/projects/${project.id}`)).status).toBe(404);
  });

  it("pages through projects with a cursor and filters by name", async () => {
    const tenant = await registerTenant();
    for (const name of ["Alpha shop", "Beta blog", "alpha docs"]) await createProject(tenant, { name });
    const first = await callAs(tenant, "GET", "/api/v1/projects?limit=2");
    const page1 = await first.json<{ data: ProjectBody[]; next_cursor: string | null }>();
    expect(page1.data).toHaveLength(2);
    expect(page1.next_cursor).toEqual(expect.any(String));
    const second = await callAs(tenant, "GET", `/api/v1/projects?limit=2&cursor=${page1.next_cursor}`);
    const page2 = await second.json<{ data: ProjectBody[]; next_cursor: string | null }>();
    expect(page2.data.map((project) => project.name)).toEqual(["alpha docs"]);
    expect(page2.next_cursor).toBeNull();

    const filtered = await callAs(tenant, "GET", "/api/v1/projects?name=ALPHA");
    const names = (await filtered.json<{ data: ProjectBody[] }>()).data.map((project) => project.name);
    expect(names).toEqual(["Alpha shop", "alpha docs"]);
  });
});

describe("projects input validation", () => {
  it.each([
    [{ site_url: "ftp://example.com/" }, "body.site_url"],
    [{ site_url: "https://user:secret@example.com/" }, "body.site_url"],
    [{ schedule: "every tuesday" }, "body.schedule"],
    [{ schedule: "61 * * * *" }, "body.schedule"],
    [{ max_pages: 101 }, "body.max_pages"],
    [{ max_pages: 0 }, "body.max_pages"],
    [{ name: "" }, "body.name"],
  ])("refuses %j with a problem naming the field", async (overrides, path) => {
    const response = await callAs(owner, "POST", "/api/v1/projects", newProject(overrides));
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toContain("application/problem+json");
    const problem = await response.json<{ errors: { path: string }[] }>();
    expect(problem.errors.map((error) => error.path)).toContain(path);
  });

  it("refuses an empty PATCH", async () => {
    const project = await createProject(owner);
    const response = await callAs(owner, "PATCH", `/api/v1/projects/${project.id}`, {});
    expect(response.status).toBe(400);
  });

  it.each([
    "http://127.0.0.1:8080/",
    "http://10.1.2.3/",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/",
    "http://localhost/",
    "http://0x7f000001/",
  ])("refuses the private target %s when private targets are not allowed", async (siteUrl) => {
    const strict = { ...env, AUDIT_ALLOW_PRIVATE_TARGETS: "false" };
    const request = new Request(`${BASE}/api/v1/projects`, {
      method: "POST",
      headers: { ...bearer(owner), "content-type": "application/json", "cf-connecting-ip": randomIp() },
      body: JSON.stringify(newProject({ site_url: siteUrl })),
    });
    const response = await worker.fetch(request, strict);
    expect(response.status).toBe(400);
    const problem = await response.json<{ errors: { path: string; message: string }[] }>();
    expect(problem.errors[0]).toMatchObject({ path: "body.site_url" });
    expect(problem.errors[0]?.message).toContain("private");
  });

  it("never honours the private-target setting in production", async () => {
    const production = { ...env, ENVIRONMENT: "production", AUDIT_ALLOW_PRIVATE_TARGETS: "true" };
    const request = new Request(`${BASE}/api/v1/projects`, {
      method: "POST",
      headers: { ...bearer(owner), "content-type": "application/json", "cf-connecting-ip": randomIp() },
      body: JSON.stringify(newProject({ site_url: "http://127.0.0.1/" })),
    });
    expect((await worker.fetch(request, production)).status).toBe(400);
  });
});

describe("projects access", () => {
  it("lets a viewer read but not write", async () => {
    const viewer = await addMember(owner, "viewer");
    const project = await createProject(owner);
    expect((await callAs(viewer, "GET", `/api/v1/projects/${project.id}`)).status).toBe(200);
    expect((await callAs(viewer, "POST", "/api/v1/projects", newProject())).status).toBe(403);
    expect((await callAs(viewer, "PATCH", `/api/v1/projects/${project.id}`, { name: "x" })).status).toBe(403);
    expect((await callAs(viewer, "DELETE", `/api/v1/projects/${project.id}`)).status).toBe(403);
  });

  it("lets an analyst write", async () => {
    const analyst = await addMember(owner, "analyst");
    await createProject(analyst);
  });

  it("lets API keys act by scope", async () => {
    const reader = await createApiKey(owner, ["projects:read"]);
    const writer = await createApiKey(owner, ["projects:read", "projects:write"]);
    expect((await callAs({ apiKey: reader.key }, "GET", "/api/v1/projects")).status).toBe(200);
    expect((await callAs({ apiKey: reader.key }, "POST", "/api/v1/projects", newProject())).status).toBe(403);
    expect((await callAs({ apiKey: writer.key }, "POST", "/api/v1/projects", newProject())).status).toBe(201);
  });

  it("refuses callers without credentials", async () => {
    const response = await SELF.fetch(`${BASE}/api/v1/projects`, {
      headers: { "cf-connecting-ip": randomIp() },
    });
    expect(response.status).toBe(401);
  });
});

describe("projects tenant isolation", () => {
  it("hides one tenant's project from another on every route", async () => {
    const project = await createProject(owner);
    const path = `/api/v1/projects/${project.id}`;
    expect((await callAs(other, "GET", path)).status).toBe(404);
    expect((await callAs(other, "PATCH", path, { name: "stolen" })).status).toBe(404);
    expect((await callAs(other, "DELETE", path)).status).toBe(404);
    const list = await callAs(other, "GET", "/api/v1/projects?limit=100");
    const ids = (await list.json<{ data: ProjectBody[] }>()).data.map((row) => row.id);
    expect(ids).not.toContain(project.id);
    const still = await callAs(owner, "GET", path);
    expect(await still.json()).toMatchObject({ name: project.name });
  });
});

describe("row-level security", () => {
  it("shows a tenant-scoped session no other tenant's projects or audits, even unfiltered", async () => {
    const project = await createProject(owner);
    await withTestDatabase((db) =>
      db.insert(audits).values({ tenantId: owner.tenantId, projectId: project.id }),
    );
    const seen = await withTestSession((session) =>
      session.tenant(other.tenantId, async (db) => ({
        projects: await db.select().from(projects),
        audits: await db.select().from(audits),
      })),
    );
    expect(seen.projects.some((row) => row.tenantId !== other.tenantId)).toBe(false);
    expect(seen.audits.some((row) => row.tenantId !== other.tenantId)).toBe(false);
    const mine = await withTestSession((session) =>
      session.tenant(owner.tenantId, (db) => db.select().from(projects)),
    );
    expect(mine.map((row) => row.id)).toContain(project.id);
  });
});

describe("schedules", () => {
  const from = new Date("2026-11-24T18:07:30Z");
  it.each([
    ["daily", "2026-11-25T00:00:00.000Z"],
    ["weekly", "2026-11-30T00:00:00.000Z"],
    ["monthly", "2026-12-01T00:00:00.000Z"],
    ["*/15 * * * *", "2026-11-24T18:15:00.000Z"],
    ["0 9 29 2 *", "2028-02-29T09:00:00.000Z"],
    ["0 0 13 * 5", "2026-11-27T00:00:00.000Z"],
  ])("runs %s next at %s", (schedule, expected) => {
    expect(nextRunAfter(schedule, from)?.toISOString()).toBe(expected);
  });

  it("never runs when off", () => {
    expect(nextRunAfter("off", from)).toBeNull();
  });
});
