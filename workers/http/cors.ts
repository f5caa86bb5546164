import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import type { AppEnv } from "./app-env.ts";

// The webchat widget runs on tenants' own sites: its routes check the page's Origin against the widget
// key's allowed origins themselves, and authenticate with headers, never cookies.
const WIDGET_PATH = "/api/v1/webchat/";

/**
 * CORS for the origins listed in ALLOWED_ORIGINS, credentials allowed so cookie sessions work; and for any
 * origin on the widget's routes, which decide per widget key.
 */
export function corsForAllowedOrigins(): MiddlewareHandler<AppEnv> {
  return cors({
    origin: (origin, c) =>
      c.get("config").allowedOrigins.includes(origin) || c.req.path.startsWith(WIDGET_PATH) ? origin : null,
    credentials: true,
    allowMethods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
    allowHeaders: [
      "Content-Type",
      "Authorization",
      "X-Api-Key",
      "X-Request-Id",
      "Idempotency-Key",
      "X-CSRF-Token",
      "X-Visitor-Token",
    ],
    exposeHeaders: [
      "X-Request-Id",
      "Location",
      "RateLimit-Limit",
      "RateLimit-Remaining",
      "RateLimit-Reset",
      "Retry-After",
    ],
    maxAge: 600,
  });
}
