import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { methodNotAllowed } from "hono/method-not-allowed";
import { requestId } from "hono/request-id";
import { getPath } from "hono/utils/url";
import { registerAlertNotificationRoutes } from "./alerts/notification-routes.ts";
import { registerAlertRoutes } from "./alerts/routes.ts";
import { registerAssistantRoutes } from "./assistants/routes.ts";
import { registerAuditRoutes } from "./audits/routes/audits.ts";
import { registerAuditReportRoutes } from "./audits/routes/reports.ts";
import { registerBackupRoutes } from "./backups/routes.ts";
import { registerCatalogRoutes } from "./catalog/routes.ts";
import { registerChannelNumberRoutes } from "./channels/numbers/routes.ts";
import { registerVoiceRoutes } from "./channels/voice/routes.ts";
import { registerWhatsAppRoutes } from "./channels/whatsapp/routes.ts";
import { loadConfig } from "./config/config.ts";
import { registerConversationRoutes } from "./conversations/routes.ts";
import { registerDocsRoutes } from "./docs/routes.ts";
import { registerHealthRoutes } from "./health/routes.ts";
import type { AppEnv } from "./http/app-env.ts";
import { corsForAllowedOrigins } from "./http/cors.ts";
import { database } from "./http/database.ts";
import { handleError, handleNotFound, methodNotAllowedResponse, validationHook } from "./http/errors.ts";
import { HttpProblem } from "./http/problem.ts";
import { registerProblemRoutes } from "./http/problem-pages.ts";
import { requestContext } from "./http/request-context.ts";
import { requestLog } from "./http/request-log.ts";
import { securityHeaders } from "./http/security-headers.ts";
import { refuseUnstorableText } from "./http/unstorable-text.ts";
import { authenticate } from "./identity/authenticate.ts";
import { csrfProtection } from "./identity/csrf.ts";
import { registerApiKeyRoutes } from "./identity/routes/api-keys.ts";
import { registerAuthRoutes } from "./identity/routes/auth.ts";
import { registerInvitationRoutes } from "./identity/routes/invitations.ts";
import { registerJwksRoute } from "./identity/routes/jwks.ts";
import { registerMemberRoutes } from "./identity/routes/members.ts";
import { registerOrganizationRoutes } from "./identity/routes/organizations.ts";
import { registerTenantRoutes } from "./identity/routes/tenant.ts";
import { isFileUpload } from "./imports/file.ts";
import { registerImportRoutes } from "./imports/routes.ts";
import { isNdjsonPostLoad } from "./insights/ndjson.ts";
import { registerInsightRoutes } from "./insights/routes/index.ts";
import { uuidv7 } from "./lib/uuid.ts";
import { registerMetricsRoutes } from "./metrics/routes.ts";
import { moduleSwitches } from "./modules/modules.ts";
import { registerModuleRoutes } from "./modules/routes.ts";
import { requestMetrics } from "./observability/request-metrics.ts";
import { requestTracing } from "./observability/request-tracing.ts";
import { registerProjectRoutes } from "./projects/routes/projects.ts";
import { rateLimit } from "./ratelimit/middleware.ts";
import { registerReportRoutes } from "./reports/routes.ts";
import { registerReputationDashboardRoutes } from "./reputation/routes/dashboards.ts";
import { registerRankRoutes } from "./reputation/routes/ranks.ts";
import { registerTelemetryIngestRoutes } from "./telemetry/routes/ingest.ts";
import { registerTelemetryQueryRoutes } from "./telemetry/routes/query.ts";
import { registerTelemetryRetentionRoutes } from "./telemetry/routes/retention.ts";
import { registerWebchatVisitorRoutes } from "./webchat/routes/visitor.ts";
import { registerWidgetRoutes } from "./webchat/routes/widget.ts";
import { registerWidgetKeyRoutes } from "./webchat/routes/widget-keys.ts";

const MAX_BODY_BYTES = 1024 * 1024;

/** Clients of the source systems call /v1/…; it is the same API as /api/v1/…. */
function routedPath(request: Request): string {
  const path = getPath(request);
  return path === "/v1" || path.startsWith("/v1/") ? `/api${path}` : path;
}

export function createApp(): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook, getPath: routedPath });

  app.use(requestId({ generator: () => uuidv7(), limitLength: 128 }));
  app.use(requestContext());
  app.use(requestLog());
  app.use(requestMetrics());
  app.use(securityHeaders());
  app.use(async (c, next) => {
    c.set("config", loadConfig(c.env));
    await next();
  });
  app.use(requestTracing());
  app.use(corsForAllowedOrigins());
  app.use(methodNotAllowed({ app, onMethodNotAllowed: methodNotAllowedResponse }));
  app.use(database());
  const limitBody = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new HttpProblem("payload-too-large", `Request bodies are limited to ${MAX_BODY_BYTES} bytes.`);
    },
  });
  // Streamed bodies are bounded by their routes: NDJSON post loads are read in batches, and an import's file
  // goes into storage, never held, bounded by its Content-Length.
  app.use("/api/*", (c, next) =>
    isNdjsonPostLoad(c.req.raw) || isFileUpload(c.req.method, routedPath(c.req.raw))
      ? next()
      : limitBody(c, next),
  );
  app.use("/api/*", authenticate());
  app.use("/api/*", csrfProtection());
  app.use("/api/*", rateLimit());
  app.use("/api/*", refuseUnstorableText());
  app.use("/api/*", moduleSwitches());

  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "The access_token from login, register or refresh (or an API key).",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "apiKeyAuth", {
    type: "apiKey",
    in: "header",
    name: "x-api-key",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "cookieAuth", {
    type: "apiKey",
    in: "cookie",
    name: "borde_access",
    description: "Set by login; named __Host-borde_access over https.",
  });

  registerHealthRoutes(app);
  registerDocsRoutes(app);
  registerProblemRoutes(app);
  registerJwksRoute(app);
  registerAuthRoutes(app);
  registerTenantRoutes(app);
  registerMemberRoutes(app);
  registerInvitationRoutes(app);
  registerApiKeyRoutes(app);
  registerOrganizationRoutes(app);
  registerProjectRoutes(app);
  registerAuditRoutes(app);
  registerAuditReportRoutes(app);
  registerAssistantRoutes(app);
  registerWidgetKeyRoutes(app);
  registerConversationRoutes(app);
  registerWebchatVisitorRoutes(app);
  registerWidgetRoutes(app);
  registerChannelNumberRoutes(app);
  registerVoiceRoutes(app);
  registerWhatsAppRoutes(app);
  registerMetricsRoutes(app);
  registerInsightRoutes(app);
  registerRankRoutes(app);
  registerReputationDashboardRoutes(app);
  registerTelemetryIngestRoutes(app);
  registerTelemetryQueryRoutes(app);
  registerTelemetryRetentionRoutes(app);
  registerAlertRoutes(app);
  registerAlertNotificationRoutes(app);
  registerModuleRoutes(app);
  registerCatalogRoutes(app);
  registerImportRoutes(app);
  registerBackupRoutes(app);
  registerReportRoutes(app);

  app.notFound(handleNotFound);
  app.onError(handleError);
  return app;
}
