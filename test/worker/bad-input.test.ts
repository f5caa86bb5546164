import { env, SELF } from "cloudflare:test";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  type GeneratedRequest,
  type JsonSchema,
  type OpenApiDocument,
  type Operation,
  operationsOf,
  requestFor,
} from "../support/openapi-arbitraries.ts";
import { BASE, randomIp, registerTenant, type TestAccount } from "./support/identity.ts";

// Cases per operation: a few in `npm test`, more in CI (BAD_INPUT_RUNS).
const RUNS = Number(env.BAD_INPUT_RUNS ?? 12);

const doc = await (await SELF.fetch(`${BASE}/openapi.json`)).json<OpenApiDocument>();
const operations = operationsOf(doc);

/** What a response broke of the document's promises, or null when it kept them all. */
function brokenPromise(
  operation: Operation,
  status: number,
  contentType: string,
  body: unknown,
): string | null {
  if (status >= 500) return `answered ${status}`;
  const declared = operation.responses[String(status)] ?? operation.responses.default;
  if (!declared) return `answered ${status}, which the document does not declare`;
  if (status >= 400 && !contentType.startsWith("application/problem+json"))
    return `answered ${status} as ${contentType}, not a problem document`;
  const mediaType = contentType.split(";")[0]?.trim() ?? "";
  const schema = declared.content?.[mediaType]?.schema;
  if (!declared.content || status === 204) return null;
  if (!schema) return `answered ${mediaType}, which the document does not declare for ${status}`;
  if (mediaType.endsWith("json")) {
    const result = schemaOf(schema).safeParse(body);
    if (!result.success)
      return `body does not match the document: ${JSON.stringify(result.error.issues).slice(0, 400)}`;
  }
  return null;
}

/** Undeclared query parameters are refused (400), so a client's typo never passes unnoticed. */
function unknownParameterAccepted(request: GeneratedRequest, status: number): string | null {
  const sent = request.query.some(([name]) => name === "unknown_parameter");
  return sent && status < 300 ? `accepted an undeclared query parameter with ${status}` : null;
}

const schemas = new Map<JsonSchema, z.ZodType>();
function schemaOf(schema: JsonSchema): z.ZodType {
  let parsed = schemas.get(schema);
  if (!parsed) {
    parsed = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
    schemas.set(schema, parsed);
  }
  return parsed;
}

async function send(operation: Operation, request: GeneratedRequest, account: TestAccount) {
  const url = new URL(`${BASE}${request.path}`);
  for (const [name, value] of request.query) url.searchParams.append(name, value);
  const response = await SELF.fetch(url, {
    method: operation.method,
    headers: {
      authorization: `Bearer ${account.accessToken}`,
      "cf-connecting-ip": randomIp(),
      ...(request.contentType ? { "content-type": request.contentType } : {}),
      ...request.headers,
    },
    body: request.body,
  });
  const contentType = response.headers.get("content-type") ?? "";
  const text = await response.text();
  let body: unknown = text;
  if (contentType.includes("json") && text) body = JSON.parse(text);
  return { status: response.status, contentType, body };
}

describe("every operation of the OpenAPI document, given generated bad input", () => {
  let account: TestAccount;
  beforeAll(async () => {
    account = await registerTenant();
  });

  it("walks every operation the document declares", () => {
    expect(operations.length).toBeGreaterThan(60);
  });

  for (const operation of operations) {
    it(`${operation.method} ${operation.path} answers with a declared 4xx problem or a declared success`, async () => {
      await fc.assert(
        fc.asyncProperty(requestFor(operation), async (request) => {
          const response = await send(operation, request, account);
          const broken =
            brokenPromise(operation, response.status, response.contentType, response.body) ??
            unknownParameterAccepted(request, response.status);
          if (broken)
            throw new Error(
              `${broken}\nrequest: ${JSON.stringify(request).slice(0, 600)}\nresponse: ${JSON.stringify(response.body).slice(0, 600)}`,
            );
        }),
        { numRuns: RUNS, endOnFailure: true },
      );
    });
  }
});
