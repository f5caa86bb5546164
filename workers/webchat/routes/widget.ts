import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../http/app-env.ts";
import { DEMO_CONTENT_SECURITY_POLICY, DEMO_PAGE } from "../demo.ts";

export function registerWidgetRoutes(app: OpenAPIHono<AppEnv>): void {
  // widget.js is a static asset (public/), served before the Worker runs, with its caching headers from
  // public/_headers; this route answers when a caller reaches the Worker first (service bindings, tests).
  app.get("/widget.js", (c) => c.env.ASSETS.fetch(c.req.raw));

  app.get("/widget/demo", (c) => {
    c.header("Content-Security-Policy", DEMO_CONTENT_SECURITY_POLICY);
    return c.html(DEMO_PAGE);
  });
}
