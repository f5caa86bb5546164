import { IdParamSchema } from "../../http/api-schemas.ts";
import { jsonBody, jsonResponse } from "../../http/openapi.ts";
import { HttpProblem, notFound, validationProblem } from "../../http/problem.ts";
import { RouteGroup, tenantWrite } from "../../http/route-kit.ts";
import {
  ChannelNumberCreateSchema,
  ChannelNumberSchema,
  ChannelNumberUpdateSchema,
  renderChannelNumber,
} from "./api-schemas.ts";
import {
  createChannelNumber,
  deleteChannelNumber,
  getChannelNumber,
  listChannelNumbers,
  type NumberWrite,
  updateChannelNumber,
} from "./numbers.ts";

const READ = { role: "viewer", scope: "channels:read" } as const;
const WRITE = { role: "admin", scope: "channels:write" } as const;

function savedNumber(write: NumberWrite) {
  switch (write.outcome) {
    case "saved":
      return write.number;
    case "not_found":
      throw notFound("channel number");
    case "number_taken":
      throw new HttpProblem("conflict", "This number is already routed for this channel.");
    case "unknown_assistant":
      throw validationProblem([{ path: "body.assistant_id", message: "no assistant with this id" }]);
  }
}

const routes = new RouteGroup("Channels");

routes.list(
  {
    path: "/api/v1/channels/numbers",
    operationId: "listChannelNumbers",
    summary: "The tenant's Twilio numbers, per channel",
    access: READ,
    item: ChannelNumberSchema,
    pageName: "ChannelNumberPage",
    pageDescription: "A page of numbers",
  },
  listChannelNumbers,
  renderChannelNumber,
);

routes.add(
  {
    method: "post",
    path: "/api/v1/channels/numbers",
    operationId: "createChannelNumber",
    summary: "Route a Twilio number's WhatsApp messages or calls to this tenant",
    description:
      "A number belongs to one tenant per channel: 409 when another tenant (or this one) has it already.",
    access: WRITE,
    idempotent: true,
    request: { body: jsonBody(ChannelNumberCreateSchema) },
    responses: { 201: jsonResponse(ChannelNumberSchema, "The number") },
    problems: [409],
  },
  async (c) => {
    const body = c.req.valid("json");
    const number = savedNumber(
      await tenantWrite(c, (db, tenantId) =>
        createChannelNumber(db, tenantId, {
          channel: body.channel,
          phoneNumber: body.phone_number,
          assistantId: body.assistant_id,
          enabled: body.enabled,
        }),
      ),
    );
    c.header("Location", `/api/v1/channels/numbers/${number.id}`);
    return c.json(renderChannelNumber(number), 201);
  },
);

routes.getById(
  {
    path: "/api/v1/channels/numbers/{id}",
    operationId: "getChannelNumber",
    summary: "One number",
    access: READ,
    resource: "channel number",
    response: ChannelNumberSchema,
    responseDescription: "The number",
  },
  getChannelNumber,
  renderChannelNumber,
);

routes.add(
  {
    method: "patch",
    path: "/api/v1/channels/numbers/{id}",
    operationId: "updateChannelNumber",
    summary: "Change a number, its assistant, or whether it is enabled",
    access: WRITE,
    request: { params: IdParamSchema, body: jsonBody(ChannelNumberUpdateSchema) },
    responses: { 200: jsonResponse(ChannelNumberSchema, "The updated number") },
    problems: [404, 409],
  },
  async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const number = savedNumber(
      await tenantWrite(c, (db, tenantId) =>
        updateChannelNumber(db, tenantId, id, {
          phoneNumber: body.phone_number,
          assistantId: body.assistant_id,
          enabled: body.enabled,
        }),
      ),
    );
    return c.json(renderChannelNumber(number), 200);
  },
);

routes.deleteById(
  {
    path: "/api/v1/channels/numbers/{id}",
    operationId: "deleteChannelNumber",
    summary: "Stop routing a number to this tenant",
    access: WRITE,
    resource: "channel number",
    responseDescription: "Deleted",
  },
  deleteChannelNumber,
);

export const registerChannelNumberRoutes = routes.register;
