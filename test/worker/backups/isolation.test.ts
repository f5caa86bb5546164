import { beforeAll, describe, expect, it } from "vitest";
import { callAs, registerTenant, type TestAccount } from "../support/identity.ts";
import { type BackupBody, completedBackup, tenantWithData } from "./support.ts";

describe("tenant isolation: tenant A calling every backups route with tenant B's ids", {
  timeout: 30_000,
}, () => {
  let a: TestAccount;
  let b: TestAccount;
  let bBackup: BackupBody;

  beforeAll(async () => {
    [a, b] = await Promise.all([registerTenant(), tenantWithData()]);
    bBackup = await completedBackup(b);
  });

  it("answers 404 for B's backup, its download, its files and its restore", async () => {
    const paths = [
      ["GET", `/api/v1/backups/${bBackup.id}`],
      ["GET", `/api/v1/backups/${bBackup.id}/download`],
      ["GET", `/api/v1/backups/${bBackup.id}/download?table=products`],
      ["POST", `/api/v1/backups/${bBackup.id}/restore`],
    ] as const;
    for (const [method, path] of paths) {
      const response = await callAs(a, method, path);
      expect(response.status, `${method} ${path}`).toBe(404);
    }
  });

  it("lists only the caller's backups, and A's backup (A has no data) holds none of B's rows", async () => {
    const mine = await completedBackup(a);
    const page = await (await callAs(a, "GET", "/api/v1/backups?limit=100")).json<{ data: BackupBody[] }>();
    expect(page.data.map((backup) => backup.id)).toEqual([mine.id]);
    expect(bBackup.rows).toBeGreaterThan(0);
    expect(mine.rows).toBe(0);
  });
});
