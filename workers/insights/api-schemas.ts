import { z } from "@hono/zod-openapi";
import { changesOf, timestamp } from "../http/api-schemas.ts";
import type { Brand } from "./brands.ts";
import { NETWORKS } from "./tables.ts";

const unit = z.number().min(0).max(1);

export const AakerProfileSchema = z
  .object({
    sincerity: unit,
    excitement: unit,
    competence: unit,
    sophistication: unit,
    ruggedness: unit,
  })
  .openapi("AakerProfile", {
    description: "Aaker's five dimensions of brand personality, each from 0 to 1.",
  });

const HandleSchema = z.string().trim().min(1).max(100);

const HandlesSchema = z
  .object(Object.fromEntries(NETWORKS.map((network) => [network, HandleSchema.optional()])))
  .strict()
  .openapi({ description: "The brand's own handle on each network.", example: { instagram: "@acme" } });

const WordsSchema = (description: string) =>
  z.array(z.string().trim().min(1).max(100)).max(50).openapi({ description });

const LanguagesSchema = z
  .array(z.string().regex(/^[a-z]{2}$/, "a two-letter ISO 639-1 code"))
  .max(10)
  .openapi({ example: ["es", "en"] });

const brandFields = {
  name: z.string().trim().min(1).max(120),
  project_id: z.uuid().nullable().openapi({ description: "The project of the brand's website, if any." }),
  handles: HandlesSchema,
  keywords: WordsSchema("Words that mark a mention of the brand."),
  hashtags: WordsSchema("Hashtags of the brand, with or without #."),
  languages: LanguagesSchema,
  competitor_ids: z
    .array(z.uuid())
    .max(20)
    .openapi({ description: "Other brands of the tenant that this brand competes with." }),
  desired_profile: AakerProfileSchema.nullable().openapi({
    description: "The personality the brand wants to have; Q2 measures the gap to it.",
  }),
};

export const BrandCreateSchema = z
  .object({
    ...brandFields,
    project_id: brandFields.project_id.default(null),
    handles: HandlesSchema.default({}),
    keywords: brandFields.keywords.default([]),
    hashtags: brandFields.hashtags.default([]),
    languages: LanguagesSchema.default([]),
    competitor_ids: brandFields.competitor_ids.default([]),
    desired_profile: brandFields.desired_profile.default(null),
  })
  .openapi("BrandCreate");

export const BrandUpdateSchema = changesOf(z.object(brandFields)).openapi("BrandUpdate");

export const BrandSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    project_id: z.uuid().nullable(),
    handles: z.record(z.string(), z.string()),
    keywords: z.array(z.string()),
    hashtags: z.array(z.string()),
    languages: z.array(z.string()),
    competitor_ids: z.array(z.uuid()),
    desired_profile: AakerProfileSchema.nullable(),
    created_at: timestamp(),
    updated_at: timestamp(),
  })
  .openapi("Brand");

export const renderBrand = (brand: Brand) => ({
  id: brand.id,
  name: brand.name,
  project_id: brand.projectId,
  handles: brand.handles as Record<string, string>,
  keywords: brand.keywords,
  hashtags: brand.hashtags,
  languages: brand.languages,
  competitor_ids: brand.competitorIds,
  desired_profile: brand.desiredProfile,
  created_at: brand.createdAt.toISOString(),
  updated_at: brand.updatedAt.toISOString(),
});
