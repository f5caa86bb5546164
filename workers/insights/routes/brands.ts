import type { z } from "@hono/zod-openapi";
import { IdParamSchema } from "../../http/api-schemas.ts";
import { jsonBody, jsonResponse } from "../../http/openapi.ts";
import { notFound, validationProblem } from "../../http/problem.ts";
import { RouteGroup, tenantWrite } from "../../http/route-kit.ts";
import { BrandCreateSchema, BrandSchema, BrandUpdateSchema, renderBrand } from "../api-schemas.ts";
import { type BrandInput, createBrand, deleteBrand, findBrand, listBrands, updateBrand } from "../brands.ts";
import { READ, WRITE } from "./access.ts";

type BrandBody = z.output<typeof BrandUpdateSchema>;

/** A brand body (all fields on create, some on update) as the domain's input. */
function brandInputOf(body: z.output<typeof BrandCreateSchema>): BrandInput;
function brandInputOf(body: BrandBody): Partial<BrandInput>;
function brandInputOf(body: BrandBody): Partial<BrandInput> {
  return {
    name: body.name,
    projectId: body.project_id,
    handles: body.handles,
    keywords: body.keywords,
    hashtags: body.hashtags,
    languages: body.languages,
    competitorIds: body.competitor_ids,
    desiredProfile: body.desired_profile,
  };
}

const routes = new RouteGroup("Insights", { module: "insights" });

const brand = routes.resource("brand", { path: "/api/v1/brands", schema: BrandSchema, render: renderBrand });

brand.list(
  {
    operationId: "listBrands",
    summary: "The tenant's brands",
    access: READ,
  },
  listBrands,
);

brand.create(
  {
    operationId: "createBrand",
    summary: "Add a brand whose social mentions to analyse",
    access: WRITE,
    body: BrandCreateSchema,
  },
  async (db, tenantId, body) => {
    const outcome = await createBrand(db, tenantId, brandInputOf(body));
    if ("errors" in outcome) throw validationProblem(outcome.errors);
    return outcome.brand;
  },
);

brand.get(
  {
    operationId: "getBrand",
    summary: "One brand",
    access: READ,
  },
  findBrand,
);

routes.add(
  {
    method: "patch",
    path: "/api/v1/brands/{id}",
    operationId: "updateBrand",
    summary: "Change a brand",
    access: WRITE,
    request: { params: IdParamSchema, body: jsonBody(BrandUpdateSchema) },
    responses: { 200: jsonResponse(BrandSchema, "The brand") },
    problems: [404],
  },
  async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const outcome = await tenantWrite(c, (db, tenantId) => updateBrand(db, tenantId, id, brandInputOf(body)));
    if (!outcome) throw notFound("brand");
    if ("errors" in outcome) throw validationProblem(outcome.errors);
    return c.json(renderBrand(outcome.brand), 200);
  },
);

brand.delete(
  {
    operationId: "deleteBrand",
    summary: "Delete a brand with its posts and analyses",
    access: WRITE,
  },
  deleteBrand,
);

export const registerBrandRoutes = routes.register;
