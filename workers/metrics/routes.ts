import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../http/app-env.ts";
import { HttpProblem } from "../http/problem.ts";
import { RouteGroup } from "../http/route-kit.ts";
import { constantTimeEqualText } from "../lib/crypto.ts";
import { errorFields } from "../lib/log.ts";
import { isolateMetrics, METRICS_SHARDS, metricsShard } from "../observability/flush.ts";
import { addSamples, type Samples } from "../observability/series.ts";
import { CONTENT_TYPES, formatFor, renderExposition } from "./exposition.ts";
import { databaseGauges } from "./gauges.ts";

const ExpositionSchema = z.string().openapi("MetricsExposition", {
  example:
    '# HELP borde_http_requests_total …\n# TYPE borde_http_requests_total counter\nborde_http_requests_total{route="/health",method="GET",status_class="2xx"} 12\n',
});

const routes = new RouteGroup("System");

/**
 * With METRICS_TOKEN set, only `Authorization: Bearer <token>` may scrape. Without it the route is open
 * outside production (`npm run dev`), and in production it does not exist (the 404 of an unknown route).
 */
function refuseUnlessAllowed(c: Context<AppEnv>): void {
  const { environment, metrics } = c.get("config");
  if (metrics.token === undefined) {
    if (environment === "production") throw new HttpProblem("not-found", "No route matches GET /metrics.");
    return;
  }
  const sent = c.req.header("authorization")?.match(/^Bearer (.+)$/i)?.[1] ?? "";
  if (!constantTimeEqualText(sent, metrics.token))
    throw new HttpProblem("invalid-metrics-token", "Send Authorization: Bearer with the METRICS_TOKEN.");
}

/** Every shard's totals added up, and the gauges read from the database (left out, and logged, if it fails). */
async function currentSamples(c: Context<AppEnv>): Promise<Samples> {
  const log = c.get("log");
  // This isolate's own recent deltas first, so a scrape sees every request served before it here.
  await isolateMetrics.flush(c.env, log);
  const [shards, gauges] = await Promise.all([
    Promise.all(Array.from({ length: METRICS_SHARDS }, (_, index) => metricsShard(c.env, index).totals())),
    databaseGauges(c.get("database").db).catch((error: unknown) => {
      log.warn("metrics gauges not read from the database", errorFields(error));
      return {};
    }),
  ]);
  const samples: Samples = {};
  for (const totals of shards) addSamples(samples, totals);
  addSamples(samples, gauges);
  return samples;
}

routes.add(
  {
    method: "get",
    path: "/metrics",
    operationId: "getMetrics",
    summary: "Prometheus metrics: totals across isolates, and gauges read from the database",
    description:
      "Prometheus text format 0.0.4, or OpenMetrics 1.0 (ending in `# EOF`) when `Accept` names `application/openmetrics-text`. With METRICS_TOKEN configured it needs `Authorization: Bearer <METRICS_TOKEN>` (401 otherwise); without it the route is open outside production and answers 404 in production.",
    access: "public",
    responses: {
      200: {
        description: "The exposition",
        content: {
          // Declared by media type; the answer's parameters name the version (0.0.4, 1.0.0) and charset.
          "text/plain": { schema: ExpositionSchema },
          "application/openmetrics-text": { schema: ExpositionSchema },
        },
      },
    },
    problems: [401, 404],
  },
  async (c) => {
    refuseUnlessAllowed(c);
    const format = formatFor(c.req.header("accept"));
    const text = renderExposition(await currentSamples(c), format);
    return c.body(text, 200, { "content-type": CONTENT_TYPES[format], "cache-control": "no-store" });
  },
);

export const registerMetricsRoutes = routes.register;
