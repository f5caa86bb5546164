import { z } from "@hono/zod-openapi";
import { jsonResponse } from "../http/openapi.ts";
import { HttpProblem } from "../http/problem.ts";
import { RouteGroup } from "../http/route-kit.ts";
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

const routes = new RouteGroup("System");

const serving = (path: "/health" | "/healthz" | "/api/v1/health", operationId: string, summary: string) =>
  routes.add(
    {
      method: "get",
      path,
      operationId,
      summary,
      access: "public",
      responses: { 200: jsonResponse(StatusSchema, "Serving") },
    },
    (c) => c.json({ status: "ok" as const }, 200),
  );

serving("/health", "getHealth", "Liveness: the Worker is serving");
serving("/healthz", "getHealthz", "Liveness for probes that expect /healthz (GET or HEAD)");
serving(
  "/api/v1/health",
  "getApiHealth",
  "Liveness under the API's base path, for monitors that call /api/v1/health",
);

const ready = (path: "/ready" | "/readyz", operationId: string, summary: string) =>
  routes.add(
    {
      method: "get",
      path,
      operationId,
      summary,
      description: "On failure the problem document carries `checks`, naming the check that failed.",
      access: "public",
      responses: { 200: jsonResponse(ReadinessSchema, "Every dependency answers") },
      problems: [503],
    },
    async (c) => {
      const database = await checkDatabase(c.get("database").db);
      if (database.status === "fail") {
        throw new HttpProblem(
          "service-unavailable",
          `Readiness check failed: database (${database.error}).`,
          {
            extensions: { checks: { database } },
          },
        );
      }
      return c.json({ status: "ok" as const, checks: { database } }, 200);
    },
  );

ready("/ready", "getReadiness", "Readiness: the Worker can reach the database");
ready("/readyz", "getReadyz", "Readiness for probes that expect /readyz: the same check as /ready");

export const registerHealthRoutes = routes.register;
