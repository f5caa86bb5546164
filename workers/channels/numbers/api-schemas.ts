import { z } from "@hono/zod-openapi";
import { changesOf, fieldsOf, timestampFields } from "../../http/api-schemas.ts";
import type { ChannelNumber } from "./numbers.ts";
import { NUMBER_CHANNELS } from "./tables.ts";

const E164Schema = z
  .string()
  .regex(/^\+[1-9]\d{6,14}$/, "must be an E.164 number such as +14155550100")
  .openapi({ example: "+14155550100" });

export const ChannelNumberSchema = z
  .object({
    id: z.uuid(),
    channel: z.enum(NUMBER_CHANNELS),
    phone_number: E164Schema,
    assistant_id: z.uuid().nullable(),
    enabled: z.boolean(),
    ...timestampFields,
  })
  .openapi("ChannelNumber");

export const ChannelNumberCreateSchema = z
  .object({
    channel: z.enum(NUMBER_CHANNELS),
    phone_number: E164Schema,
    assistant_id: z.uuid().nullable().default(null).openapi({
      description: "The assistant that answers on this number; without one, the tenant's enabled assistant.",
    }),
    enabled: z.boolean().default(true),
  })
  .openapi("ChannelNumberCreate");

export const ChannelNumberUpdateSchema = changesOf(
  z.object({ phone_number: E164Schema, assistant_id: z.uuid().nullable(), enabled: z.boolean() }),
).openapi("ChannelNumberUpdate");

export const renderChannelNumber = (number: ChannelNumber) =>
  fieldsOf(number, "id", "channel", "phoneNumber", "assistantId", "enabled", "createdAt", "updatedAt");
