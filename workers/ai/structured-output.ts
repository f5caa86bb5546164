import { z } from "zod";

// One conversion per schema and isolate: the schemas are module constants, so the cache never grows.
const jsonSchemas = new WeakMap<z.ZodType, Record<string, unknown>>();

/**
 * A zod schema as OpenAI's strict structured output wants it: every property required, no others, in
 * draft 7. The same zod schema then validates the answer, so what is asked and what is checked cannot drift
 * apart. (The SDK's `zodResponseFormat` does the same, but brings a second JSON-schema converter into the
 * bundle.)
 */
export function strictJsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  let jsonSchema = jsonSchemas.get(schema);
  if (!jsonSchema) {
    const { $schema: _, ...rest } = z.toJSONSchema(schema, { target: "draft-7", unrepresentable: "any" });
    jsonSchema = rest;
    jsonSchemas.set(schema, jsonSchema);
  }
  return jsonSchema;
}

/** The chat completion `response_format` asking for an answer of this schema, under this versioned name. */
export const strictResponseFormat = (name: string, schema: z.ZodType) =>
  ({
    type: "json_schema",
    json_schema: { name, strict: true, schema: strictJsonSchemaOf(schema) },
  }) as const;
