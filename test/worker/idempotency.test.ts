import { SELF } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { idempotencyKeys } from "../../workers/http/tables.ts";
import { projects } from "../../workers/projects/tables.ts";
import { withTestDatabase } from "./support/database.ts";
import { bearer, callAs, registerTenant, type TestAccount } from "./support/identity.ts";

const project = (name: string) => ({ name, site_url: "https://example.com/" });

const createProject = (account: TestAccount, body: unknown, key?: string) =>
  callAs(account, "POST", "/api/v1/projects", body, key === undefined ? {} : { "idempotency-key": key });

const projectsOf = (tenantId: string) =>
  withTestDatabase((db) => db.select().from(projects).where(eq(projects.tenantId, tenantId)));

describe("Idempotency-Key on creating requests", () => {
  it("returns the first answer to a retry with the same key and body, and creates once", async () => {
    const owner = await registerTenant();
    const key = crypto.randomUUID();
    const first = await createProject(owner, project("Shop"), key);
    expect(first.status).toBe(201);
    const created = await first.json<{ id: string }>();
    const retry = await createProject(owner, project("Shop"), key);
    expect(retry.status).toBe(201);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(retry.headers.get("location")).toBe(`/api/v1/projects/${created.id}`);
    expect(await retry.json()).toEqual(created);
    expect(await projectsOf(owner.tenantId)).toHaveLength(1);
  });

  it("refuses the same key with another body with 409", async () => {
    const owner = await registerTenant();
    const key = crypto.randomUUID();
    expect((await createProject(owner, project("Shop"), key)).status).toBe(201);
    const other = await createProject(owner, project("Blog"), key);
    expect(other.status).toBe(409);
    expect(other.headers.get("content-type")).toBe("application/problem+json");
    expect(await projectsOf(owner.tenantId)).toHaveLength(1);
  });

  it("creates once when the same request is sent five times at once", async () => {
    const owner = await registerTenant();
    const key = crypto.randomUUID();
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => createProject(owner, project("Racing"), key)),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.every((status) => status === 201 || status === 409)).toBe(true);
    expect(statuses).toContain(201);
    for (const answer of answers.filter((each) => each.status === 409))
      expect(answer.headers.get("retry-after")).toBe("1");
    expect(await projectsOf(owner.tenantId)).toHaveLength(1);
  });

  it("frees the key of a request that failed, so the corrected retry creates", async () => {
    const owner = await registerTenant();
    const key = crypto.randomUUID();
    expect((await createProject(owner, { name: "" }, key)).status).toBe(400);
    expect((await createProject(owner, project("Fixed"), key)).status).toBe(201);
    expect(await projectsOf(owner.tenantId)).toHaveLength(1);
  });

  it("keeps keys apart per tenant, and each tenant's answer sealed", async () => {
    const [a, b] = await Promise.all([registerTenant(), registerTenant()]);
    const key = crypto.randomUUID();
    const fromA = await (await createProject(a, project("Tenant A secret name"), key)).json<{ id: string }>();
    const fromB = await createProject(b, project("Tenant B"), key);
    expect(fromB.status).toBe(201);
    expect((await fromB.json<{ id: string }>()).id).not.toBe(fromA.id);
    const [stored] = await withTestDatabase((db) =>
      db.select().from(idempotencyKeys).where(eq(idempotencyKeys.tenantId, a.tenantId)),
    );
    expect(stored?.status).toBe(201);
    expect(stored?.sealedResponse).not.toContain("secret");
  });

  it("answers a malformed body sent with a key with 400, and keeps the key free", async () => {
    const owner = await registerTenant();
    const key = crypto.randomUUID();
    const malformed = await SELF.fetch("https://borde.test/api/v1/projects", {
      method: "POST",
      headers: { ...bearer(owner), "content-type": "application/json", "idempotency-key": key },
      body: '{"name": ',
    });
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get("content-type")).toBe("application/problem+json");
    expect((await createProject(owner, project("After"), key)).status).toBe(201);
  });

  it("creates every time without a key, and refuses a key with spaces", async () => {
    const owner = await registerTenant();
    expect((await createProject(owner, project("One"))).status).toBe(201);
    expect((await createProject(owner, project("One"))).status).toBe(201);
    expect(await projectsOf(owner.tenantId)).toHaveLength(2);
    const spaced = await createProject(owner, project("Two"), "has spaces");
    expect(spaced.status).toBe(400);
  });
});

describe("Idempotency-Key on the other creating routes", () => {
  it("replays a created API key with its secret, which the table stores only sealed", async () => {
    const owner = await registerTenant();
    const key = crypto.randomUUID();
    const body = { name: "deploy", scopes: ["projects:read"] };
    const first = await callAs(owner, "POST", "/api/v1/api-keys", body, { "idempotency-key": key });
    expect(first.status).toBe(201);
    const created = await first.json<{ id: string; key: string }>();
    const retry = await callAs(owner, "POST", "/api/v1/api-keys", body, { "idempotency-key": key });
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(await retry.json()).toEqual(created);
    const [stored] = await withTestDatabase((db) =>
      db.select().from(idempotencyKeys).where(eq(idempotencyKeys.tenantId, owner.tenantId)),
    );
    expect(stored?.sealedResponse).not.toContain(created.key);
  });

  it("is declared on every creating POST of the document, but those with their own deduplication", async () => {
    const doc = await (await callAs(await registerTenant(), "GET", "/openapi.json")).json<{
      paths: Record<
        string,
        Record<string, { operationId: string; parameters?: { name: string }[]; responses: object }>
      >;
    }>();
    // Anonymous creates have no tenant to key by; messages carry client_message_id, deduplicated per conversation.
    const ownDeduplication = ["register", "openWebchatSession", "sendAgentMessage", "sendWebchatMessage"];
    const missing = Object.values(doc.paths)
      .flatMap((methods) => (methods.post ? [methods.post] : []))
      .filter((operation) => "201" in operation.responses || "202" in operation.responses)
      .filter((operation) => !ownDeduplication.includes(operation.operationId))
      .filter((operation) => !operation.parameters?.some((parameter) => parameter.name === "idempotency-key"))
      .map((operation) => operation.operationId);
    expect(missing).toEqual([]);
  });
});
