import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./app-env.ts";
import { routeTemplate } from "./route-template.ts";

/**
 * Logs one line per request once the response is known: the route it matched (`route`, the template,
 * to group by) beside the path, its status, duration and database round trips.
 */
export function requestLog(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    // The logger is read after the response: by then it is bound to the tenant too, when there is one.
    c.get("log").info("request", {
      method: c.req.method,
      path: new URL(c.req.url).pathname,
      route: routeTemplate(c),
      status: c.res.status,
      duration_ms: Math.round((performance.now() - started) * 10) / 10,
      db_round_trips: c.get("database")?.roundTrips ?? 0,
    });
  };
}
