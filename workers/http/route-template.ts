import type { Context } from "hono";
import { matchedRoutes } from "hono/route";

/** The label of a request that matched no route (404s, 405s): raw paths would make series unbounded. */
export const UNMATCHED_ROUTE = "unmatched";

/**
 * The route the request was served by, as declared (`/api/v1/projects/:id`), never the raw path: a
 * bounded label for metrics and a field to group log lines by. Middleware is registered for every method
 * (`ALL`), so the last match with a method is the route itself.
 */
export function routeTemplate(c: Context): string {
  return matchedRoutes(c).findLast((route) => route.method !== "ALL")?.path ?? UNMATCHED_ROUTE;
}

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/** The method as a bounded label: the standard ones, anything else as `other`. */
export function methodLabel(method: string): string {
  return METHODS.has(method) ? method : "other";
}
