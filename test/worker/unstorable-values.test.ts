import { describe, expect, it } from "vitest";
import { callAs, registerTenant } from "./support/identity.ts";

describe("values the database or a refinement could not take", () => {
  it("refuses a widget-key origin that is not a URL with 400 naming it", async () => {
    const owner = await registerTenant();
    const response = await callAs(owner, "POST", "/api/v1/widget-keys", {
      name: "Site",
      allowed_origins: ["not a url", "https://www.example.com/path"],
    });
    expect(response.status).toBe(400);
    const problem = await response.json<{ errors: { path: string }[] }>();
    expect(problem.errors.map((error) => error.path)).toEqual(
      expect.arrayContaining(["body.allowed_origins.0", "body.allowed_origins.1"]),
    );
  });

  it("stores a temperature too small for a single-precision column", async () => {
    const owner = await registerTenant();
    const response = await callAs(owner, "POST", "/api/v1/assistants", {
      name: "Tiny",
      model: "gpt-4o-mini",
      instructions: "Answer briefly.",
      temperature: 1e-50,
    });
    expect(response.status).toBe(201);
    expect((await response.json<{ temperature: number }>()).temperature).toBe(1e-50);
  });
});
