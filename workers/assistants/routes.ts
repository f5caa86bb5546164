import { IdParamSchema } from "../http/api-schemas.ts";
import { jsonBody, jsonResponse } from "../http/openapi.ts";
import { ListQuerySchema, pageSchema, toPage } from "../http/pagination.ts";
import { notFound } from "../http/problem.ts";
import { RouteGroup, tenantRead, tenantWrite } from "../http/route-kit.ts";
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

const READ = { role: "viewer", scope: "assistants:read" } as const;
const WRITE = { role: "admin", scope: "assistants:write" } as const;

const routes = new RouteGroup("Assistants");

routes.add(
  {
    method: "get",
    path: "/api/v1/assistants",
    operationId: "listAssistants",
    summary: "The tenant's assistants",
    access: READ,
    request: { query: ListQuerySchema },
    responses: { 200: jsonResponse(pageSchema(AssistantSchema, "AssistantPage"), "A page of assistants") },
  },
  async (c) => {
    const page = c.req.valid("query");
    const rows = await tenantRead(c, (db, tenantId) => listAssistants(db, tenantId, page));
    return c.json(toPage(rows, page, renderAssistant), 200);
  },
);

routes.add(
  {
    method: "post",
    path: "/api/v1/assistants",
    operationId: "createAssistant",
    summary: "Create an assistant; the oldest enabled one answers webchat visitors",
    access: WRITE,
    idempotent: true,
    request: { body: jsonBody(AssistantCreateSchema) },
    responses: { 201: jsonResponse(AssistantSchema, "The assistant") },
  },
  async (c) => {
    const body = c.req.valid("json");
    const assistant = await tenantWrite(c, (db, tenantId) => createAssistant(db, tenantId, body));
    c.header("Location", `/api/v1/assistants/${assistant.id}`);
    return c.json(renderAssistant(assistant), 201);
  },
);

routes.add(
  {
    method: "get",
    path: "/api/v1/assistants/{id}",
    operationId: "getAssistant",
    summary: "One assistant",
    access: READ,
    request: { params: IdParamSchema },
    responses: { 200: jsonResponse(AssistantSchema, "The assistant") },
    problems: [404],
  },
  async (c) => {
    const { id } = c.req.valid("param");
    const assistant = await tenantRead(c, (db, tenantId) => getAssistant(db, tenantId, id));
    if (!assistant) throw notFound("assistant");
    return c.json(renderAssistant(assistant), 200);
  },
);

routes.add(
  {
    method: "patch",
    path: "/api/v1/assistants/{id}",
    operationId: "updateAssistant",
    summary: "Change an assistant's name, model, instructions, temperature or whether it is enabled",
    access: WRITE,
    request: { params: IdParamSchema, body: jsonBody(AssistantUpdateSchema) },
    responses: { 200: jsonResponse(AssistantSchema, "The updated assistant") },
    problems: [404],
  },
  async (c) => {
    const { id } = c.req.valid("param");
    const changes = c.req.valid("json");
    const assistant = await tenantWrite(c, (db, tenantId) => updateAssistant(db, tenantId, id, changes));
    if (!assistant) throw notFound("assistant");
    return c.json(renderAssistant(assistant), 200);
  },
);

routes.add(
  {
    method: "delete",
    path: "/api/v1/assistants/{id}",
    operationId: "deleteAssistant",
    summary: "Delete an assistant",
    access: WRITE,
    request: { params: IdParamSchema },
    responses: { 204: { description: "Deleted" } },
    problems: [404],
  },
  async (c) => {
    const { id } = c.req.valid("param");
    const deleted = await tenantWrite(c, (db, tenantId) => deleteAssistant(db, tenantId, id));
    if (!deleted) throw notFound("assistant");
    return c.body(null, 204);
  },
);

export const registerAssistantRoutes = routes.register;
