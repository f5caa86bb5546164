import { IdParamSchema } from "../http/api-schemas.ts";
import { jsonBody, jsonResponse } from "../http/openapi.ts";
import { notFound } from "../http/problem.ts";
import { RouteGroup, tenantWrite } from "../http/route-kit.ts";
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

routes.list(
  {
    path: "/api/v1/assistants",
    operationId: "listAssistants",
    summary: "The tenant's assistants",
    access: READ,
    item: AssistantSchema,
    pageName: "AssistantPage",
    pageDescription: "A page of assistants",
  },
  listAssistants,
  renderAssistant,
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

routes.getById(
  {
    path: "/api/v1/assistants/{id}",
    operationId: "getAssistant",
    summary: "One assistant",
    access: READ,
    resource: "assistant",
    response: AssistantSchema,
    responseDescription: "The assistant",
  },
  getAssistant,
  renderAssistant,
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

routes.deleteById(
  {
    path: "/api/v1/assistants/{id}",
    operationId: "deleteAssistant",
    summary: "Delete an assistant",
    access: WRITE,
    resource: "assistant",
    responseDescription: "Deleted",
  },
  deleteAssistant,
);

export const registerAssistantRoutes = routes.register;
