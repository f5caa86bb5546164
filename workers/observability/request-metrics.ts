import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../http/app-env.ts";
import { methodLabel, routeTemplate } from "../http/route-template.ts";
import { flushSoon } from "./flush.ts";
import { metrics } from "./recorder.ts";

/** The request's execution context; none when the app is called outside a Worker (app.request in Node). */
export function executionContextOf(c: Context<AppEnv>): Context<AppEnv>["executionCtx"] | undefined {
  try {
    return c.executionCtx;
  } catch {
    return undefined;
  }
}

/**
 * Counts each request by route template, method and status class, with its duration and database round
 * trips, in this isolate's memory; the flush to the totals runs later in waitUntil, so the response pays
 * for a few map updates only.
 */
export function requestMetrics(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const config = c.get("config");
    if (!config?.metrics.enabled) return;
    const route = routeTemplate(c);
    metrics.add("borde_http_requests_total", {
      route,
      method: methodLabel(c.req.method),
      status_class: `${Math.floor(c.res.status / 100)}xx`,
    });
    metrics.observe("borde_http_request_duration_seconds", { route }, (performance.now() - started) / 1000);
    metrics.observe("borde_http_request_database_round_trips", { route }, c.get("database")?.roundTrips ?? 0);
    // Called outside a Worker (app.request() in Node) there is no execution context: nothing to flush to.
    const ctx = executionContextOf(c);
    if (ctx) flushSoon(c.env, (promise) => ctx.waitUntil(promise), c.get("log"));
  };
}
