import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../http/app-env.ts";
import { problemResponses } from "../http/openapi-responses.ts";
import { HttpProblem } from "../http/problem.ts";
import { checkDatabase } from "./checks.ts";

const StatusSchema = z.object({ status: z.literal("ok") }).openapi("HealthStatus");

const CheckSchema = z.object({
  status: z.enum(["ok", "fail"]),
  latency_ms: z.number().int(),
  error: z.string().optional(),
});

const ReadinessSchema = z
  .object({ status: z.literal("ok"), checks: z.object({ database: CheckSchema }) })
  .openapi("Readiness");

const health = createRoute({
  method: "get",
  path: "/health",
  operationId: "getHealth",
  tags: ["System"],
  summary: "Liveness: the Worker is serving",
  responses: { 200: { description: "Serving", content: { "application/json": { schema: StatusSchema } } } },
});

const healthz = createRoute({
  method: "get",
  path: "/healthz",
  operationId: "getHealthz",
  tags: ["System"],
  summary: "Liveness for probes that expect /healthz (GET or HEAD)",
  responses: { 200: { description: "Serving", content: { "application/json": { schema: StatusSchema } } } },
});

const ready = createRoute({
  method: "get",
  path: "/ready",
  operationId: "getReadiness",
  tags: ["System"],
  summary: "Readiness: the Worker can reach the database",
  description: "On failure the problem document carries `checks`, naming the check that failed.",
  responses: {
    200: {
      description: "Every dependency answers",
      content: { "application/json": { schema: ReadinessSchema } },
    },
    ...problemResponses(503),
  },
});

export function registerHealthRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(health, (c) => c.json({ status: "ok" as const }, 200));
  app.openapi(healthz, (c) => c.json({ status: "ok" as const }, 200));
  app.openapi(ready, async (c) => {
    const database = await checkDatabase(c.get("database").db);
    if (database.status === "fail") {
      throw new HttpProblem("service-unavailable", `Readiness check failed: database (${database.error}).`, {
        extensions: { checks: { database } },
      });
    }
    return c.json({ status: "ok" as const, checks: { database } }, 200);
  });
}
