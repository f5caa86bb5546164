import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../http/app-env.ts";
import { AUTHENTICATED, jsonBody, jsonResponse } from "../http/openapi.ts";
import { problemResponses } from "../http/openapi-responses.ts";
import { ListQuerySchema, pageSchema, toPage } from "../http/pagination.ts";
import { notFound } from "../http/problem.ts";
import { IdParamSchema } from "../identity/api-schemas.ts";
import { authorize, principalOf } from "../identity/authorize.ts";
import {
  AssistantCreateSchema,
  AssistantSchema,
  AssistantUpdateSchema,
  renderAssistant,
} from "./api-schemas.ts";
import {
  createAssistant,
  deleteAssistant,
  getAssistant,
  listAssistants,
  updateAssistant,
} from "./assistants.ts";

const TAGS = ["Assistants"];

const listRoute = createRoute({
  method: "get",
  path: "/api/v1/assistants",
  operationId: "listAssistants",
  tags: TAGS,
  summary: "The tenant's assistants",
  security: AUTHENTICATED,
  middleware: [authorize({ role: "viewer", scope: "assistants:read" })] as const,
  request: { query: ListQuerySchema },
  responses: {
    200: jsonResponse(pageSchema(AssistantSchema, "AssistantPage"), "A page of assistants"),
    ...problemResponses(401, 403),
  },
});

const createAssistantRoute = createRoute({
  method: "post",
  path: "/api/v1/assistants",
  operationId: "createAssistant",
  tags: TAGS,
  summary: "Create an assistant; the oldest enabled one answers webchat visitors",
  security: AUTHENTICATED,
  middleware: [authorize({ role: "admin", scope: "assistants:write" })] as const,
  request: { body: jsonBody(AssistantCreateSchema) },
  responses: { 201: jsonResponse(AssistantSchema, "The assistant"), ...problemResponses(401, 403) },
});

const getRoute = createRoute({
  method: "get",
  path: "/api/v1/assistants/{id}",
  operationId: "getAssistant",
  tags: TAGS,
  summary: "One assistant",
  security: AUTHENTICATED,
  middleware: [authorize({ role: "viewer", scope: "assistants:read" })] as const,
  request: { params: IdParamSchema },
  responses: { 200: jsonResponse(AssistantSchema, "The assistant"), ...problemResponses(401, 403, 404) },
});

const updateRoute = createRoute({
  method: "patch",
  path: "/api/v1/assistants/{id}",
  operationId: "updateAssistant",
  tags: TAGS,
  summary: "Change an assistant's name, model, instructions, temperature or whether it is enabled",
  security: AUTHENTICATED,
  middleware: [authorize({ role: "admin", scope: "assistants:write" })] as const,
  request: { params: IdParamSchema, body: jsonBody(AssistantUpdateSchema) },
  responses: {
    200: jsonResponse(AssistantSchema, "The updated assistant"),
    ...problemResponses(401, 403, 404),
  },
});

const deleteRoute = createRoute({
  method: "delete",
  path: "/api/v1/assistants/{id}",
  operationId: "deleteAssistant",
  tags: TAGS,
  summary: "Delete an assistant",
  security: AUTHENTICATED,
  middleware: [authorize({ role: "admin", scope: "assistants:write" })] as const,
  request: { params: IdParamSchema },
  responses: { 204: { description: "Deleted" }, ...problemResponses(401, 403, 404) },
});

export function registerAssistantRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(listRoute, async (c) => {
    const { tenantId } = principalOf(c);
    const page = c.req.valid("query");
    const rows = await c
      .get("database")
      .tenant(tenantId, (db) => listAssistants(db, tenantId, page), { readOnly: true });
    return c.json(toPage(rows, page, renderAssistant), 200);
  });

  app.openapi(createAssistantRoute, async (c) => {
    const { tenantId } = principalOf(c);
    const body = c.req.valid("json");
    const assistant = await c.get("database").tenant(tenantId, (db) => createAssistant(db, tenantId, body));
    c.header("Location", `/api/v1/assistants/${assistant.id}`);
    return c.json(renderAssistant(assistant), 201);
  });

  app.openapi(getRoute, async (c) => {
    const { tenantId } = principalOf(c);
    const { id } = c.req.valid("param");
    const assistant = await c
      .get("database")
      .tenant(tenantId, (db) => getAssistant(db, tenantId, id), { readOnly: true });
    if (!assistant) throw notFound("assistant");
    return c.json(renderAssistant(assistant), 200);
  });

  app.openapi(updateRoute, async (c) => {
    const { tenantId } = principalOf(c);
    const { id } = c.req.valid("param");
    const changes = c.req.valid("json");
    const assistant = await c
      .get("database")
      .tenant(tenantId, (db) => updateAssistant(db, tenantId, id, changes));
    if (!assistant) throw notFound("assistant");
    return c.json(renderAssistant(assistant), 200);
  });

  app.openapi(deleteRoute, async (c) => {
    const { tenantId } = principalOf(c);
    const { id } = c.req.valid("param");
    const deleted = await c.get("database").tenant(tenantId, (db) => deleteAssistant(db, tenantId, id));
    if (!deleted) throw notFound("assistant");
    return c.body(null, 204);
  });
}
