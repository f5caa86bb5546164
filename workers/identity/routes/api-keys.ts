import { userOf } from "../../access/authorize.ts";
import { IdParamSchema } from "../../http/api-schemas.ts";
import { jsonBody, jsonResponse } from "../../http/openapi.ts";
import { ListQuerySchema, pageSchema, toPage } from "../../http/pagination.ts";
import { notFound } from "../../http/problem.ts";
import { RouteGroup, tenantRead, tenantWrite } from "../../http/route-kit.ts";
import { createApiKey, listApiKeys, revokeApiKey } from "../api-keys.ts";
import { ApiKeyCreateSchema, ApiKeySchema, CreatedApiKeySchema, renderApiKey } from "../api-schemas.ts";

// Only people manage keys: a key cannot mint or revoke keys.
const ADMIN = { role: "admin" } as const;

const routes = new RouteGroup("API keys");

routes.add(
  {
    method: "get",
    path: "/api/v1/api-keys",
    operationId: "listApiKeys",
    summary: "The tenant's live API keys (never their secrets)",
    access: ADMIN,
    request: { query: ListQuerySchema },
    responses: { 200: jsonResponse(pageSchema(ApiKeySchema, "ApiKeyPage"), "A page of keys") },
  },
  async (c) => {
    const page = c.req.valid("query");
    const rows = await tenantRead(c, (db, tenantId) => listApiKeys(db, tenantId, page));
    return c.json(toPage(rows, page, renderApiKey), 200);
  },
);

routes.add(
  {
    method: "post",
    path: "/api/v1/api-keys",
    operationId: "createApiKey",
    summary: "Create an API key with scopes; the secret is shown once",
    access: ADMIN,
    idempotent: true,
    request: { body: jsonBody(ApiKeyCreateSchema) },
    responses: { 201: jsonResponse(CreatedApiKeySchema, "The key, with its secret") },
  },
  async (c) => {
    const body = c.req.valid("json");
    const { userId } = userOf(c);
    const { apiKey, key } = await tenantWrite(c, (db, tenantId) =>
      createApiKey(db, tenantId, {
        name: body.name,
        scopes: [...new Set(body.scopes)],
        expiresAt: body.expires_at ? new Date(body.expires_at) : null,
        createdBy: userId,
      }),
    );
    c.header("Location", `/api/v1/api-keys/${apiKey.id}`);
    return c.json({ ...renderApiKey(apiKey), key }, 201);
  },
);

routes.add(
  {
    method: "delete",
    path: "/api/v1/api-keys/{id}",
    operationId: "revokeApiKey",
    summary: "Revoke an API key; it stops working at once",
    access: ADMIN,
    request: { params: IdParamSchema },
    responses: { 204: { description: "Revoked" } },
    problems: [404],
  },
  async (c) => {
    const { id } = c.req.valid("param");
    const revoked = await tenantWrite(c, (db, tenantId) => revokeApiKey(db, tenantId, id));
    if (!revoked) throw notFound("API key");
    return c.body(null, 204);
  },
);

export const registerApiKeyRoutes = routes.register;
