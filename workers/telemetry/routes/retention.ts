import { jsonResponse } from "../../http/openapi.ts";
import { RouteGroup, tenantRead, tenantWrite } from "../../http/route-kit.ts";
import { RetentionSchema, RetentionUpdateSchema, renderRetention } from "../api-schemas.ts";
import { readRetention, writeRetention } from "../retention.ts";

const PATH = "/api/v1/telemetry/retention";

const routes = new RouteGroup("Telemetry", { module: "telemetry" });

routes.add(
  {
    method: "get",
    path: PATH,
    operationId: "getTelemetryRetention",
    summary: "How many days the tenant's metric points and log records are kept",
    access: { role: "viewer", scope: "telemetry:read" },
    responses: { 200: jsonResponse(RetentionSchema, "The retention in force") },
  },
  async (c) => c.json(renderRetention(await tenantRead(c, readRetention)), 200),
);

routes.add(
  {
    method: "put",
    path: PATH,
    operationId: "setTelemetryRetention",
    summary: "Set how many days the tenant's metric points and log records are kept",
    description:
      "Older data is deleted by the daily cleaning job, in batches of at most 10,000 rows a statement. A null goes back to the default.",
    access: { role: "admin" },
    body: RetentionUpdateSchema,
    responses: { 200: jsonResponse(RetentionSchema, "The retention now in force") },
  },
  async (c, { body }) => {
    const retention = await tenantWrite(c, (db, tenantId) =>
      writeRetention(db, tenantId, {
        metricPointsDays: body.metric_points_days,
        logRecordsDays: body.log_records_days,
      }),
    );
    return c.json(renderRetention(retention), 200);
  },
);

export const registerTelemetryRetentionRoutes = routes.register;
