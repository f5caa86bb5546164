import type { Context, MiddlewareHandler } from "hono";
import { Logger } from "../lib/log.ts";
import { validTraceparent } from "../lib/trace-context.ts";
import { activeSpan } from "../observability/tracing.ts";
import type { JobContext } from "../queue/envelope.ts";
import type { AppEnv } from "./app-env.ts";

/**
 * Gives the request its logger, bound to the request id (and the incoming W3C trace context, when one was
 * sent), so every line written while serving it can be found together. Later middleware binds more
 * fields (the tenant, once the caller is known).
 */
export function requestContext(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const traceparent = validTraceparent(c.req.header("traceparent"));
    if (traceparent) c.set("traceparent", traceparent);
    c.set("log", new Logger({ request_id: c.get("requestId"), ...(traceparent ? { traceparent } : {}) }));
    await next();
  };
}

/**
 * What a job enqueued while serving this request carries, so its log lines name the request and, when
 * tracing, its run joins the request's trace.
 */
export function jobContext(c: Context<AppEnv>): JobContext {
  const traceparent = activeSpan()?.traceparent ?? c.get("traceparent");
  return { request_id: c.get("requestId"), ...(traceparent ? { traceparent } : {}) };
}
