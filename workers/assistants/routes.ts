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

const routes = new RouteGroup("Assistants");

const assistant = routes.resource("assistant", {
  path: "/api/v1/assistants",
  schema: AssistantSchema,
  render: renderAssistant,
  access: areaAccess("assistants", { write: "admin" }),
});

assistant.list({ summary: "The tenant's assistants" }, listAssistants);

assistant.create(
  {
    summary: "Create an assistant; the oldest enabled one answers webchat visitors",
    body: AssistantCreateSchema,
  },
  createAssistant,
);

assistant.get({ summary: "One assistant" }, getAssistant);

assistant.update(
  {
    summary: "Change an assistant's name, model, instructions, temperature or whether it is enabled",
    body: AssistantUpdateSchema,
  },
  updateAssistant,
);

assistant.delete({ summary: "Delete an assistant" }, deleteAssistant);

export const registerAssistantRoutes = routes.register;
