import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../http/app-env.ts";
import { jsonResponse } from "../../http/openapi.ts";
import { publicJwks } from "../jwt.ts";

const JwksSchema = z
  .object({
    keys: z.array(
      z.object({
        kty: z.string(),
        crv: z.string(),
        x: z.string(),
        kid: z.string(),
        alg: z.string(),
        use: z.string(),
      }),
    ),
  })
  .openapi("JsonWebKeySet");

const jwksRoute = createRoute({
  method: "get",
  path: "/.well-known/jwks.json",
  operationId: "getJwks",
  tags: ["Auth"],
  summary: "Public keys that verify Borde's access tokens",
  responses: { 200: jsonResponse(JwksSchema, "The key set") },
});

export function registerJwksRoute(app: OpenAPIHono<AppEnv>): void {
  app.openapi(jwksRoute, async (c) => {
    c.header("Cache-Control", "public, max-age=300");
    const keys = (await publicJwks(c.get("config"))).map((jwk) => ({
      kty: String(jwk.kty),
      crv: String(jwk.crv),
      x: String(jwk.x),
      kid: String(jwk.kid),
      alg: String(jwk.alg),
      use: String(jwk.use),
    }));
    return c.json({ keys }, 200);
  });
}
