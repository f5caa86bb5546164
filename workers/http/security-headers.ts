import type { MiddlewareHandler } from "hono";

/** An API answers JSON: nothing in it should run, frame or leak a referrer. */
const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";

export function securityHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const headers = c.res.headers;
    headers.set("X-Content-Type-Options", "nosniff");
    headers.set("X-Frame-Options", "DENY");
    headers.set("Referrer-Policy", "no-referrer");
    // Pages (docs, widget demo) set their own policy; everything else gets the strictest one.
    if (!headers.has("Content-Security-Policy"))
      headers.set("Content-Security-Policy", API_CONTENT_SECURITY_POLICY);
    if (new URL(c.req.url).protocol === "https:") {
      headers.set("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
    }
  };
}
