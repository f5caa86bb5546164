import { expect } from "vitest";
import { callAs, type TestAccount } from "../support/identity.ts";

export type AuditStatusBody = {
  id: string;
  project_id: string;
  status: string;
  trigger: string;
  progress: { pages_done: number; pages_planned: number };
  score: number | null;
  error: string | null;
};

export type CheckBody = {
  id: string;
  status: string;
  severity: string;
  category: string;
  evidence: string[];
};

export type AuditResultBody = {
  scores: { overall: number; categories: Record<string, number> };
  checks: CheckBody[];
  pages: { url: string; status: number | null }[];
  summary: string;
  suggestions: { priority: number; title: string; check_ids: string[] }[];
  summary_source: string;
};

export async function createProject(account: TestAccount, body: Record<string, unknown>): Promise<string> {
  const response = await callAs(account, "POST", "/api/v1/projects", {
    name: `Site ${crypto.randomUUID().slice(0, 6)}`,
    ...body,
  });
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json<{ id: string }>()).id;
}

export async function startAudit(
  account: TestAccount,
  projectId: string,
  key?: string,
): Promise<AuditStatusBody> {
  const response = await callAs(
    account,
    "POST",
    "/api/v1/audits",
    { project_id: projectId },
    key ? { "idempotency-key": key } : {},
  );
  expect(response.status, await response.clone().text()).toBe(202);
  return response.json<AuditStatusBody>();
}

/** Polls the status route until the audit is completed or failed (the real queue runs it). */
export async function waitForAudit(account: TestAccount, auditId: string, timeoutMs = 25_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await callAs(account, "GET", `/api/v1/audits/${auditId}/status`);
    expect(response.status).toBe(200);
    const status = await response.json<AuditStatusBody>();
    if (status.status === "completed" || status.status === "failed") return status;
    if (Date.now() > deadline) throw new Error(`audit still ${status.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export async function resultOf(account: TestAccount, auditId: string): Promise<AuditResultBody> {
  const response = await callAs(account, "GET", `/api/v1/audits/${auditId}/result`);
  expect(response.status, await response.clone().text()).toBe(200);
  return response.json<AuditResultBody>();
}

export const notPassing = (result: AuditResultBody) =>
  result.checks
    .filter((check) => check.status !== "pass")
    .map((check) => check.id)
    .sort();
