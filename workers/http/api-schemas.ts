import { z } from "@hono/zod-openapi";

/** The parameter `{name}` of a path, as the document declares it. */
export const pathParam = <Name extends string, Schema extends z.ZodType>(
  name: Name,
  schema: Schema,
  example: z.output<Schema>,
) => z.object({ [name]: schema.openapi({ param: { name, in: "path" }, example }) } as Record<Name, Schema>);

/** The `{id}` of a resource path; ids are UUIDs. */
export const IdParamSchema = pathParam("id", z.uuid(), "0193b6c6-8f4e-7c1a-9f1e-5b3f7c2d1a00");

/** A list's optional text filter: trimmed, and at least one character when sent. */
export const filterText = (description: string, max = 200) =>
  z.string().trim().min(1).max(max).optional().openapi({ description });

/** Whole-number counts, one per key, in the keys' order. */
export const countsOf = <Key extends string>(keys: readonly Key[]) =>
  z.object(Object.fromEntries(keys.map((key) => [key, z.number().int()])) as Record<Key, z.ZodNumber>);

/** An RFC 3339 timestamp in UTC, as every response writes them. */
export const timestamp = () =>
  z.string().openapi({ format: "date-time", example: "2026-11-22T12:00:00.000Z" });

/** A stored resource's creation and last change, as its response writes them (`timestamps()` of its table). */
export const timestampFields = { created_at: timestamp(), updated_at: timestamp() };

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

type CamelCaseOf<Key extends string> = Key extends `${infer Head}_${infer Tail}`
  ? `${Head}${Capitalize<CamelCaseOf<Tail>>}`
  : Key;

/** A body's fields under their drizzle column names (`window_seconds` → `windowSeconds`), optionality kept. */
export type ColumnsOf<Body> = {
  [Key in keyof Body as Key extends string ? CamelCaseOf<Key> : never]: Body[Key];
};

/**
 * A validated snake_case body as the columns it sets: each field sent renamed to camelCase, the absent ones
 * left out so an update keeps them. The schema has already removed unknown keys.
 */
export function columnsOf<Body extends object>(body: Body): ColumnsOf<Body> {
  const columns: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body))
    if (value !== undefined)
      columns[key.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase())] = value;
  return columns as ColumnsOf<Body>;
}

type SnakeCaseOf<Key extends string> = Key extends `${infer Head}${infer Tail}`
  ? `${Head extends Lowercase<Head> ? Head : `_${Lowercase<Head>}`}${SnakeCaseOf<Tail>}`
  : Key;

/** Some of a row's columns under their response names (`siteUrl` → `site_url`), dates as RFC 3339. */
export type FieldsOf<Row, Key extends keyof Row & string> = {
  [Column in Key as SnakeCaseOf<Column>]: Row[Column] extends infer Value
    ? Value extends Date
      ? string
      : Value
    : never;
};

/**
 * The columns `keys` of a row as a response writes them, in that order: the reverse of `columnsOf`. Naming
 * each column keeps what a response leaves out (tenant ids, hashes) out.
 */
export function fieldsOf<Row extends object, Key extends keyof Row & string>(
  row: Row,
  ...keys: Key[]
): FieldsOf<Row, Key> {
  const fields: Record<string, unknown> = {};
  for (const key of keys) {
    const value = row[key];
    fields[key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)] =
      value instanceof Date ? value.toISOString() : value;
  }
  return fields as FieldsOf<Row, Key>;
}
