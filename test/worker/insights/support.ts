import { expect } from "vitest";
import { callAs, type TestAccount } from "../support/identity.ts";

export type BrandBody = {
  id: string;
  name: string;
  project_id: string | null;
  competitor_ids: string[];
  desired_profile: Record<string, number> | null;
};

export async function createBrand(
  account: TestAccount,
  body: Record<string, unknown> = {},
): Promise<BrandBody> {
  const response = await callAs(account, "POST", "/api/v1/brands", {
    name: `Brand ${crypto.randomUUID().slice(0, 6)}`,
    ...body,
  });
  expect(response.status, await response.clone().text()).toBe(201);
  return response.json<BrandBody>();
}

export type IngestBody = {
  created: number;
  updated: number;
  duplicates: number;
  rejected: number;
  errors: { index: number; errors: { path: string; message: string }[] }[];
};

export async function ingest(account: TestAccount, brandId: string, posts: unknown[]): Promise<IngestBody> {
  const response = await callAs(account, "POST", `/api/v1/brands/${brandId}/posts`, { posts });
  expect(response.status, await response.clone().text()).toBe(200);
  return response.json<IngestBody>();
}

/** A valid post; `overrides` changes or adds fields. */
export const post = (externalId: string, overrides: Record<string, unknown> = {}) => ({
  network: "instagram",
  external_id: externalId,
  kind: "post",
  text: "Me encanta este producto, excelente calidad",
  published_at: "2026-11-10T12:00:00Z",
  author: { handle: "@ana", name: "Ana", followers: 1200 },
  metrics: { likes: 10, comments: 2, shares: 1, views: 300, reach: 250 },
  ...overrides,
});
