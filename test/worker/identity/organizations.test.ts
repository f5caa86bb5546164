import { describe, expect, it } from "vitest";
import { callAs, createApiKey, postJson, registerTenant, type TestAccount } from "../support/identity.ts";

type Organization = { id: string; name: string; slug: string; role: string };
type Session = { access_token: string; refresh_token: string; tenant: { id: string }; role: string };

const slug = () => `org-${crypto.randomUUID().slice(0, 8)}`;

async function createOrganization(account: TestAccount, name = "Second org") {
  const response = await callAs(account, "POST", "/api/v1/organizations", { name, slug: slug() });
  expect(response.status, await response.clone().text()).toBe(201);
  return response.json<Organization>();
}

describe("organizations", () => {
  it("lists the caller's organizations with their role, including one they create", async () => {
    const owner = await registerTenant();
    const created = await createOrganization(owner);
    expect(created.role).toBe("owner");
    const page = await (await callAs(owner, "GET", "/api/v1/organizations")).json<{
      data: Organization[];
      next_cursor: string | null;
    }>();
    expect(page.data.map((org) => org.id)).toEqual([owner.tenantId, created.id]);
    expect(page.data.every((org) => org.role === "owner")).toBe(true);
    expect(page.next_cursor).toBeNull();
  });

  it("pages the organizations with a cursor", async () => {
    const owner = await registerTenant();
    const created = await createOrganization(owner);
    const first = await (await callAs(owner, "GET", "/api/v1/organizations?limit=1")).json<{
      data: Organization[];
      next_cursor: string;
    }>();
    expect(first.data.map((org) => org.id)).toEqual([owner.tenantId]);
    const second = await (
      await callAs(owner, "GET", `/api/v1/organizations?limit=1&cursor=${first.next_cursor}`)
    ).json<{ data: Organization[]; next_cursor: string | null }>();
    expect(second.data.map((org) => org.id)).toEqual([created.id]);
    expect(second.next_cursor).toBeNull();
  });

  it("refuses a taken slug with 409", async () => {
    const owner = await registerTenant();
    const response = await callAs(owner, "POST", "/api/v1/organizations", {
      name: "Copy",
      slug: owner.tenantSlug,
    });
    expect(response.status).toBe(409);
  });

  it("switches the session to another organization and ends the current one", async () => {
    const owner = await registerTenant();
    const created = await createOrganization(owner);
    const response = await callAs(owner, "POST", "/api/v1/auth/switch", { organization_id: created.id });
    expect(response.status, await response.clone().text()).toBe(200);
    const session = await response.json<Session>();
    expect(session.tenant.id).toBe(created.id);
    expect(session.role).toBe("owner");
    const current = await callAs(
      { ...owner, accessToken: session.access_token },
      "GET",
      "/api/v1/tenants/current",
    );
    expect((await current.json<{ id: string }>()).id).toBe(created.id);
    const oldRefresh = await postJson("/api/v1/auth/refresh", { refresh_token: owner.refreshToken });
    expect(oldRefresh.status).toBe(401);
    const newRefresh = await postJson("/api/v1/auth/refresh", { refresh_token: session.refresh_token });
    expect((await newRefresh.json<Session>()).tenant.id).toBe(created.id);
  });

  it("answers 404 for switching to an organization the caller does not belong to", async () => {
    const owner = await registerTenant();
    const stranger = await registerTenant();
    const response = await callAs(owner, "POST", "/api/v1/auth/switch", {
      organization_id: stranger.tenantId,
    });
    expect(response.status).toBe(404);
    const page = await (await callAs(owner, "GET", "/api/v1/organizations")).json<{ data: Organization[] }>();
    expect(page.data.map((org) => org.id)).toEqual([owner.tenantId]);
  });

  it("is for signed-in people: API keys are refused", async () => {
    const owner = await registerTenant();
    const { key } = await createApiKey(owner, ["telemetry:write"]);
    expect((await callAs({ apiKey: key }, "GET", "/api/v1/organizations")).status).toBe(403);
    expect(
      (await callAs({ apiKey: key }, "POST", "/api/v1/auth/switch", { organization_id: owner.tenantId }))
        .status,
    ).toBe(403);
  });
});
