import { accepts } from "hono/accepts";
import { areaAccess } from "../access/authorize.ts";
import { IdParamSchema } from "../http/api-schemas.ts";
import { jsonBody, jsonResponse } from "../http/openapi.ts";
import { pageSchema, toPage } from "../http/pagination.ts";
import { notFound, validationProblem } from "../http/problem.ts";
import { RouteGroup, tenantQuery, tenantRead } from "../http/route-kit.ts";
import { uuidv7 } from "../lib/uuid.ts";
import {
  DailyReportSchema,
  ReportCreateSchema,
  ReportFormatQuerySchema,
  ReportListQuerySchema,
  renderReport,
  reportPathOf,
} from "./api-schemas.ts";
import { isFutureDay, previousUtcDay } from "./report-day.ts";
import { reportPage } from "./report-text.ts";
import { findReport, generateReport, listReports } from "./reports.ts";

// Every member reads the reports; generating one on demand is for admins, as the channels it feeds are.
const { read: READ, write: WRITE } = areaAccess("reports", { write: "admin" });

const routes = new RouteGroup("Reports");

routes.add(
  {
    method: "get",
    path: "/api/v1/reports",
    operationId: "listReports",
    summary: "The tenant's daily reports, newest day first",
    description: "`from` and `to` (UTC days, both included) narrow the list.",
    access: READ,
    request: { query: ReportListQuerySchema },
    responses: { 200: jsonResponse(pageSchema(DailyReportSchema, "DailyReportPage"), "A page of reports") },
  },
  async (c) => {
    const { from, to, ...page } = c.req.valid("query");
    const rows = await tenantRead(c, (db, tenantId) => listReports(db, tenantId, { from, to }, page));
    return c.json(toPage(rows, page, renderReport), 200);
  },
);

routes.add(
  {
    method: "get",
    path: "/api/v1/reports/{id}",
    operationId: "getReport",
    summary: "One daily report, as JSON or as an HTML page",
    description:
      "JSON unless `format=html` is asked or the `Accept` header prefers `text/html` to `application/json` (as a browser's does).",
    access: READ,
    request: { params: IdParamSchema, query: ReportFormatQuerySchema },
    responses: {
      200: {
        description: "The report",
        content: {
          "application/json": { schema: DailyReportSchema },
          "text/html": { schema: { type: "string" } },
        },
      },
    },
    problems: [404],
  },
  async (c) => {
    const { id } = c.req.valid("param");
    const { format } = c.req.valid("query");
    const report = await tenantRead(c, (db, tenantId) => findReport(db, tenantId, id));
    if (!report) throw notFound("report");
    const html =
      format === "html" ||
      (format === undefined &&
        accepts(c, {
          header: "Accept",
          supports: ["application/json", "text/html"],
          default: "application/json",
        }) === "text/html");
    c.header("Vary", "Accept");
    if (html) return c.html(reportPage(renderReport(report)), 200);
    return c.json(renderReport(report), 200);
  },
);

routes.add(
  {
    method: "post",
    path: "/api/v1/reports",
    operationId: "generateReport",
    summary: "Generate the report of a day now (yesterday unless a day is given)",
    description:
      "The day's figures are computed when called: 201 with the new report, or 200 when the day already had one, whose figures are refreshed (its id stays). Today can be reported so far; a later day is refused (400). Reports made this way are not sent to the channels; the daily run's are. Send an Idempotency-Key so a retried call gets the first answer.",
    access: WRITE,
    idempotent: true,
    request: { body: { ...jsonBody(ReportCreateSchema), required: false } },
    responses: {
      200: jsonResponse(DailyReportSchema, "The day's report, refreshed"),
      201: jsonResponse(DailyReportSchema, "The day's report, new"),
    },
  },
  async (c) => {
    const now = new Date();
    const day = c.req.valid("json").day ?? previousUtcDay(now);
    if (isFutureDay(day, now))
      throw validationProblem([{ path: "body.day", message: "the day has not begun yet (UTC)" }]);
    const proposedId = uuidv7();
    const [report] = await tenantQuery(c, (db, tenantId) =>
      generateReport(db, tenantId, day, now, proposedId),
    );
    if (!report) throw new Error("the report's upsert returned no row");
    c.header("Location", reportPathOf(report.id));
    return c.json(renderReport(report), report.id === proposedId ? 201 : 200);
  },
);

export const registerReportRoutes = routes.register;
