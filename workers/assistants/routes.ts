import { areaAccess } from "../access/authorize.ts";
import { RouteGroup } from "../http/route-kit.ts";
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

const { read: READ, write: WRITE } = areaAccess("assistants", { write: "admin" });

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

assistant.create(
  {
    operationId: "createAssistant",
    summary: "Create an assistant; the oldest enabled one answers webchat visitors",
    access: WRITE,
    body: AssistantCreateSchema,
  },
  createAssistant,
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
