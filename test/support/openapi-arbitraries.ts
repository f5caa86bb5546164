// Requests built from the served OpenAPI document: mostly well-formed values with one part made wrong (wrong
// type, out of bounds, NUL and other control characters, huge and tiny numbers, broken formats, empty and
// oversized strings), so that a property test can walk every operation the document declares.
import fc from "fast-check";

export type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  minProperties?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  default?: unknown;
};

export type Parameter = {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required?: boolean;
  schema: JsonSchema;
};

export type Operation = {
  method: string;
  path: string;
  operationId: string;
  parameters: Parameter[];
  body?: { mediaType: string; schema: JsonSchema; required: boolean };
  responses: Record<string, { content?: Record<string, { schema: JsonSchema }> }>;
};

export type OpenApiDocument = {
  paths: Record<
    string,
    Record<
      string,
      {
        operationId: string;
        parameters?: Parameter[];
        requestBody?: { required?: boolean; content: Record<string, { schema: JsonSchema }> };
        responses: Operation["responses"];
      }
    >
  >;
  components: { schemas: Record<string, JsonSchema> };
};

/** Every operation of the document, with its `$ref`s resolved. */
export function operationsOf(doc: OpenApiDocument): Operation[] {
  const resolve = (schema: JsonSchema): JsonSchema => resolveRefs(schema, doc.components.schemas);
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => {
      const [mediaType, content] = Object.entries(operation.requestBody?.content ?? {})[0] ?? [];
      return {
        method: method.toUpperCase(),
        path,
        operationId: operation.operationId,
        parameters: (operation.parameters ?? []).map((parameter) => ({
          ...parameter,
          schema: resolve(parameter.schema),
        })),
        ...(mediaType && content
          ? {
              body: {
                mediaType,
                schema: resolve(content.schema),
                required: operation.requestBody?.required ?? false,
              },
            }
          : {}),
        responses: Object.fromEntries(
          Object.entries(operation.responses).map(([status, response]) => [
            status,
            response.content
              ? {
                  content: Object.fromEntries(
                    Object.entries(response.content).map(([type, media]) => [
                      type,
                      { schema: resolve(media.schema) },
                    ]),
                  ),
                }
              : {},
          ]),
        ),
      };
    }),
  );
}

export function resolveRefs(schema: JsonSchema, components: Record<string, JsonSchema>): JsonSchema {
  if (schema.$ref) {
    const name = schema.$ref.replace("#/components/schemas/", "");
    const target = components[name];
    if (!target) throw new Error(`unresolved ${schema.$ref}`);
    return resolveRefs(target, components);
  }
  const out: JsonSchema = { ...schema };
  if (schema.items) out.items = resolveRefs(schema.items, components);
  if (schema.properties) {
    out.properties = Object.fromEntries(
      Object.entries(schema.properties).map(([key, value]) => [key, resolveRefs(value, components)]),
    );
  }
  if (typeof schema.additionalProperties === "object")
    out.additionalProperties = resolveRefs(schema.additionalProperties, components);
  for (const key of ["anyOf", "oneOf", "allOf"] as const) {
    const list = schema[key];
    if (list) out[key] = list.map((item) => resolveRefs(item, components));
  }
  return out;
}

const typesOf = (schema: JsonSchema): string[] =>
  schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];

/** Strings Postgres cannot store, or that break naive parsers. */
const hostileStrings = fc.constantFrom(
  "a\u0000b",
  "\u0000",
  "trailing\u0000",
  "\u0001\u0002\u001f\u007f",
  "\ud800",
  "'; drop table tenants; --",
  "%00",
  "",
  " ",
  "x".repeat(10_000),
  "ñandú 🦆 \u202e",
);

const hostileNumbers = fc.constantFrom(
  -1,
  0,
  -0,
  1e-50,
  -1e-50,
  1e308,
  -1e308,
  2 ** 53,
  2 ** 31,
  -(2 ** 31) - 1,
  0.5,
  Number.MAX_SAFE_INTEGER + 2,
);

const wrongTypes = fc.constantFrom<unknown>(null, true, [], {}, "1", 1, [null], { "": "" });

/** A value of the wrong kind, out of bounds, or with a hostile payload for `schema`. */
export function badValue(schema: JsonSchema): fc.Arbitrary<unknown> {
  const types = typesOf(schema);
  const choices: fc.Arbitrary<unknown>[] = [wrongTypes, hostileStrings];
  if (types.includes("integer") || types.includes("number")) {
    choices.push(hostileNumbers);
    if (schema.minimum !== undefined) choices.push(fc.constant(schema.minimum - 1));
    if (schema.maximum !== undefined) choices.push(fc.constant(schema.maximum + 1));
  }
  if (types.includes("string")) {
    if (schema.maxLength !== undefined) choices.push(fc.constant("y".repeat(schema.maxLength + 1)));
    if (schema.format)
      choices.push(fc.constantFrom(`not-a-${schema.format}`, "http://", "2026-13-45T99:99:99Z"));
    if (schema.enum)
      choices.push(fc.constantFrom(`${String(schema.enum[0])}x`, String(schema.enum[0]).toUpperCase()));
  }
  if (types.includes("array")) {
    choices.push(fc.constant(Array.from({ length: (schema.maxItems ?? 1000) + 1 }, () => "z")));
    if (schema.items) choices.push(badValue(schema.items).map((value) => [value]));
  }
  if (types.includes("object") || schema.properties) {
    choices.push(fc.constant({}), fc.constant({ unexpected: "field" }));
  }
  return fc.oneof(...choices);
}

/** A value that satisfies `schema` as far as the keywords the document uses go. */
export function goodValue(schema: JsonSchema): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map(goodValue));
  if (schema.allOf) return goodValue(Object.assign({}, ...schema.allOf));
  const types = typesOf(schema).filter((type) => type !== "null");
  const type = types[0] ?? (schema.properties ? "object" : "string");
  switch (type) {
    case "integer":
      return fc.integer({ min: schema.minimum ?? 0, max: schema.maximum ?? 1000 });
    case "number":
      return fc.double({
        min: schema.minimum ?? 0,
        max: schema.maximum ?? 1000,
        noNaN: true,
        noDefaultInfinity: true,
      });
    case "boolean":
      return fc.boolean();
    case "array": {
      const item = schema.items ? goodValue(schema.items) : fc.string();
      return fc.array(item, {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 3, 3),
      });
    }
    case "object":
      return goodObject(schema);
    default:
      return goodString(schema);
  }
}

function goodString(schema: JsonSchema): fc.Arbitrary<string> {
  switch (schema.format) {
    case "uuid":
      return fc.uuid({ version: 7 });
    case "email":
      return fc.stringMatching(/^[a-z]{3,10}$/).map((name) => `${name}@example.com`);
    case "uri":
    case "url":
      return fc.constantFrom("https://example.com/", "https://example.org/page");
    case "date-time":
      return fc.constantFrom("2026-01-01T00:00:00Z", "2026-06-30T12:30:00.000Z");
    case "date":
      return fc.constant("2026-01-01");
  }
  const min = schema.minLength ?? 1;
  const max = Math.max(min, Math.min(schema.maxLength ?? 24, 24));
  if (schema.pattern) {
    return fc
      .stringMatching(new RegExp(schema.pattern))
      .filter(
        (value) => value.length >= min && value.length <= (schema.maxLength ?? Number.POSITIVE_INFINITY),
      );
  }
  return fc.string({
    minLength: min,
    maxLength: max,
    unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz-0123456789"),
  });
}

function goodObject(schema: JsonSchema): fc.Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  const record: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [key, value] of Object.entries(properties)) record[key] = goodValue(value);
  return fc.record(record, { requiredKeys: [...required].filter((key) => key in properties) });
}

/** A JSON body for `schema` with one part made wrong, or a body of a different shape altogether. */
export function badBody(schema: JsonSchema): fc.Arbitrary<unknown> {
  const properties = Object.keys(schema.properties ?? {});
  const withOneBadField =
    properties.length === 0
      ? badValue(schema)
      : fc
          .tuple(goodObject(schema), fc.constantFrom(...properties))
          .chain(([base, key]) =>
            badValue(schema.properties?.[key] ?? {}).map((bad) => ({ ...base, [key]: bad })),
          );
  return fc.oneof(
    { weight: 6, arbitrary: withOneBadField },
    { weight: 2, arbitrary: goodValue(schema) },
    { weight: 1, arbitrary: wrongTypes },
  );
}

export type GeneratedRequest = {
  path: string;
  query: [string, string][];
  headers: Record<string, string>;
  body?: string;
  contentType?: string;
};

const asText = (value: unknown): string => (typeof value === "string" ? value : JSON.stringify(value));

/** encodeURIComponent() throws on a lone surrogate; the replacement character stands in for it. */
const wellFormed = (text: string): string =>
  Array.from(text, (char) =>
    char.length === 1 && char >= "\ud800" && char <= "\udfff" ? "\ufffd" : char,
  ).join("");

/** fetch() refuses header values with control or non-ASCII characters; those are tested in bodies. */
const headerSafe = (text: string): string => [...text].filter((char) => char >= " " && char <= "~").join("");

/**
 * One request for `operation`: path parameters good or hostile, each query parameter absent, good or bad,
 * sometimes an undeclared query parameter, and a body with one part made wrong.
 */
export function requestFor(operation: Operation): fc.Arbitrary<GeneratedRequest> {
  const pathParameters = operation.parameters.filter((parameter) => parameter.in === "path");
  const queryParameters = operation.parameters.filter((parameter) => parameter.in === "query");
  const headerParameters = operation.parameters.filter((parameter) => parameter.in === "header");
  const valueFor = (parameter: Parameter) =>
    fc.oneof(
      { weight: 3, arbitrary: goodValue(parameter.schema) },
      { weight: 2, arbitrary: badValue(parameter.schema) },
    );
  const path = fc
    .tuple(
      ...pathParameters.map((parameter) =>
        valueFor(parameter)
          .map((value) => [parameter.name, asText(value)] as const)
          // An empty segment names another path (the collection, or none), not this operation.
          .filter(([, value]) => value !== ""),
      ),
    )
    .map((values) =>
      values.reduce(
        (path, [name, value]) => path.replace(`{${name}}`, encodeURIComponent(wellFormed(value))),
        operation.path,
      ),
    );
  const query = fc
    .tuple(
      ...queryParameters.map((parameter) =>
        fc.option(
          valueFor(parameter).map((value) => [parameter.name, asText(value)] as [string, string]),
          {
            nil: undefined,
          },
        ),
      ),
      fc.option(fc.constant(["unknown_parameter", "1"] as [string, string]), { nil: undefined, freq: 8 }),
    )
    .map((pairs) => pairs.filter((pair): pair is [string, string] => pair !== undefined));
  const headers = fc
    .tuple(
      ...headerParameters.map((parameter) =>
        fc.option(
          valueFor(parameter).map((value) => [parameter.name, headerSafe(asText(value))] as const),
          { nil: undefined },
        ),
      ),
    )
    .map((pairs) => Object.fromEntries(pairs.filter((pair) => pair !== undefined)));
  const body = operation.body
    ? badBody(operation.body.schema).map((value) =>
        operation.body?.mediaType === "application/x-www-form-urlencoded"
          ? new URLSearchParams(
              Object.entries(typeof value === "object" && value !== null ? value : { Body: value }).map(
                ([key, item]) => [key, asText(item)],
              ),
            ).toString()
          : JSON.stringify(value),
      )
    : fc.constant(undefined);
  return fc.record({ path, query, headers, body }).map((request) => ({
    ...request,
    body: request.body,
    ...(operation.body && request.body !== undefined ? { contentType: operation.body.mediaType } : {}),
  }));
}
