import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { newSigningKey } from "../../scripts/lib/signing-keys.ts";
import { createApp } from "../../workers/app.ts";
import type { Env } from "../../workers/config/env.ts";

// The served document, fetched through the app itself; a standard validator checks it against the 3.1 schema.
async function servedDocument() {
  const env = {
    DATABASE_URL: "postgres://postgres@127.0.0.1:5432/postgres",
    JWT_SIGNING_KEYS: JSON.stringify([await newSigningKey()]),
  } as Env;
  const response = await createApp().request("https://borde.test/openapi.json", {}, env);
  expect(response.status).toBe(200);
  return response.json() as Promise<{
    openapi: string;
    components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    paths: Record<
      string,
      Record<
        string,
        { operationId?: string; summary?: string; tags?: string[]; responses: Record<string, unknown> }
      >
    >;
  }>;
}

describe("OpenAPI document", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const validator = new Validator();
    const result = await validator.validate(await servedDocument());
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("gives every operation an id, a summary, a tag and its error responses", async () => {
    const doc = await servedDocument();
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({
        name: `${method.toUpperCase()} ${path}`,
        ...operation,
      })),
    );
    expect(operations.length).toBeGreaterThan(3);
    const ids = new Set<string>();
    for (const operation of operations) {
      expect(operation.operationId, operation.name).toBeTruthy();
      expect(operation.summary, operation.name).toBeTruthy();
      expect(operation.tags?.length, operation.name).toBeGreaterThan(0);
      ids.add(operation.operationId ?? "");
    }
    expect(ids.size).toBe(operations.length);
  });

  it("describes the items a posts batch carries, though no route validates them as a whole", async () => {
    const doc = await servedDocument();
    expect(Object.keys(doc.components.schemas.PostInput?.properties ?? {})).toEqual(
      expect.arrayContaining(["network", "external_id", "text", "published_at", "metrics"]),
    );
  });
});
