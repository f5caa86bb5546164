import { env, SELF } from "cloudflare:test";
import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { pruneBackups } from "../../../workers/backups/prune.ts";
import { backups } from "../../../workers/backups/tables.ts";
import { BACKED_UP_TABLES } from "../../../workers/backups/tenant-tables.ts";
import { Logger } from "../../../workers/lib/log.ts";
import { withTestDatabase, withTestSession } from "../support/database.ts";
import {
  addMember,
  BASE,
  bearer,
  callAs,
  randomIp,
  registerTenant,
  type TestAccount,
} from "../support/identity.ts";
import {
  type BackupBody,
  completedBackup,
  deleteTenantData,
  snapshotOf,
  tenantWithData,
  waitForBackup,
} from "./support.ts";

const download = (account: TestAccount, url: string) =>
  SELF.fetch(`${BASE}${url}`, { headers: { ...bearer(account), "cf-connecting-ip": randomIp() } });

const sha256 = async (bytes: ArrayBuffer) =>
  Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)), (byte) =>
    byte.toString(16).padStart(2, "0"),
  ).join("");

async function gunzipLines(bytes: ArrayBuffer): Promise<string[]> {
  const text = await new Response(
    new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip")),
  ).text();
  return text.split("\n").filter((line) => line !== "");
}

describe("backups and restore", { timeout: 60_000 }, () => {
  let owner: TestAccount;
  let other: TestAccount;
  let before: Record<string, string[]>;
  let otherBefore: Record<string, string[]>;
  let backup: BackupBody;

  beforeAll(async () => {
    [owner, other] = await Promise.all([tenantWithData(), tenantWithData()]);
    [before, otherBefore] = await Promise.all([snapshotOf(owner.tenantId), snapshotOf(other.tenantId)]);
    backup = await completedBackup(owner);
  });

  it("has rows in several domains to back up", () => {
    for (const table of [
      "projects",
      "products",
      "parties",
      "import_batches",
      "metric_series",
      "metric_points",
      "log_records",
      "tenant_modules",
      "field_settings",
    ])
      expect(before[table]?.length, table).toBeGreaterThan(0);
  });

  it("writes one file per tenant table with its row count, and a manifest whose checksums match the objects", async () => {
    expect(backup.files.map((file) => file.table)).toEqual(BACKED_UP_TABLES.map((table) => table.name));
    expect(backup.rows).toBe(Object.values(before).reduce((sum, rows) => sum + rows.length, 0));
    const manifest = await download(owner, backup.manifest_url);
    expect(manifest.status).toBe(200);
    const { files, schema_version } = await manifest.json<{
      files: { table: string; sha256: string; rows: number }[];
      schema_version: string;
    }>();
    expect(schema_version).toBe(backup.schema_version);
    for (const file of backup.files) {
      const response = await download(owner, file.download_url);
      expect(response.status, file.table).toBe(200);
      expect(response.headers.get("content-type")).toBe("application/gzip");
      const bytes = await response.arrayBuffer();
      expect(await sha256(bytes), file.table).toBe(files.find((each) => each.table === file.table)?.sha256);
      expect(await gunzipLines(bytes), file.table).toHaveLength(before[file.table]?.length ?? -1);
    }
  });

  it("restores every row identical after the tenant's data is deleted, and leaves another tenant's alone", async () => {
    await deleteTenantData(owner.tenantId);
    expect(Object.values(await snapshotOf(owner.tenantId)).flat()).toEqual([]);
    const response = await callAs(owner, "POST", `/api/v1/backups/${backup.id}/restore`);
    expect(response.status, await response.clone().text()).toBe(202);
    expect((await response.json<BackupBody>()).restore?.state).toBe("queued");
    await waitForBackup(owner, backup.id, (each) => each.restore?.state === "completed");
    expect(await snapshotOf(owner.tenantId)).toEqual(before);
    expect(await snapshotOf(other.tenantId)).toEqual(otherBefore);
    // The restored tenant works as before through the API.
    const products = await (await callAs(owner, "GET", "/api/v1/products")).json<{
      data: { unit_price: string }[];
    }>();
    expect(products.data.map((product) => product.unit_price)).toEqual(["12345678901.2345"]);
  });

  it("restores over changed data too: rows added since are gone, rows changed are back", async () => {
    await callAs(owner, "POST", "/api/v1/projects", {
      name: "Added later",
      site_url: "https://example.org/",
    });
    await withTestDatabase((db) =>
      db.execute(sql`UPDATE products SET name = 'changed' WHERE tenant_id = ${owner.tenantId}`),
    );
    expect((await callAs(owner, "POST", `/api/v1/backups/${backup.id}/restore`)).status).toBe(202);
    await waitForBackup(owner, backup.id, (each) => each.restore?.state === "completed");
    expect(await snapshotOf(owner.tenantId)).toEqual(before);
  });

  it("lets only owners restore, and only admins list and take backups", async () => {
    const admin = await addMember(owner, "admin");
    const viewer = await addMember(owner, "viewer");
    const refused = await callAs(admin, "POST", `/api/v1/backups/${backup.id}/restore`);
    expect(refused.status).toBe(403);
    expect(refused.headers.get("content-type")).toBe("application/problem+json");
    expect((await callAs(admin, "GET", "/api/v1/backups")).status).toBe(200);
    expect((await callAs(viewer, "GET", "/api/v1/backups")).status).toBe(403);
    expect((await callAs(viewer, "POST", "/api/v1/backups")).status).toBe(403);
  });

  it("refuses a backup of another schema version with its own problem type", async () => {
    const old = await completedBackup(other);
    await withTestDatabase((db) =>
      db.update(backups).set({ schemaVersion: "0000_init" }).where(eq(backups.id, old.id)),
    );
    const response = await callAs(other, "POST", `/api/v1/backups/${old.id}/restore`);
    expect(response.status).toBe(409);
    expect((await response.json<{ type: string }>()).type).toMatch(/\/problems\/backup-schema-mismatch$/);
  });

  it("takes one backup for a retried request with the same Idempotency-Key", async () => {
    const tenant = await registerTenant();
    const key = crypto.randomUUID();
    const first = await callAs(tenant, "POST", "/api/v1/backups", undefined, { "idempotency-key": key });
    const retry = await callAs(tenant, "POST", "/api/v1/backups", undefined, { "idempotency-key": key });
    expect(first.status).toBe(202);
    expect(retry.status).toBe(202);
    expect((await retry.json<BackupBody>()).id).toBe((await first.json<BackupBody>()).id);
    const rows = await withTestDatabase((db) =>
      db.select().from(backups).where(eq(backups.tenantId, tenant.tenantId)),
    );
    expect(rows).toHaveLength(1);
  });
});

describe("keeping the last backups", { timeout: 60_000 }, () => {
  it("deletes the objects and rows of every completed backup past the newest kept ones", async () => {
    const tenant = await tenantWithData();
    const taken = [];
    for (let count = 0; count < 3; count++) taken.push(await completedBackup(tenant));
    const [oldest, ...newest] = taken;
    if (!oldest) throw new Error("no backup taken");
    await withTestSession((session) => pruneBackups(session, env.FILES, tenant.tenantId, 2, new Logger()));
    const page = await (await callAs(tenant, "GET", "/api/v1/backups")).json<{ data: BackupBody[] }>();
    expect(page.data.map((backup) => backup.id)).toEqual(newest.map((backup) => backup.id));
    const left = await env.FILES.list({ prefix: `backups/${tenant.tenantId}/${oldest.id}/` });
    expect(left.objects).toEqual([]);
    const kept = await env.FILES.list({ prefix: `backups/${tenant.tenantId}/${newest[0]?.id}/` });
    expect(kept.objects.length).toBe(BACKED_UP_TABLES.length + 1);
  });
});
