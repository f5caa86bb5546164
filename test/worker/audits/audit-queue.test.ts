import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { audits } from "../../../workers/audits/tables.ts";
import worker from "../../../workers/index.ts";
import { withTestDatabase } from "../support/database.ts";
import { registerTenant, type TestAccount } from "../support/identity.ts";
import { createProject } from "./support.ts";

let owner: TestAccount;
beforeAll(async () => {
  owner = await registerTenant();
});

/** An audit row that no message has been sent for, so only this test's deliveries run it. */
async function queuedAudit(projectName?: string) {
  const projectId = await createProject(owner, {
    site_url: inject("cleanSiteUrl"),
    ...(projectName ? { name: projectName } : {}),
  });
  const [audit] = await withTestDatabase((db) =>
    db.insert(audits).values({ tenantId: owner.tenantId, projectId }).returning(),
  );
  if (!audit) throw new Error("no audit inserted");
  return audit;
}

const auditRow = async (id: string) => {
  const [row] = await withTestDatabase((db) => db.select().from(audits).where(eq(audits.id, id)));
  if (!row) throw new Error("audit row missing");
  return row;
};

async function deliver(auditIds: string[], bindings = env, queue = "borde-long-jobs", attempts = 1) {
  const batch = createMessageBatch(
    queue,
    auditIds.map((id, index) => ({
      id: `m${index}-${crypto.randomUUID()}`,
      timestamp: new Date(),
      attempts,
      body: { type: "audit.run", audit_id: id },
    })),
  );
  await worker.queue(batch, bindings);
  return getQueueResult(batch, createExecutionContext());
}

describe("audit.run messages", () => {
  it("runs an audit once when its message is delivered twice, even at the same time", async () => {
    const audit = await queuedAudit();
    const [first, second] = await Promise.all([deliver([audit.id]), deliver([audit.id, audit.id])]);
    expect([...first.explicitAcks, ...second.explicitAcks]).toHaveLength(3);
    const row = await auditRow(audit.id);
    expect(row.status).toBe("completed");
    expect(row.attempts).toBe(1);
  });

  it("retries with backoff when the run fails, leaving the audit queued", async () => {
    const audit = await queuedAudit();
    const unreachable = { ...env, DATABASE_URL: "postgres://postgres:postgres@127.0.0.1:1/postgres" };
    const result = await deliver([audit.id], unreachable, "borde-long-jobs", 2);
    expect(result.explicitAcks).toEqual([]);
    expect(result.retryMessages.map((message) => message.msgId)).toHaveLength(1);
    expect((await auditRow(audit.id)).status).toBe("queued");
  });

  it("marks the audit failed, with a reason, when its message is dead-lettered", async () => {
    const audit = await queuedAudit();
    const result = await deliver([audit.id], env, "borde-long-jobs-dlq");
    expect(result.explicitAcks).toHaveLength(1);
    const row = await auditRow(audit.id);
    expect(row.status).toBe("failed");
    expect(row.error).toContain("retries ran out");
    expect(row.finishedAt).toBeInstanceOf(Date);
  });

  it("leaves a completed audit alone when a late message is dead-lettered", async () => {
    const audit = await queuedAudit();
    await deliver([audit.id]);
    await deliver([audit.id], env, "borde-long-jobs-dlq");
    expect((await auditRow(audit.id)).status).toBe("completed");
  });
});

describe("audit summaries", () => {
  const sourceOf = async (id: string) => (await auditRow(id)).result?.summary_source;

  it("asks OpenAI with a JSON schema and keeps its validated answer", async () => {
    const name = `Summary ${crypto.randomUUID()}`;
    const audit = await queuedAudit(name);
    await deliver([audit.id]);
    const row = await auditRow(audit.id);
    expect(row.result?.summary_source).toBe("openai");
    expect(row.result?.summary).toBe("fake summary");
    const base = inject("openaiBaseUrl").replace(/\/v1$/, "");
    const requests = await (await fetch(`${base}/__requests`)).json<
      { body: { response_format?: { type: string }; messages: { content: string }[] } }[]
    >();
    const mine = requests.find((request) =>
      request.body.messages.some(
        (message) => message.content.includes(audit.projectId) || message.content.includes("Summary"),
      ),
    );
    expect(mine?.body.response_format?.type).toBe("json_schema");
  });

  it("falls back when OpenAI answers malformed JSON", async () => {
    const audit = await queuedAudit("Shop fake-openai:malformed");
    await deliver([audit.id]);
    expect(await sourceOf(audit.id)).toBe("fallback");
  });

  it("falls back when OpenAI times out", async () => {
    const audit = await queuedAudit("Shop fake-openai:timeout");
    await deliver([audit.id]);
    expect(await sourceOf(audit.id)).toBe("fallback");
  });

  it("falls back when OpenAI errors", async () => {
    const audit = await queuedAudit("Shop fake-openai:error");
    await deliver([audit.id]);
    expect(await sourceOf(audit.id)).toBe("fallback");
  });

  it("falls back without an API key, with suggestions built from the checks", async () => {
    const audit = await queuedAudit();
    await deliver([audit.id], { ...env, OPENAI_API_KEY: undefined });
    const row = await auditRow(audit.id);
    expect(row.result?.summary_source).toBe("fallback");
    expect(row.result?.summary).toContain(`/100`);
    expect(row.result?.suggestions.map((suggestion) => suggestion.check_ids)).toEqual([["https"]]);
  });
});
