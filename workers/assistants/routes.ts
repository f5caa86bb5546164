import { jsonBody, jsonResponse } from "../http/openapi.ts";
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

const assistant = routes.resource("assistant", {
  path: "/api/v1/assistants",
  schema: AssistantSchema,
  render: renderAssistant,
});

assistant.list(
  { operationId: "listAssistants", summary: "The tenant's assistants", access: READ },
  listAssistants,
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

assistant.get({ operationId: "getAssistant", summary: "One assistant", access: READ }, getAssistant);

assistant.update(
  {
    operationId: "updateAssistant",
    summary: "Change an assistant's name, model, instructions, temperature or whether it is enabled",
    access: WRITE,
    body: AssistantUpdateSchema,
  },
  updateAssistant,
);

assistant.delete(
  { operationId: "deleteAssistant", summary: "Delete an assistant", access: WRITE },
  deleteAssistant,
);

export const registerAssistantRoutes = routes.register;
