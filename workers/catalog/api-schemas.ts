import { z } from "@hono/zod-openapi";
import { changesOf, fieldsOf, filterText, timestampFields } from "../http/api-schemas.ts";
import type { Party, Product } from "./records.ts";
import { displayDecimal } from "./values.ts";

const MoneySchema = z
  .string({ error: 'must be a decimal string such as "12.50": a JSON number would lose cents' })
  .regex(/^\d{1,15}(\.\d{1,4})?$/, "must be a decimal string with up to 4 decimals, e.g. 12.50")
  .openapi({
    example: "12.50",
    description: "A decimal string, never a number: up to 15 digits and 4 decimals.",
  });

const RateSchema = z
  .string({ error: 'must be a percentage as a decimal string such as "15" or "21.5", not a number' })
  .regex(/^\d{1,3}(\.\d{1,3})?$/, "must be a percentage as a decimal string, e.g. 15 or 21.5")
  .openapi({ example: "15", description: "Percent, 0 to 100, as a decimal string." });

const CurrencySchema = z
  .string()
  .regex(/^[A-Z]{3}$/, "must be an ISO 4217 code such as USD or EUR")
  .openapi({ example: "USD" });

const CountrySchema = z
  .string()
  .regex(/^[A-Z]{2}$/, "must be an ISO 3166-1 alpha-2 code such as EC or ES")
  .openapi({ example: "EC" });

const optionalText = (max: number) => z.string().trim().max(max);
const nullableText = (max: number) => z.string().trim().max(max).nullable();

const productFields = {
  sku: z.string().trim().min(1).max(64).openapi({ example: "CAF-500" }),
  name: z.string().trim().min(1).max(200).openapi({ example: "Café de Loja 500 g" }),
  description: optionalText(2000),
  category: optionalText(100),
  unit_price: MoneySchema,
  currency: CurrencySchema,
  tax_rate: RateSchema,
  stock: z.number().int().min(-999_999_999).max(999_999_999),
  active: z.boolean(),
  external_id: nullableText(100),
};

export const ProductCreateSchema = z
  .object({
    ...productFields,
    description: productFields.description.optional(),
    category: productFields.category.optional(),
    tax_rate: productFields.tax_rate.optional(),
    stock: productFields.stock.optional(),
    active: productFields.active.optional(),
    external_id: productFields.external_id.optional(),
  })
  .openapi("ProductCreate");

export const ProductUpdateSchema = changesOf(z.object(productFields)).openapi("ProductUpdate");

export const ProductSchema = z
  .object({
    id: z.uuid(),
    ...productFields,
    description: z.string(),
    category: z.string(),
    external_id: z.string().nullable(),
    ...timestampFields,
  })
  .openapi("Product");

export const ProductFilterSchema = z.object({
  sku: filterText("Only the product with this exact sku."),
  category: filterText("Only products of this category (exact)."),
  active: z
    .enum(["true", "false"])
    .transform((value) => value === "true")
    .optional()
    .openapi({ description: "Only active (or inactive) products." }),
  q: filterText("Only products whose name or sku contains this text (case-insensitive)."),
});

export const renderProduct = (product: Product) => ({
  id: product.id,
  sku: product.sku,
  name: product.name,
  description: product.description,
  category: product.category,
  unit_price: displayDecimal(product.unitPrice),
  currency: product.currency,
  tax_rate: displayDecimal(product.taxRate),
  stock: product.stock,
  active: product.active,
  external_id: product.externalId,
  created_at: product.createdAt.toISOString(),
  updated_at: product.updatedAt.toISOString(),
});

const partyFields = {
  name: z.string().trim().min(1).max(200).openapi({ example: "Comercial Andina S.A." }),
  tax_id: z.string().trim().min(1).max(20).openapi({
    example: "1790012345001",
    description:
      "Checked by its country's check digit where there is one: Ecuador's cédula (10 digits) or RUC (13), Spain's NIF, NIE or CIF. Spaces, dots and dashes are removed.",
  }),
  country: CountrySchema,
  email: z.email().max(254).nullable(),
  phone: nullableText(40),
  address: nullableText(500),
  external_id: nullableText(100),
};

export const PartyCreateSchema = z
  .object({
    ...partyFields,
    email: partyFields.email.optional(),
    phone: partyFields.phone.optional(),
    address: partyFields.address.optional(),
    external_id: partyFields.external_id.optional(),
  })
  .openapi("PartyCreate");

export const PartyUpdateSchema = changesOf(z.object(partyFields)).openapi("PartyUpdate");

export const PartySchema = z
  .object({
    id: z.uuid(),
    ...partyFields,
    email: z.string().nullable(),
    ...timestampFields,
  })
  .openapi("Party");

export const PartyFilterSchema = z.object({
  country: CountrySchema.optional().openapi({ description: "Only those of this country." }),
  tax_id: filterText("Only the one with this tax id (as stored: without spaces, dots or dashes)."),
  q: filterText("Only those whose name contains this text (case-insensitive)."),
});

export const renderParty = (party: Party) =>
  fieldsOf(
    party,
    "id",
    "name",
    "taxId",
    "country",
    "email",
    "phone",
    "address",
    "externalId",
    "createdAt",
    "updatedAt",
  );
