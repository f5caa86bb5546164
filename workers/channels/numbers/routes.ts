import { areaAccess } from "../../access/authorize.ts";
import { HttpProblem, notFound, validationProblem } from "../../http/problem.ts";
import { RouteGroup } from "../../http/route-kit.ts";
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

const routes = new RouteGroup("Channels", { module: "channels" });

const channelNumber = routes.resource("channel number", {
  path: "/api/v1/channels/numbers",
  schema: ChannelNumberSchema,
  render: renderChannelNumber,
  access: areaAccess("channels", { write: "admin" }),
});

channelNumber.list({ summary: "The tenant's Twilio numbers, per channel" }, listChannelNumbers);

channelNumber.create(
  {
    summary: "Route a Twilio number's WhatsApp messages or calls to this tenant",
    description:
      "A number belongs to one tenant per channel: 409 when another tenant (or this one) has it already.",
    body: ChannelNumberCreateSchema,
    responseDescription: "The number",
    problems: [409],
  },
  async (db, tenantId, body) =>
    savedNumber(
      await createChannelNumber(db, tenantId, {
        channel: body.channel,
        phoneNumber: body.phone_number,
        assistantId: body.assistant_id,
        enabled: body.enabled,
      }),
    ),
);

channelNumber.get({ summary: "One number" }, getChannelNumber);

channelNumber.update(
  {
    summary: "Change a number, its assistant, or whether it is enabled",
    body: ChannelNumberUpdateSchema,
    problems: [409],
  },
  async (db, tenantId, id, body) =>
    savedNumber(
      await updateChannelNumber(db, tenantId, id, {
        phoneNumber: body.phone_number,
        assistantId: body.assistant_id,
        enabled: body.enabled,
      }),
    ),
);

channelNumber.delete({ summary: "Stop routing a number to this tenant" }, deleteChannelNumber);

export const registerChannelNumberRoutes = routes.register;
