import { beforeAll, describe, expect, it } from "vitest";
import { MESSY_ALIASES, MESSY_ERRORS, messyCsvUtf8, messyCsvWindows1252 } from "../../support/messy-csv.ts";
import { callAs, registerTenant, type TestAccount } from "../support/identity.ts";
import {
  allErrors,
  createBatch,
  getBatch,
  promote,
  uploadFile,
  validatedRowsBatch,
  waitForState,
} from "./support.ts";

type ProductBody = {
  sku: string;
  name: string;
  description: string | null;
  unit_price: string;
  currency: string;
};

/** The tenant's products by sku (one insert makes a chunk's ids in no particular order). */
async function productsOf(account: TestAccount): Promise<ProductBody[]> {
  const page = await (await callAs(account, "GET", "/api/v1/products?limit=100")).json<{
    data: ProductBody[];
  }>();
  return page.data.sort((a, b) => a.sku.localeCompare(b.sku));
}

/** A tenant whose product files name their columns in Spanish. */
async function tenantWithAliases() {
  const account = await registerTenant();
  const response = await callAs(account, "PUT", "/api/v1/settings/fields/products", {
    fields: MESSY_ALIASES,
  });
  expect(response.status, await response.clone().text()).toBe(200);
  return account;
}

async function importMessyFile(account: TestAccount, bytes: Uint8Array) {
  const batch = await createBatch(account, { entity: "products", source_type: "csv", decimal_comma: true });
  const uploaded = await uploadFile(account, batch.id, bytes);
  expect(uploaded.status, await uploaded.clone().text()).toBe(202);
  return waitForState(account, batch.id, "validated");
}

const shapeOf = (errors: { row: number; column: string; value: string; code: string; severity: string }[]) =>
  errors.map(({ row, column, value, code, severity }) => ({ row, column, value, code, severity }));

describe("a messy CSV file through upload, validation, correction and promotion", { timeout: 30_000 }, () => {
  let owner: TestAccount;
  beforeAll(async () => {
    owner = await tenantWithAliases();
  });

  it("finds exactly the file's row errors, each naming its source line, column and value", async () => {
    const batch = await importMessyFile(owner, messyCsvUtf8());
    expect(batch.progress.total_rows).toBe(11);
    expect(batch.preview).toEqual({ create: 3, update: 0, unchanged: 0, skip: 8 });
    expect(batch.issues).toEqual({ errors: 8, warnings: 1 });
    const errors = await allErrors(owner, batch.id);
    expect(shapeOf(errors)).toEqual(MESSY_ERRORS);
    expect(errors.find((error) => error.code === "duplicate_key")?.message).toContain("row 2");
  });

  it("finds the same errors in the same file written in Windows-1252", async () => {
    const batch = await importMessyFile(owner, messyCsvWindows1252());
    expect(batch.preview).toEqual({ create: 3, update: 0, unchanged: 0, skip: 8 });
    expect(shapeOf(await allErrors(owner, batch.id))).toEqual(MESSY_ERRORS);
  });

  it("revalidates a corrected row, then promotes the valid rows with their decimals exact", async () => {
    const tenant = await tenantWithAliases();
    const batch = await importMessyFile(tenant, messyCsvUtf8());
    const corrected = await callAs(tenant, "PATCH", `/api/v1/imports/batches/${batch.id}/rows/5`, {
      cells: { "Precio unitario": "3,10" },
    });
    expect(corrected.status, await corrected.clone().text()).toBe(200);
    expect(await corrected.json()).toMatchObject({ row: 5, action: "create", errors: [] });
    const still = await callAs(tenant, "PATCH", `/api/v1/imports/batches/${batch.id}/rows/6`, {
      cells: { unit_price: "x" },
    });
    expect(await still.json()).toMatchObject({
      action: "skip",
      errors: [{ column: "unit_price", code: "invalid_number" }],
    });
    expect((await getBatch(tenant, batch.id)).preview).toEqual({
      create: 4,
      update: 0,
      unchanged: 0,
      skip: 7,
    });

    const promoted = await promote(tenant, batch.id);
    expect(promoted.result).toEqual({ created: 4, updated: 0, unchanged: 0, failed: 7 });
    const products = await productsOf(tenant);
    expect(products.map((product) => [product.sku, product.unit_price, product.currency])).toEqual([
      ["AZU-005", "0.99", "EUR"],
      ["CAF-001", "4.50", "USD"],
      ["CAF-002", "1234.56", "USD"],
      ["TE-001", "3.10", "USD"],
    ]);
    expect(products[2]).toMatchObject({
      name: 'Café "Especial"',
      description: "Notas de chocolate,\r\ncaramelo",
    });
  });

  it("refuses a file for a rows batch, a second file, and a body that is not CSV", async () => {
    const rows = await createBatch(owner, { entity: "products", source_type: "rows" });
    expect((await uploadFile(owner, rows.id, messyCsvUtf8())).status).toBe(409);
    const csv = await createBatch(owner, { entity: "products", source_type: "csv" });
    expect((await uploadFile(owner, csv.id, messyCsvUtf8())).status).toBe(202);
    expect((await uploadFile(owner, csv.id, messyCsvUtf8())).status).toBe(409);
    const json = await callAs(owner, "PUT", `/api/v1/imports/batches/${csv.id}/file`, { not: "csv" });
    expect(json.status).toBe(415);
  });
});

const rowsOf = (count: number, price = "1.00") =>
  Array.from({ length: count }, (_, index) => ({
    sku: `S-${String(index + 1).padStart(3, "0")}`,
    name: `Product ${index + 1}`,
    unit_price: price,
    currency: "USD",
  }));

// Each test runs validation and promotion jobs end to end: over 5 s on a busy PostgreSQL server.
describe("promotion", { timeout: 30_000 }, () => {
  it("changes nothing when the same rows are promoted twice, and a promoted batch cannot be promoted again", async () => {
    const tenant = await registerTenant();
    const first = await validatedRowsBatch(tenant, { entity: "products" }, rowsOf(5));
    expect((await promote(tenant, first.id)).result).toEqual({
      created: 5,
      updated: 0,
      unchanged: 0,
      failed: 0,
    });
    const second = await validatedRowsBatch(tenant, { entity: "products" }, rowsOf(5));
    expect(second.preview).toEqual({ create: 0, update: 0, unchanged: 5, skip: 0 });
    expect((await promote(tenant, second.id)).result).toEqual({
      created: 0,
      updated: 0,
      unchanged: 5,
      failed: 0,
    });
    expect((await callAs(tenant, "POST", `/api/v1/imports/batches/${second.id}/promote`)).status).toBe(409);
    expect(await productsOf(tenant)).toHaveLength(5);
  });

  it("upserts: changes the rows that differ, creates the new ones, leaves the rest", async () => {
    const tenant = await registerTenant();
    await promote(tenant, (await validatedRowsBatch(tenant, { entity: "products" }, rowsOf(6))).id);
    const rows = rowsOf(7).map((row, index) =>
      index === 1 || index === 4 ? { ...row, unit_price: "2,50" } : row,
    );
    const batch = await validatedRowsBatch(
      tenant,
      { entity: "products", mode: "upsert", decimal_comma: true },
      rows,
    );
    expect(batch.preview).toEqual({ create: 1, update: 2, unchanged: 4, skip: 0 });
    expect((await promote(tenant, batch.id)).result).toEqual({
      created: 1,
      updated: 2,
      unchanged: 4,
      failed: 0,
    });
    const prices = (await productsOf(tenant)).map((product) => product.unit_price);
    expect(prices).toEqual(["1.00", "2.50", "1.00", "1.00", "2.50", "1.00", "1.00"]);
  });

  it("updates only the columns a batch gives: a field it leaves out keeps the stored value", async () => {
    const tenant = await registerTenant();
    const described = rowsOf(3).map((row) => ({ ...row, description: `About ${row.sku}` }));
    await promote(tenant, (await validatedRowsBatch(tenant, { entity: "products" }, described)).id);
    // Without a description; the second row's description is emptied on purpose (an empty cell is a value).
    const batch = await validatedRowsBatch(tenant, { entity: "products", mode: "update" }, [
      { sku: "S-001", name: "Product 1", unit_price: "7.00", currency: "USD" },
      { sku: "S-002", name: "Product 2", unit_price: "1.00", currency: "USD", description: "" },
      { sku: "S-003", name: "Product 3", unit_price: "1.00", currency: "USD" },
    ]);
    expect(batch.preview).toEqual({ create: 0, update: 2, unchanged: 1, skip: 0 });
    expect((await promote(tenant, batch.id)).result).toEqual({
      created: 0,
      updated: 2,
      unchanged: 1,
      failed: 0,
    });
    expect(
      (await productsOf(tenant)).map((product) => [
        product.sku,
        product.unit_price,
        product.currency,
        product.description,
      ]),
    ).toEqual([
      ["S-001", "7.00", "USD", "About S-001"],
      ["S-002", "1.00", "USD", ""],
      ["S-003", "1.00", "USD", "About S-003"],
    ]);
  });

  it("refuses in insert mode what exists, and in update mode what does not", async () => {
    const tenant = await registerTenant();
    await promote(tenant, (await validatedRowsBatch(tenant, { entity: "products" }, rowsOf(2))).id);
    const insert = await validatedRowsBatch(tenant, { entity: "products", mode: "insert" }, rowsOf(3));
    expect(insert.preview).toEqual({ create: 1, update: 0, unchanged: 0, skip: 2 });
    expect((await allErrors(tenant, insert.id)).map((error) => [error.row, error.code])).toEqual([
      [1, "already_exists"],
      [2, "already_exists"],
    ]);
    const update = await validatedRowsBatch(
      tenant,
      { entity: "products", mode: "update" },
      rowsOf(3, "9.00"),
    );
    expect(update.preview).toEqual({ create: 0, update: 2, unchanged: 0, skip: 1 });
  });
});

describe("clients through an ingest", () => {
  it("checks each tax id by its country's check digit and matches on it", async () => {
    const tenant = await registerTenant();
    const batch = await validatedRowsBatch(tenant, { entity: "clients" }, [
      { name: "Favorita", tax_id: "1790016919001", country: "EC" },
      { name: "Wrong RUC", tax_id: "1790016918001", country: "EC" },
      { name: "Ana", "Tax ID": "12345678-Z", country: "es" },
      { name: "Bad NIE", tax_id: "X1234567T", country: "ES" },
    ]);
    expect(batch.preview).toEqual({ create: 2, update: 0, unchanged: 0, skip: 2 });
    expect((await allErrors(tenant, batch.id)).map((error) => [error.row, error.column, error.code])).toEqual(
      [
        [2, "tax_id", "invalid_tax_id"],
        [4, "tax_id", "invalid_tax_id"],
      ],
    );
    await promote(tenant, batch.id);
    const clients = await (await callAs(tenant, "GET", "/api/v1/clients")).json<{
      data: { tax_id: string }[];
    }>();
    expect(clients.data.map((client) => client.tax_id).sort()).toEqual(["12345678Z", "1790016919001"]);
  });
});

describe("batch states", () => {
  it("cancels a batch, which then takes no rows and cannot be promoted", async () => {
    const tenant = await registerTenant();
    const batch = await validatedRowsBatch(tenant, { entity: "products" }, rowsOf(2));
    expect((await callAs(tenant, "DELETE", `/api/v1/imports/batches/${batch.id}`)).status).toBe(204);
    expect((await getBatch(tenant, batch.id)).state).toBe("cancelled");
    expect((await callAs(tenant, "POST", `/api/v1/imports/batches/${batch.id}/promote`)).status).toBe(409);
    expect((await callAs(tenant, "DELETE", `/api/v1/imports/batches/${batch.id}`)).status).toBe(409);
    const listed = await (await callAs(tenant, "GET", "/api/v1/imports/batches?state=cancelled")).json<{
      data: { id: string }[];
    }>();
    expect(listed.data.map((row) => row.id)).toEqual([batch.id]);
  });

  it("refuses more than 5,000 rows in one ingest call", async () => {
    const tenant = await registerTenant();
    const batch = await createBatch(tenant, { entity: "products", source_type: "rows" });
    const response = await callAs(tenant, "POST", `/api/v1/imports/batches/${batch.id}/ingest`, {
      rows: Array.from({ length: 5001 }, () => ({ s: 1 })),
    });
    expect(response.status).toBe(400);
  });

  it("answers 403 module-disabled on the imports routes while the module is off", async () => {
    const tenant = await registerTenant();
    await callAs(tenant, "PUT", "/api/v1/modules/imports", { enabled: false });
    const refused = await callAs(tenant, "POST", "/api/v1/imports/batches", {
      entity: "products",
      source_type: "rows",
    });
    expect(refused.status).toBe(403);
    expect((await refused.json<{ type: string }>()).type).toMatch(/module-disabled$/);
    expect((await callAs(tenant, "GET", "/api/v1/settings/fields/products")).status).toBe(403);
    // The catalog is its own module: still on.
    expect((await callAs(tenant, "GET", "/api/v1/products")).status).toBe(200);
  });
});
