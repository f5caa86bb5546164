import type { z } from "@hono/zod-openapi";
import { areaAccess } from "../access/authorize.ts";
import { IdParamSchema } from "../http/api-schemas.ts";
import { jsonResponse } from "../http/openapi.ts";
import { HttpProblem, notFound, validationProblem } from "../http/problem.ts";
import { RouteGroup, tenantWrite } from "../http/route-kit.ts";
import {
  PartyCreateSchema,
  PartyFilterSchema,
  PartySchema,
  PartyUpdateSchema,
  ProductCreateSchema,
  ProductFilterSchema,
  ProductSchema,
  ProductUpdateSchema,
  renderParty,
  renderProduct,
} from "./api-schemas.ts";
import {
  createRecord,
  deleteRecord,
  filtersOf,
  findRecord,
  listRecords,
  type PartyFilters,
  type ProductFilters,
  type RecordWrite,
  updateRecord,
} from "./catalog.ts";
import { type Entity, type RecordValues, readRecord } from "./entities.ts";
import { exportCsv } from "./export.ts";
import { type Party, type Product, storeOf, valuesOf } from "./records.ts";

// Everyone in the tenant may look; analysts and above change the catalog.
const { read: READ, write: WRITE } = areaAccess("catalog");

/** A body's fields as the text of cells, so the API applies exactly the rules an import applies. */
const cellsOf = (values: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(values).map(([field, value]) => [
      field,
      value === null || value === undefined ? "" : String(value),
    ]),
  );

/** The record a body describes, or the 400 naming each field it breaks. */
function recordOf(entity: Entity, body: Record<string, unknown>): RecordValues {
  const { values, issues } = readRecord(entity, cellsOf(body), { decimalComma: false });
  if (issues.length > 0)
    throw validationProblem(
      issues.map((issue) => ({ path: `body.${issue.column}`, message: issue.message })),
    );
  return values;
}

function savedRow<Row>(write: RecordWrite<Row>, resource: string, key: string): Row {
  if (write.outcome === "not_found") throw notFound(resource);
  if (write.outcome === "taken")
    throw new HttpProblem(
      "conflict",
      `The tenant already has a ${resource} with this ${key} or external_id.`,
    );
  return write.row;
}

type Shape<Row> = {
  entity: Entity;
  tag: string;
  /** Singular and plural, as paths and operation ids use them: "product", "products". */
  one: string;
  many: string;
  key: string;
  item: z.ZodType;
  create: z.ZodType;
  update: z.ZodType;
  filters: z.ZodObject;
  render: (row: Row) => object;
};

function catalogRoutes<Row>(shape: Shape<Row>) {
  const { entity, one, many, render } = shape;
  const Many = many[0]?.toUpperCase() + many.slice(1);
  const One = one[0]?.toUpperCase() + one.slice(1);
  const path = `/api/v1/${many}`;
  const routes = new RouteGroup(shape.tag, { module: "catalog" });

  const record = routes.resource(one, {
    path,
    schema: shape.item,
    render,
    access: { read: READ, write: WRITE },
    plural: many,
  });

  record.list(
    { summary: `The tenant's ${many}, in creation order, with filters`, filters: shape.filters },
    (db, tenantId, query) =>
      listRecords<Row & { id: string }>(
        db,
        tenantId,
        entity,
        query,
        filtersOf(entity, query as ProductFilters & PartyFilters),
      ),
  );

  routes.add(
    {
      method: "get",
      path: `${path}/export`,
      operationId: `export${Many}`,
      summary: `All the tenant's ${many} as CSV, streamed`,
      description:
        "UTF-8 with a header line, comma-separated, RFC 4180 quoting; the same columns an import reads, so an export can be imported back. Filters as in the list.",
      access: READ,
      request: { query: shape.filters },
      responses: {
        200: { description: `The ${many}`, content: { "text/csv": { schema: { type: "string" } } } },
      },
    },
    async (c) => {
      const filters = filtersOf(entity, c.req.valid("query") as ProductFilters & PartyFilters);
      const body = exportCsv(
        c.get("config"),
        c.get("log"),
        c.get("principal")?.tenantId ?? "",
        entity,
        filters,
      );
      return c.body(body, 200, {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${many}.csv"`,
      });
    },
  );

  record.create(
    { summary: `Add a ${one}`, body: shape.create, problems: [409] },
    async (db, tenantId, body) => {
      const values = recordOf(entity, body as Record<string, unknown>);
      return savedRow(await createRecord<Row & { id: string }>(db, tenantId, entity, values), one, shape.key);
    },
  );

  record.get({ summary: `One ${one}` }, (db, tenantId, id) => findRecord<Row>(db, tenantId, entity, id));

  routes.add(
    {
      method: "patch",
      path: `${path}/{id}`,
      operationId: `update${One}`,
      summary: `Change a ${one}`,
      access: WRITE,
      params: IdParamSchema,
      body: shape.update,
      responses: { 200: jsonResponse(shape.item, `The ${one}`) },
      problems: [404, 409],
    },
    async (c, { params: { id }, body }) => {
      const changes = body as Record<string, unknown>;
      const write = await tenantWrite(c, async (db, tenantId) => {
        const existing = await findRecord<Record<string, unknown>>(db, tenantId, entity, id);
        if (!existing) return { outcome: "not_found" } as const;
        const values = recordOf(entity, { ...valuesOf(storeOf(entity), existing), ...changes });
        return updateRecord<Row>(db, tenantId, entity, id, values);
      });
      return c.json(render(savedRow(write, one, shape.key)), 200);
    },
  );

  record.delete({ summary: `Delete a ${one}` }, (db, tenantId, id) => deleteRecord(db, tenantId, entity, id));

  return routes.register;
}

const partyShape = {
  key: "tax_id",
  item: PartySchema,
  create: PartyCreateSchema,
  update: PartyUpdateSchema,
  filters: PartyFilterSchema,
  render: renderParty,
};

const registerProducts = catalogRoutes<Product>({
  entity: "products",
  tag: "Products",
  one: "product",
  many: "products",
  key: "sku",
  item: ProductSchema,
  create: ProductCreateSchema,
  update: ProductUpdateSchema,
  filters: ProductFilterSchema,
  render: renderProduct,
});
const registerClients = catalogRoutes<Party>({
  entity: "clients",
  tag: "Clients",
  one: "client",
  many: "clients",
  ...partyShape,
});
const registerSuppliers = catalogRoutes<Party>({
  entity: "suppliers",
  tag: "Suppliers",
  one: "supplier",
  many: "suppliers",
  ...partyShape,
});

export const registerCatalogRoutes: typeof registerProducts = (app) => {
  registerProducts(app);
  registerClients(app);
  registerSuppliers(app);
};
