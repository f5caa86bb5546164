import { beforeAll, describe, expect, it } from "vitest";
import { MODULES } from "../../../workers/access/modules.ts";
import { addMember, callAs, createApiKey, registerTenant, type TestAccount } from "../support/identity.ts";

type ProductBody = {
  id: string;
  sku: string;
  name: string;
  unit_price: string;
  currency: string;
  tax_rate: string;
  stock: number;
  active: boolean;
  category: string;
};
type PartyBody = { id: string; name: string; tax_id: string; country: string };

let owner: TestAccount;
beforeAll(async () => {
  owner = await registerTenant();
});

async function createProduct(account: TestAccount, body: Record<string, unknown>) {
  const response = await callAs(account, "POST", "/api/v1/products", {
    name: "Café",
    unit_price: "4.50",
    currency: "USD",
    ...body,
  });
  expect(response.status, await response.clone().text()).toBe(201);
  return response.json<ProductBody>();
}

describe("products", () => {
  it("keeps money as the decimal string it was given, never a float", async () => {
    const product = await createProduct(owner, { sku: "P-1", unit_price: "0.10", tax_rate: "15" });
    expect(product).toMatchObject({
      sku: "P-1",
      unit_price: "0.10",
      currency: "USD",
      tax_rate: "15.00",
      stock: 0,
      active: true,
    });
    const patched = await callAs(owner, "PATCH", `/api/v1/products/${product.id}`, {
      unit_price: "1234567890.1234",
    });
    expect(await patched.json()).toMatchObject({ unit_price: "1234567890.1234", name: "Café" });
  });

  it("refuses a price given as a number, an unknown currency and a taken sku", async () => {
    const asNumber = await callAs(owner, "POST", "/api/v1/products", {
      sku: "N-1",
      name: "x",
      unit_price: 4.5,
      currency: "USD",
    });
    expect(asNumber.status).toBe(400);
    expect(await asNumber.json()).toMatchObject({
      errors: [
        { path: "body.unit_price", message: expect.stringContaining('a decimal string such as "12.50"') },
      ],
    });
    const currency = await callAs(owner, "POST", "/api/v1/products", {
      sku: "N-2",
      name: "x",
      unit_price: "4",
      currency: "XXY",
    });
    expect(currency.status).toBe(400);
    expect((await currency.json<{ errors: { path: string }[] }>()).errors[0]?.path).toBe("body.currency");
    await createProduct(owner, { sku: "DUP" });
    const taken = await callAs(owner, "POST", "/api/v1/products", {
      sku: "DUP",
      name: "x",
      unit_price: "1",
      currency: "USD",
    });
    expect(taken.status).toBe(409);
  });

  it("lists with filters and a cursor", async () => {
    const tenant = await registerTenant();
    for (const [sku, category] of [
      ["A", "tea"],
      ["B", "coffee"],
      ["C", "tea"],
      ["D", "tea"],
    ] as const)
      await createProduct(tenant, { sku, category });
    const first = await (await callAs(tenant, "GET", "/api/v1/products?category=tea&limit=2")).json<{
      data: ProductBody[];
      next_cursor: string | null;
    }>();
    expect(first.data.map((product) => product.sku)).toEqual(["A", "C"]);
    const second = await (
      await callAs(tenant, "GET", `/api/v1/products?category=tea&limit=2&cursor=${first.next_cursor}`)
    ).json<{ data: ProductBody[]; next_cursor: string | null }>();
    expect(second.data.map((product) => product.sku)).toEqual(["D"]);
    expect(second.next_cursor).toBeNull();
    const found = await (await callAs(tenant, "GET", "/api/v1/products?q=b")).json<{ data: ProductBody[] }>();
    expect(found.data.map((product) => product.sku)).toEqual(["B"]);
  });

  it("exports every product as CSV, quoting what needs it", async () => {
    const tenant = await registerTenant();
    await createProduct(tenant, { sku: "E-1", name: 'Té "verde", 100 g', unit_price: "3.5" });
    await createProduct(tenant, { sku: "E-2", name: "Línea\nnueva" });
    const response = await callAs(tenant, "GET", "/api/v1/products/export");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/csv");
    expect(await response.text()).toBe(
      "sku,name,description,category,unit_price,currency,tax_rate,stock,active,external_id\r\n" +
        'E-1,"Té ""verde"", 100 g",,,3.50,USD,0.00,0,true,\r\n' +
        'E-2,"Línea\nnueva",,,4.50,USD,0.00,0,true,\r\n',
    );
  });

  it("lets viewers read but not write, and API keys only with the catalog scopes", async () => {
    const viewer = await addMember(owner, "viewer");
    expect((await callAs(viewer, "GET", "/api/v1/products")).status).toBe(200);
    expect(
      (
        await callAs(viewer, "POST", "/api/v1/products", {
          sku: "V",
          name: "v",
          unit_price: "1",
          currency: "USD",
        })
      ).status,
    ).toBe(403);
    const reader = await createApiKey(owner, ["catalog:read"]);
    expect((await callAs({ apiKey: reader.key }, "GET", "/api/v1/products")).status).toBe(200);
    const other = await createApiKey(owner, ["projects:read"]);
    expect((await callAs({ apiKey: other.key }, "GET", "/api/v1/products")).status).toBe(403);
  });
});

describe("clients and suppliers", () => {
  it("checks the tax id's check digit for its country and stores it normalized", async () => {
    const created = await callAs(owner, "POST", "/api/v1/clients", {
      name: "Favorita",
      tax_id: "1790016919-001",
      country: "EC",
    });
    expect(created.status, await created.clone().text()).toBe(201);
    expect(await created.json<PartyBody>()).toMatchObject({ tax_id: "1790016919001", country: "EC" });
    const wrong = await callAs(owner, "POST", "/api/v1/suppliers", {
      name: "Bad",
      tax_id: "B12345675",
      country: "ES",
    });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ errors: [{ path: "body.tax_id" }] });
  });

  it("keeps clients and suppliers apart: the same tax id may be both", async () => {
    const tenant = await registerTenant();
    const body = { name: "Ana", tax_id: "12345678Z", country: "ES" };
    expect((await callAs(tenant, "POST", "/api/v1/clients", body)).status).toBe(201);
    expect((await callAs(tenant, "POST", "/api/v1/suppliers", body)).status).toBe(201);
    expect((await callAs(tenant, "POST", "/api/v1/clients", body)).status).toBe(409);
    const suppliers = await (await callAs(tenant, "GET", "/api/v1/suppliers")).json<{ data: PartyBody[] }>();
    expect(suppliers.data).toHaveLength(1);
    const client = (
      await (await callAs(tenant, "GET", "/api/v1/clients?country=ES")).json<{ data: PartyBody[] }>()
    ).data[0];
    expect((await callAs(tenant, "GET", `/api/v1/suppliers/${client?.id}`)).status).toBe(404);
  });
});

describe("the catalog module", () => {
  it("answers 403 module-disabled while an owner has it off, and again once on", async () => {
    const tenant = await registerTenant();
    const admin = await addMember(tenant, "admin");
    expect((await callAs(admin, "PUT", "/api/v1/modules/catalog", { enabled: false })).status).toBe(403);
    const off = await callAs(tenant, "PUT", "/api/v1/modules/catalog", { enabled: false });
    expect(await off.json()).toEqual({ key: "catalog", enabled: false });
    const refused = await callAs(tenant, "GET", "/api/v1/products");
    expect(refused.status).toBe(403);
    expect((await refused.json<{ type: string }>()).type).toMatch(/\/problems\/module-disabled$/);
    const modules = await (await callAs(tenant, "GET", "/api/v1/modules")).json<{
      data: { key: string; enabled: boolean }[];
    }>();
    expect(modules.data).toContainEqual({ key: "catalog", enabled: false });
    expect(modules.data).toContainEqual({ key: "imports", enabled: true });
    expect(modules.data.map((module) => module.key)).toEqual([...MODULES]);
    // Another tenant's catalog is untouched.
    expect((await callAs(owner, "GET", "/api/v1/products")).status).toBe(200);
    await callAs(tenant, "PUT", "/api/v1/modules/catalog", { enabled: true });
    expect((await callAs(tenant, "GET", "/api/v1/products")).status).toBe(200);
  });
});
