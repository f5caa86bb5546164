import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { parties, products } from "../../../workers/catalog/tables.ts";
import { fieldSettings, importBatches, importErrors, importRows } from "../../../workers/imports/tables.ts";
import { tenantModules } from "../../../workers/modules/tables.ts";
import { messyCsvUtf8 } from "../../support/messy-csv.ts";
import { withTestDatabase } from "../support/database.ts";
import { callAs, registerTenant, type TestAccount } from "../support/identity.ts";
import { createBatch, uploadFile, validatedRowsBatch, waitForState } from "./support.ts";

/** One tenant with something of every kind: a product, a client, a supplier, and batches with errors. */
type Fixture = {
  owner: TestAccount;
  productId: string;
  clientId: string;
  supplierId: string;
  batchId: string;
  fileBatchId: string;
};

async function tenantWithData(): Promise<Fixture> {
  const owner = await registerTenant();
  const created = async (path: string, body: unknown) => {
    const response = await callAs(owner, "POST", path, body);
    expect(response.status, await response.clone().text()).toBe(201);
    return (await response.json<{ id: string }>()).id;
  };
  const productId = await created("/api/v1/products", {
    sku: "ISO-1",
    name: "Mine",
    unit_price: "1",
    currency: "USD",
  });
  const party = { name: "Mine", tax_id: "1710034065", country: "EC" };
  const clientId = await created("/api/v1/clients", party);
  const supplierId = await created("/api/v1/suppliers", party);
  await callAs(owner, "PUT", "/api/v1/settings/fields/products", {
    fields: [{ field: "sku", aliases: ["código"] }],
  });
  const batch = await validatedRowsBatch(owner, { entity: "products" }, [
    { sku: "ISO-2", name: "x", unit_price: "bad", currency: "USD" },
  ]);
  const fileBatch = await createBatch(owner, { entity: "products", source_type: "csv" });
  return { owner, productId, clientId, supplierId, batchId: batch.id, fileBatchId: fileBatch.id };
}

describe("tenant isolation: tenant A calling every catalog and imports route with tenant B's ids", () => {
  let a: Fixture;
  let b: Fixture;
  let bBefore: unknown;

  const snapshotOf = (fixture: Fixture) =>
    withTestDatabase(async (db) => {
      const tenant = sql`tenant_id = ${fixture.owner.tenantId}`;
      return {
        products: await db.select().from(products).where(tenant).orderBy(products.id),
        parties: await db.select().from(parties).where(tenant).orderBy(parties.id),
        batches: await db.select().from(importBatches).where(tenant).orderBy(importBatches.id),
        rows: await db.select().from(importRows).where(tenant).orderBy(importRows.row),
        errors: await db.select().from(importErrors).where(tenant).orderBy(importErrors.id),
        settings: await db.select().from(fieldSettings).where(tenant),
        modules: await db.select().from(tenantModules).where(tenant),
      };
    });

  beforeAll(async () => {
    a = await tenantWithData();
    b = await tenantWithData();
    bBefore = await snapshotOf(b);
  });

  it("finds none of B's records by id, and changes none", async () => {
    for (const [path, id, change] of [
      ["products", b.productId, { name: "stolen" }],
      ["clients", b.clientId, { name: "stolen" }],
      ["suppliers", b.supplierId, { name: "stolen" }],
    ] as const) {
      expect((await callAs(a.owner, "GET", `/api/v1/${path}/${id}`)).status).toBe(404);
      expect((await callAs(a.owner, "PATCH", `/api/v1/${path}/${id}`, change)).status).toBe(404);
      expect((await callAs(a.owner, "DELETE", `/api/v1/${path}/${id}`)).status).toBe(404);
    }
  });

  it("finds none of B's batches, rows or errors", async () => {
    const batch = `/api/v1/imports/batches/${b.batchId}`;
    expect((await callAs(a.owner, "GET", batch)).status).toBe(404);
    expect((await callAs(a.owner, "GET", `${batch}/errors`)).status).toBe(404);
    expect((await callAs(a.owner, "PATCH", `${batch}/rows/1`, { cells: { unit_price: "1" } })).status).toBe(
      404,
    );
    expect((await callAs(a.owner, "POST", `${batch}/validate`)).status).toBe(404);
    expect((await callAs(a.owner, "POST", `${batch}/promote`)).status).toBe(404);
    expect((await callAs(a.owner, "POST", `${batch}/ingest`, { rows: [{ sku: "x" }] })).status).toBe(404);
    expect((await callAs(a.owner, "DELETE", batch)).status).toBe(404);
    expect((await uploadFile(a.owner, b.fileBatchId, messyCsvUtf8())).status).toBe(404);
  });

  it("lists and exports only its own", async () => {
    const ids = async (path: string) =>
      (await (await callAs(a.owner, "GET", path)).json<{ data: { id: string }[] }>()).data.map(
        (row) => row.id,
      );
    expect(await ids("/api/v1/products")).toEqual([a.productId]);
    expect(await ids("/api/v1/clients")).toEqual([a.clientId]);
    expect(await ids("/api/v1/suppliers")).toEqual([a.supplierId]);
    expect((await ids("/api/v1/imports/batches")).sort()).toEqual([a.batchId, a.fileBatchId].sort());
    const csv = await (await callAs(a.owner, "GET", "/api/v1/products/export")).text();
    expect(csv.split("\r\n").filter(Boolean)).toHaveLength(2);
    expect(csv).toContain("ISO-1");
  });

  it("switches only its own modules and field settings", async () => {
    await callAs(a.owner, "PUT", "/api/v1/settings/fields/products", {
      fields: [{ field: "name", aliases: ["título"] }],
    });
    expect((await callAs(a.owner, "PUT", "/api/v1/modules/audits", { enabled: false })).status).toBe(200);
    const settings = await (await callAs(b.owner, "GET", "/api/v1/settings/fields/products")).json<{
      fields: { field: string; aliases: string[] }[];
    }>();
    expect(settings.fields.find((field) => field.field === "name")?.aliases).toEqual([]);
    const modules = await (await callAs(b.owner, "GET", "/api/v1/modules")).json<{
      data: { key: string; enabled: boolean }[];
    }>();
    expect(modules.data.every((module) => module.enabled)).toBe(true);
  });

  it("left every row of B as it was", async () => {
    expect(await snapshotOf(b)).toEqual(bBefore);
  });
});

describe("a file batch's upload", () => {
  it("keeps each tenant's file under its own key", async () => {
    const owner = await registerTenant();
    const batch = await createBatch(owner, { entity: "products", source_type: "csv" });
    await uploadFile(owner, batch.id, messyCsvUtf8());
    await waitForState(owner, batch.id, "validated");
    const [row] = await withTestDatabase((db) =>
      db.select({ key: importBatches.fileKey }).from(importBatches).where(sql`id = ${batch.id}`),
    );
    expect(row?.key).toBe(`imports/${owner.tenantId}/${batch.id}.csv`);
  });
});
