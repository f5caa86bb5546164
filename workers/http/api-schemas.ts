import { z } from "@hono/zod-openapi";

/** The `{id}` of a resource path; ids are UUIDs. */
export const IdParamSchema = z.object({
  id: z
    .uuid()
    .openapi({ param: { name: "id", in: "path" }, example: "0193b6c6-8f4e-7c1a-9f1e-5b3f7c2d1a00" }),
});

/** An RFC 3339 timestamp in UTC, as every response writes them. */
export const timestamp = () =>
  z.string().openapi({ format: "date-time", example: "2026-11-22T12:00:00.000Z" });

export const isoOrNull = (date: Date | null) => date?.toISOString() ?? null;

/**
 * An update body: every field of `fields` optional, at least one of them sent (400 otherwise), which the
 * document says with `minProperties: 1`.
 */
export const changesOf = <Shape extends z.ZodRawShape>(
  fields: z.ZodObject<Shape>,
  message = "name at least one field to change",
) =>
  fields
    .partial()
    .refine((changes) => Object.keys(changes).length > 0, message)
    .openapi({ minProperties: 1 });
