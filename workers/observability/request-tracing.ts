import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../http/app-env.ts";
import { routeTemplate } from "../http/route-template.ts";
import { parseTraceparent } from "../lib/trace-context.ts";
import { executionContextOf } from "./request-metrics.ts";
import { inSpan, TraceRecorder } from "./tracing.ts";

/**
 * With tracing configured, the request is a server span (a child of the incoming `traceparent`, when one
 * came), and everything it does runs in it; its log lines name the trace. Once the response is known the
 * request's spans are exported in waitUntil. Without an endpoint it does nothing.
 */
export function requestTracing(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const settings = c.get("config").tracing;
    if (!settings) return next();
    const recorder = new TraceRecorder(settings, c.get("log"));
    const url = new URL(c.req.url);
    const span = recorder.start(c.req.method, "server", parseTraceparent(c.get("traceparent")), {
      "http.request.method": c.req.method,
      "url.path": url.pathname,
      "url.scheme": url.protocol.slice(0, -1),
      "borde.request_id": c.get("requestId"),
    });
    c.set("log", c.get("log").with({ trace_id: span.context.traceId }));
    await inSpan(span, next);
    const route = routeTemplate(c);
    span
      .rename(`${c.req.method} ${route}`)
      .set({ "http.route": route, "http.response.status_code": c.res.status });
    if (c.res.status >= 500) span.fail(`HTTP ${c.res.status}`);
    span.end();
    if (span.context.sampled) executionContextOf(c)?.waitUntil(recorder.export());
  };
}
