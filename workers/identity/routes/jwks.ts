import { jsonResponse } from "../../http/openapi.ts";
import { RouteGroup } from "../../http/route-kit.ts";
import { JwksSchema } from "../api-schemas.ts";
import { publicJwks } from "../jwt.ts";

const routes = new RouteGroup("Auth");

routes.add(
  {
    method: "get",
    path: "/.well-known/jwks.json",
    operationId: "getJwks",
    summary: "Public keys that verify Borde's access tokens",
    access: "public",
    responses: { 200: jsonResponse(JwksSchema, "The key set") },
  },
  async (c) => {
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
  },
);

export const registerJwksRoute = routes.register;
