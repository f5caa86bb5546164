import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../http/app-env.ts";
import { registerAnalysisRoutes } from "./analyses.ts";
import { registerBrandRoutes } from "./brands.ts";
import { registerPostRoutes } from "./posts.ts";

/** Every route of the insights domain, so the app mounts the domain with one call. */
export function registerInsightRoutes(app: OpenAPIHono<AppEnv>): void {
  registerBrandRoutes(app);
  registerPostRoutes(app);
  registerAnalysisRoutes(app);
}
