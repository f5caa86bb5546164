import { userOf } from "../../access/authorize.ts";
import { jsonBody, jsonResponse } from "../../http/openapi.ts";
import { RouteGroup, tenantWrite } from "../../http/route-kit.ts";
import { createApiKey, listApiKeys, revokeApiKey } from "../api-keys.ts";
import { ApiKeyCreateSchema, ApiKeySchema, CreatedApiKeySchema, renderApiKey } from "../api-schemas.ts";

// Only people manage keys: a key cannot mint or revoke keys.
const ADMIN = { role: "admin" } as const;

const routes = new RouteGroup("API keys");

const apiKey = routes.resource("API key", {
  path: "/api/v1/api-keys",
  schema: ApiKeySchema,
  render: renderApiKey,
});

apiKey.list(
  { operationId: "listApiKeys", summary: "The tenant's live API keys (never their secrets)", access: ADMIN },
  listApiKeys,
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

apiKey.delete(
  {
    operationId: "revokeApiKey",
    summary: "Revoke an API key; it stops working at once",
    access: ADMIN,
    responseDescription: "Revoked",
  },
  revokeApiKey,
);

export const registerApiKeyRoutes = routes.register;
