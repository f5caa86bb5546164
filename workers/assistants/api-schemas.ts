import { z } from "@hono/zod-openapi";
import { changesOf, fieldsOf, timestampFields } from "../http/api-schemas.ts";
import type { Assistant } from "./assistants.ts";

export const AssistantSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    model: z.string(),
    instructions: z.string(),
    temperature: z.number(),
    enabled: z.boolean(),
    ...timestampFields,
  })
  .openapi("Assistant");

export const AssistantCreateSchema = z
  .object({
    name: z.string().trim().min(1).max(120),
    model: z.string().trim().min(1).max(120).openapi({ example: "gpt-4o-mini" }),
    instructions: z
      .string()
      .trim()
      .min(1)
      .max(20_000)
      .openapi({ description: "The system prompt the assistant answers with." }),
    temperature: z.number().min(0).max(2).default(0.3),
    enabled: z.boolean().default(true),
  })
  .openapi("AssistantCreate");

export const AssistantUpdateSchema = changesOf(
  z.object({
    name: z.string().trim().min(1).max(120),
    model: z.string().trim().min(1).max(120),
    instructions: z.string().trim().min(1).max(20_000),
    temperature: z.number().min(0).max(2),
    enabled: z.boolean(),
  }),
).openapi("AssistantUpdate");

export const renderAssistant = (assistant: Assistant) =>
  fieldsOf(
    assistant,
    "id",
    "name",
    "model",
    "instructions",
    "temperature",
    "enabled",
    "createdAt",
    "updatedAt",
  );
