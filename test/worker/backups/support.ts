import { sql } from "drizzle-orm";
import { expect } from "vitest";
import { BACKED_UP_TABLES } from "../../../workers/backups/tenant-tables.ts";
import { withTestDatabase } from "../support/database.ts";
import { callAs, createApiKey, registerTenant, type TestAccount } from "../support/identity.ts";
import { gauge, metricsExport, nanos, sendOtlp } from "../support/telemetry.ts";

export type BackupBody = {
  id: string;
  state: string;
  schema_version: string;
  rows: number;
  failure_reason: string | null;
  files: { table: string; rows: number; bytes: number; sha256: string; download_url: string }[];
  manifest_url: string;
  restore: { state: string; failure_reason: string | null } | null;
};

const T0 = Date.UTC(2026, 10, 30, 12, 0, 0);

/** A tenant with rows in several domains: projects, catalog, imports, telemetry, modules. */
export async function tenantWithData(): Promise<TestAccount> {
  const owner = await registerTenant();
  const created = async (path: string, body: unknown) => {
    const response = await callAs(owner, "POST", path, body);
    expect(response.status, await response.clone().text()).toBe(201);
  };
  await created("/api/v1/projects", { name: "Shop", site_url: "https://example.com/" });
  await created("/api/v1/products", {
    sku: "B-1",
    name: "Précis",
    unit_price: "12345678901.2345",
    currency: "USD",
  });
  await created("/api/v1/clients", { name: "Client", tax_id: "1710034065", country: "EC" });
  await created("/api/v1/imports/batches", { entity: "products", source_type: "rows" });
  await callAs(owner, "PUT", "/api/v1/settings/fields/products", {
    fields: [{ field: "sku", aliases: ["código"] }],
  });
  await callAs(owner, "PUT", "/api/v1/modules/insights", { enabled: false });
  const { key } = await createApiKey(owner, ["telemetry:write"]);
  const points = await sendOtlp(
    key,
    "metrics",
    JSON.stringify(
      metricsExport([
        gauge("cpu", { host: "a" }, [
          [T0, 0.1],
          [T0 + 1, 1 / 3],
        ]),
      ]),
    ),
  );
  expect(points.status, await points.clone().text()).toBe(200);
  const logs = await sendOtlp(
    key,
    "logs",
    JSON.stringify({
      resourceLogs: [
        {
          resource: { attributes: [] },
          scopeLogs: [
            {
              logRecords: [
                { timeUnixNano: nanos(T0), severityNumber: 9, body: { stringValue: 'line\nwith "quotes"' } },
              ],
            },
          ],
        },
      ],
    }),
  );
  expect(logs.status, await logs.clone().text()).toBe(200);
  return owner;
}

/**
 * Every row of the tenant in every backed-up table, each row whole as Postgres writes it in JSON (every
 * column, full precision), sorted: two snapshots are equal exactly when the rows are identical.
 */
export const snapshotOf = (tenantId: string) =>
  withTestDatabase(async (db) => {
    const snapshot: Record<string, string[]> = {};
    for (const { name } of BACKED_UP_TABLES) {
      const result = await db.execute<{ line: string }>(
        sql`SELECT to_jsonb(t)::text AS line FROM ${sql.identifier(name)} t WHERE t.tenant_id = ${tenantId} ORDER BY 1`,
      );
      snapshot[name] = result.rows.map((row) => row.line);
    }
    return snapshot;
  });

/** Deletes every backed-up row of the tenant, children first, as the tables' owner. */
export const deleteTenantData = (tenantId: string) =>
  withTestDatabase(async (db) => {
    for (const { name } of [...BACKED_UP_TABLES].reverse())
      await db.execute(sql`DELETE FROM ${sql.identifier(name)} WHERE tenant_id = ${tenantId}`);
  });

export async function getBackup(account: TestAccount, id: string): Promise<BackupBody> {
  const response = await callAs(account, "GET", `/api/v1/backups/${id}`);
  expect(response.status, await response.clone().text()).toBe(200);
  return response.json<BackupBody>();
}

/** Polls the backup until `done` says so (the real queue runs its jobs). */
export async function waitForBackup(
  account: TestAccount,
  id: string,
  done: (backup: BackupBody) => boolean,
  timeoutMs = 25_000,
): Promise<BackupBody> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const backup = await getBackup(account, id);
    if (done(backup)) return backup;
    if (backup.state === "failed" || backup.restore?.state === "failed" || Date.now() > deadline)
      throw new Error(`backup ${id}: ${JSON.stringify(backup)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function completedBackup(account: TestAccount, headers: Record<string, string> = {}) {
  const response = await callAs(account, "POST", "/api/v1/backups", undefined, headers);
  expect(response.status, await response.clone().text()).toBe(202);
  const { id } = await response.json<BackupBody>();
  return waitForBackup(account, id, (backup) => backup.state === "completed");
}
