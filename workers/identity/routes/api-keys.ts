import { userOf } from "../../access/authorize.ts";
import { RouteGroup } from "../../http/route-kit.ts";
import { type ApiKey, createApiKey, listApiKeys, revokeApiKey } from "../api-keys.ts";
import { ApiKeyCreateSchema, ApiKeySchema, CreatedApiKeySchema, renderApiKey } from "../api-schemas.ts";

const routes = new RouteGroup("API keys");

const apiKey = routes.resource("API key", {
  path: "/api/v1/api-keys",
  schema: ApiKeySchema,
  render: renderApiKey,
  // Only people manage keys: a key cannot mint or revoke keys.
  access: { role: "admin" },
});

apiKey.list({ summary: "The tenant's live API keys (never their secrets)" }, listApiKeys);

apiKey.create(
  {
    summary: "Create an API key with scopes; the secret is shown once",
    body: ApiKeyCreateSchema,
    responseDescription: "The key, with its secret",
    answer: {
      schema: CreatedApiKeySchema,
      render: (created: ApiKey & { key: string }) => ({ ...renderApiKey(created), key: created.key }),
    },
  },
  async (db, tenantId, body, c) => {
    const { apiKey, key } = await createApiKey(db, tenantId, {
      name: body.name,
      scopes: [...new Set(body.scopes)],
      expiresAt: body.expires_at ? new Date(body.expires_at) : null,
      createdBy: userOf(c).userId,
    });
    return { ...apiKey, key };
  },
);

apiKey.delete(
  {
    operationId: "revokeApiKey",
    summary: "Revoke an API key; it stops working at once",
    responseDescription: "Revoked",
  },
  revokeApiKey,
);

export const registerApiKeyRoutes = routes.register;
