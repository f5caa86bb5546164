import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { audits } from "../../../workers/audits/tables.ts";
import { withTestDatabase } from "../support/database.ts";
import { addMember, callAs, createApiKey, registerTenant, type TestAccount } from "../support/identity.ts";
import { createProject, startAudit, waitForAudit } from "./support.ts";

let owner: TestAccount;
let other: TestAccount;
let projectId: string;

beforeAll(async () => {
  [owner, other] = await Promise.all([registerTenant(), registerTenant()]);
  projectId = await createProject(owner, { site_url: inject("cleanSiteUrl") });
});

describe("starting an audit", () => {
  it("answers 202 with the queued audit and where to watch it", async () => {
    const response = await callAs(owner, "POST", "/api/v1/audits", { project_id: projectId });
    expect(response.status).toBe(202);
    const audit = await response.json<{ id: string; status: string; trigger: string }>();
    expect(audit).toMatchObject({ status: "queued", trigger: "manual" });
    expect(response.headers.get("location")).toBe(`/api/v1/audits/${audit.id}/status`);
  });

  it("returns the same audit for the same Idempotency-Key, and stores one row", async () => {
    const key = `key-${crypto.randomUUID()}`;
    const [first, second] = await Promise.all([
      startAudit(owner, projectId, key),
      startAudit(owner, projectId, key),
    ]);
    expect(second.id).toBe(first.id);
    const third = await startAudit(owner, projectId, key);
    expect(third.id).toBe(first.id);
    const rows = await withTestDatabase((db) =>
      db.select().from(audits).where(eq(audits.idempotencyKey, key)),
    );
    expect(rows).toHaveLength(1);
  });

  it("starts a new audit for a key first used more than 24 hours ago", async () => {
    const key = `key-${crypto.randomUUID()}`;
    const first = await startAudit(owner, projectId, key);
    await withTestDatabase((db) =>
      db
        .update(audits)
        .set({ createdAt: new Date(Date.now() - 25 * 3600_000) })
        .where(eq(audits.id, first.id)),
    );
    const second = await startAudit(owner, projectId, key);
    expect(second.id).not.toBe(first.id);
    expect((await startAudit(owner, projectId, key)).id).toBe(second.id);
  });

  it("refuses a reused Idempotency-Key for another project with 409", async () => {
    const key = `key-${crypto.randomUUID()}`;
    await startAudit(owner, projectId, key);
    const otherProject = await createProject(owner, { site_url: inject("cleanSiteUrl") });
    const response = await callAs(
      owner,
      "POST",
      "/api/v1/audits",
      { project_id: otherProject },
      { "idempotency-key": key },
    );
    expect(response.status).toBe(409);
  });

  it("treats the same key from another tenant as a different request", async () => {
    const key = `key-${crypto.randomUUID()}`;
    const mine = await startAudit(owner, projectId, key);
    const theirProject = await createProject(other, { site_url: inject("cleanSiteUrl") });
    const theirs = await startAudit(other, theirProject, key);
    expect(theirs.id).not.toBe(mine.id);
  });

  it("refuses a malformed body with a problem document", async () => {
    const response = await callAs(owner, "POST", "/api/v1/audits", { project_id: "not-a-uuid" });
    expect(response.status).toBe(400);
    const problem = await response.json<{ errors: { path: string }[] }>();
    expect(problem.errors.map((error) => error.path)).toContain("body.project_id");
  });

  it("answers 404 for an unknown project", async () => {
    const response = await callAs(owner, "POST", "/api/v1/audits", { project_id: crypto.randomUUID() });
    expect(response.status).toBe(404);
  });

  it("says the result is not ready while the audit is queued", async () => {
    const [audit] = await withTestDatabase((db) =>
      db.insert(audits).values({ tenantId: owner.tenantId, projectId }).returning(),
    );
    const response = await callAs(owner, "GET", `/api/v1/audits/${audit?.id}/result`);
    expect(response.status).toBe(409);
  });
});

describe("audit access", () => {
  it("lets a viewer read but not start audits", async () => {
    const viewer = await addMember(owner, "viewer");
    const audit = await startAudit(owner, projectId);
    expect((await callAs(viewer, "GET", `/api/v1/audits/${audit.id}/status`)).status).toBe(200);
    expect((await callAs(viewer, "POST", "/api/v1/audits", { project_id: projectId })).status).toBe(403);
  });

  it("lets API keys act by scope", async () => {
    const reader = await createApiKey(owner, ["audits:read"]);
    const writer = await createApiKey(owner, ["audits:write"]);
    const audit = await startAudit(owner, projectId);
    expect((await callAs({ apiKey: reader.key }, "GET", `/api/v1/audits/${audit.id}/status`)).status).toBe(
      200,
    );
    expect(
      (await callAs({ apiKey: reader.key }, "POST", "/api/v1/audits", { project_id: projectId })).status,
    ).toBe(403);
    expect(
      (await callAs({ apiKey: writer.key }, "POST", "/api/v1/audits", { project_id: projectId })).status,
    ).toBe(202);
  });
});

describe("audit tenant isolation", () => {
  it("hides one tenant's audits and projects from another on every route", async () => {
    const audit = await startAudit(owner, projectId);
    await waitForAudit(owner, audit.id);
    expect((await callAs(other, "GET", `/api/v1/audits/${audit.id}/status`)).status).toBe(404);
    expect((await callAs(other, "GET", `/api/v1/audits/${audit.id}/result`)).status).toBe(404);
    expect((await callAs(other, "POST", "/api/v1/audits", { project_id: projectId })).status).toBe(404);
    expect((await callAs(owner, "GET", `/api/v1/audits/${audit.id}/result`)).status).toBe(200);
  });
});
