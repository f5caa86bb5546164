import type { MiddlewareHandler } from "hono";
import { log } from "../lib/log.ts";
import type { AppEnv } from "./app-env.ts";

/** Logs one line per request once the response is known. */
export function requestLog(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    log("info", "request", {
      method: c.req.method,
      path: new URL(c.req.url).pathname,
      status: c.res.status,
      duration_ms: Math.round((performance.now() - started) * 10) / 10,
      request_id: c.get("requestId"),
      tenant_id: c.get("tenantId"),
    });
  };
}
