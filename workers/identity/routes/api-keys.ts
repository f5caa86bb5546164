import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../http/app-env.ts";
import { jsonBody, jsonResponse, SIGNED_IN } from "../../http/openapi.ts";
import { problemResponses } from "../../http/openapi-responses.ts";
import { ListQuerySchema, pageSchema, toPage } from "../../http/pagination.ts";
import { notFound } from "../../http/problem.ts";
import { createApiKey, listApiKeys, revokeApiKey } from "../api-keys.ts";
import { ApiKeySchema, IdParamSchema, renderApiKey, ScopeSchema } from "../api-schemas.ts";
import { authorize, userOf } from "../authorize.ts";

const ApiKeyCreateSchema = z
  .object({
    name: z.string().trim().min(1).max(120),
    scopes: z.array(ScopeSchema).min(1).max(20),
    expires_at: z.iso
      .datetime()
      .optional()
      .refine((value) => value === undefined || new Date(value) > new Date(), "must be in the future"),
  })
  .openapi("ApiKeyCreate");

const CreatedApiKeySchema = ApiKeySchema.extend({
  key: z.string().openapi({ description: "Shown once. Send it as `x-api-key` or `Authorization: Bearer`." }),
}).openapi("CreatedApiKey");

const TAGS = ["API keys"];

const listRoute = createRoute({
  method: "get",
  path: "/api/v1/api-keys",
  operationId: "listApiKeys",
  tags: TAGS,
  summary: "The tenant's live API keys (never their secrets)",
  security: SIGNED_IN,
  middleware: [authorize({ role: "admin" })] as const,
  request: { query: ListQuerySchema },
  responses: {
    200: jsonResponse(pageSchema(ApiKeySchema, "ApiKeyPage"), "A page of keys"),
    ...problemResponses(401, 403),
  },
});

const createKeyRoute = createRoute({
  method: "post",
  path: "/api/v1/api-keys",
  operationId: "createApiKey",
  tags: TAGS,
  summary: "Create an API key with scopes; the secret is shown once",
  security: SIGNED_IN,
  middleware: [authorize({ role: "admin" })] as const,
  request: { body: jsonBody(ApiKeyCreateSchema) },
  responses: {
    201: jsonResponse(CreatedApiKeySchema, "The key, with its secret"),
    ...problemResponses(401, 403),
  },
});

const revokeRoute = createRoute({
  method: "delete",
  path: "/api/v1/api-keys/{id}",
  operationId: "revokeApiKey",
  tags: TAGS,
  summary: "Revoke an API key; it stops working at once",
  security: SIGNED_IN,
  middleware: [authorize({ role: "admin" })] as const,
  request: { params: IdParamSchema },
  responses: { 204: { description: "Revoked" }, ...problemResponses(401, 403, 404) },
});

export function registerApiKeyRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(listRoute, async (c) => {
    const { tenantId } = userOf(c);
    const page = c.req.valid("query");
    const rows = await c
      .get("database")
      .tenant(tenantId, (db) => listApiKeys(db, tenantId, page), { readOnly: true });
    return c.json(toPage(rows, page, renderApiKey), 200);
  });

  app.openapi(createKeyRoute, async (c) => {
    const caller = userOf(c);
    const body = c.req.valid("json");
    const { apiKey, key } = await c.get("database").tenant(caller.tenantId, (db) =>
      createApiKey(db, caller.tenantId, {
        name: body.name,
        scopes: [...new Set(body.scopes)],
        expiresAt: body.expires_at ? new Date(body.expires_at) : null,
        createdBy: caller.userId,
      }),
    );
    c.header("Location", `/api/v1/api-keys/${apiKey.id}`);
    return c.json({ ...renderApiKey(apiKey), key }, 201);
  });

  app.openapi(revokeRoute, async (c) => {
    const { tenantId } = userOf(c);
    const { id } = c.req.valid("param");
    const revoked = await c.get("database").tenant(tenantId, (db) => revokeApiKey(db, tenantId, id));
    if (!revoked) throw notFound("API key");
    return c.body(null, 204);
  });
}
