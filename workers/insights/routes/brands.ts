import type { z } from "@hono/zod-openapi";
import { validationProblem } from "../../http/problem.ts";
import { RouteGroup } from "../../http/route-kit.ts";
import { BrandCreateSchema, BrandSchema, BrandUpdateSchema, renderBrand } from "../api-schemas.ts";
import {
  type BrandInput,
  type BrandOutcome,
  createBrand,
  deleteBrand,
  findBrand,
  listBrands,
  updateBrand,
} from "../brands.ts";
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

/** The brand of an outcome, or the 400 naming the references it refused. */
function savedBrand(outcome: BrandOutcome) {
  if ("errors" in outcome) throw validationProblem(outcome.errors);
  return outcome.brand;
}

const routes = new RouteGroup("Insights", { module: "insights" });

const brand = routes.resource("brand", {
  path: "/api/v1/brands",
  schema: BrandSchema,
  render: renderBrand,
  access: { read: READ, write: WRITE },
});

brand.list({ summary: "The tenant's brands" }, listBrands);

brand.create(
  { summary: "Add a brand whose social mentions to analyse", body: BrandCreateSchema },
  async (db, tenantId, body) => savedBrand(await createBrand(db, tenantId, brandInputOf(body))),
);

brand.get({ summary: "One brand" }, findBrand);

brand.update(
  { summary: "Change a brand", body: BrandUpdateSchema, responseDescription: "The brand" },
  async (db, tenantId, id, body) => {
    const outcome = await updateBrand(db, tenantId, id, brandInputOf(body));
    return outcome && savedBrand(outcome);
  },
);

brand.delete({ summary: "Delete a brand with its posts and analyses" }, deleteBrand);

export const registerBrandRoutes = routes.register;
