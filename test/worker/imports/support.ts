import { SELF } from "cloudflare:test";
import { expect } from "vitest";
import { BASE, bearer, callAs, randomIp, type TestAccount } from "../support/identity.ts";

export type BatchBody = {
  id: string;
  state: string;
  failure_reason: string | null;
  progress: { total_rows: number; validated_through: number; promoted_through: number };
  issues: { errors: number; warnings: number };
  preview: { create: number; update: number; unchanged: number; skip: number } | null;
  result: { created: number; updated: number; unchanged: number; failed: number };
};

export type ErrorBody = {
  row: number;
  column: string;
  value: string;
  code: string;
  message: string;
  severity: string;
};

export async function createBatch(account: TestAccount, body: Record<string, unknown>): Promise<BatchBody> {
  const response = await callAs(account, "POST", "/api/v1/imports/batches", body);
  expect(response.status, await response.clone().text()).toBe(201);
  return response.json<BatchBody>();
}

export function uploadFile(account: TestAccount, batchId: string, bytes: Uint8Array) {
  return SELF.fetch(`${BASE}/api/v1/imports/batches/${batchId}/file`, {
    method: "PUT",
    headers: { ...bearer(account), "cf-connecting-ip": randomIp(), "content-type": "text/csv" },
    body: bytes,
  });
}

export async function getBatch(account: TestAccount, batchId: string): Promise<BatchBody> {
  const response = await callAs(account, "GET", `/api/v1/imports/batches/${batchId}`);
  expect(response.status, await response.clone().text()).toBe(200);
  return response.json<BatchBody>();
}

/** Polls the batch until it reaches `state` (the real queue runs its jobs), failing on failed. */
export async function waitForState(account: TestAccount, batchId: string, state: string, timeoutMs = 25_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const batch = await getBatch(account, batchId);
    if (batch.state === state) return batch;
    if (batch.state === "failed" || Date.now() > deadline)
      throw new Error(`batch ${batchId} is ${batch.state} (${batch.failure_reason}), not ${state}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Every error of the batch, following the cursor. */
export async function allErrors(account: TestAccount, batchId: string): Promise<ErrorBody[]> {
  const errors: ErrorBody[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `&cursor=${cursor}` : "";
    const page: { data: ErrorBody[]; next_cursor: string | null } = await (
      await callAs(account, "GET", `/api/v1/imports/batches/${batchId}/errors?limit=100${query}`)
    ).json();
    errors.push(...page.data);
    cursor = page.next_cursor;
  } while (cursor);
  return errors.sort((a, b) => a.row - b.row);
}

/** Runs a rows batch through ingest and validation. */
export async function validatedRowsBatch(
  account: TestAccount,
  batch: Record<string, unknown>,
  rows: Record<string, unknown>[],
): Promise<BatchBody> {
  const { id } = await createBatch(account, { source_type: "rows", ...batch });
  const ingested = await callAs(account, "POST", `/api/v1/imports/batches/${id}/ingest`, { rows });
  expect(ingested.status, await ingested.clone().text()).toBe(200);
  expect((await callAs(account, "POST", `/api/v1/imports/batches/${id}/validate`)).status).toBe(202);
  return waitForState(account, id, "validated");
}

export async function promote(account: TestAccount, batchId: string): Promise<BatchBody> {
  const response = await callAs(account, "POST", `/api/v1/imports/batches/${batchId}/promote`);
  expect(response.status, await response.clone().text()).toBe(202);
  return waitForState(account, batchId, "promoted");
}
