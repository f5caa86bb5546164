import { describe, expect, it } from "vitest";
import { addMember, callAs, registerTenant } from "../support/identity.ts";
import { createBrand } from "./support.ts";

const profile = { sincerity: 0.8, excitement: 0.4, competence: 0.7, sophistication: 0.3, ruggedness: 0.1 };

describe("brands", () => {
  it("creates a brand with handles, competitors and a desired profile, and reads it back", async () => {
    const owner = await registerTenant();
    const rival = await createBrand(owner, { name: "Rival" });
    const response = await callAs(owner, "POST", "/api/v1/brands", {
      name: "Acme",
      handles: { instagram: "@acme", x: "@acme_es" },
      keywords: ["acme"],
      hashtags: ["#acme"],
      languages: ["es", "en"],
      competitor_ids: [rival.id],
      desired_profile: profile,
    });
    expect(response.status).toBe(201);
    const brand = await response.json<{ id: string }>();
    expect(response.headers.get("location")).toBe(`/api/v1/brands/${brand.id}`);
    const read = await (await callAs(owner, "GET", `/api/v1/brands/${brand.id}`)).json();
    expect(read).toMatchObject({
      name: "Acme",
      handles: { instagram: "@acme", x: "@acme_es" },
      competitor_ids: [rival.id],
      desired_profile: profile,
      project_id: null,
    });
    const page = await (await callAs(owner, "GET", "/api/v1/brands?limit=1")).json<{
      data: { id: string }[];
      next_cursor: string | null;
    }>();
    expect(page.data.map((row) => row.id)).toEqual([rival.id]);
    expect(page.next_cursor).not.toBeNull();
  });

  it("refuses competitors that are not other brands of the tenant, and a profile outside 0–1", async () => {
    const owner = await registerTenant();
    const other = await registerTenant();
    const foreign = await createBrand(other);
    const refused = await callAs(owner, "POST", "/api/v1/brands", {
      name: "A",
      competitor_ids: [foreign.id],
    });
    expect(refused.status).toBe(400);
    expect((await refused.json<{ errors: { path: string }[] }>()).errors[0]?.path).toBe(
      "body.competitor_ids",
    );
    const brand = await createBrand(owner);
    const self = await callAs(owner, "PATCH", `/api/v1/brands/${brand.id}`, { competitor_ids: [brand.id] });
    expect(self.status).toBe(400);
    const badProfile = await callAs(owner, "POST", "/api/v1/brands", {
      name: "B",
      desired_profile: { ...profile, sincerity: 1.5 },
    });
    expect(badProfile.status).toBe(400);
  });

  it("changes a brand, links it to a project, and deletes it from its rivals' competitors", async () => {
    const owner = await registerTenant();
    const project = await (
      await callAs(owner, "POST", "/api/v1/projects", { name: "Site", site_url: "https://example.com/" })
    ).json<{ id: string }>();
    const rival = await createBrand(owner);
    const brand = await createBrand(owner, { competitor_ids: [rival.id] });
    const changed = await callAs(owner, "PATCH", `/api/v1/brands/${rival.id}`, {
      name: "Renamed",
      project_id: project.id,
    });
    expect(changed.status).toBe(200);
    expect(await changed.json()).toMatchObject({ name: "Renamed", project_id: project.id });
    expect((await callAs(owner, "DELETE", `/api/v1/brands/${rival.id}`)).status).toBe(204);
    expect((await callAs(owner, "GET", `/api/v1/brands/${rival.id}`)).status).toBe(404);
    const left = await (await callAs(owner, "GET", `/api/v1/brands/${brand.id}`)).json<{
      competitor_ids: string[];
    }>();
    expect(left.competitor_ids).toEqual([]);
  });

  it("lets viewers read but not write", async () => {
    const owner = await registerTenant();
    const viewer = await addMember(owner, "viewer");
    const brand = await createBrand(owner);
    expect((await callAs(viewer, "GET", `/api/v1/brands/${brand.id}`)).status).toBe(200);
    expect((await callAs(viewer, "POST", "/api/v1/brands", { name: "Nope" })).status).toBe(403);
  });
});
